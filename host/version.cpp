#include "version.hpp"

#ifndef LEARNRACE_VERSION
#define LEARNRACE_VERSION "unknown"
#endif
#ifndef LEARNRACE_GIT_DESCRIBE
#define LEARNRACE_GIT_DESCRIBE "unknown"
#endif

namespace learnrace {

const char* version_string() { return LEARNRACE_VERSION; }
const char* git_describe_string() { return LEARNRACE_GIT_DESCRIBE; }

}  // namespace learnrace
