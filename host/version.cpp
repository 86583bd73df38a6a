#include "version.hpp"

#include "git_describe.hpp"  // generated at build time (cmake/git_describe.cmake)

#ifndef LEARNRACE_VERSION
#define LEARNRACE_VERSION "unknown"
#endif

namespace learnrace {

const char* version_string() { return LEARNRACE_VERSION; }
const char* git_describe_string() { return LEARNRACE_GIT_DESCRIBE; }

}  // namespace learnrace
