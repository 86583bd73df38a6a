// Version of this build (CMake project version and `git describe` at configure time).
#pragma once

namespace learnrace {

const char* version_string();       // "0.1.0"
const char* git_describe_string();  // e.g. "5f23d4d-dirty"

}  // namespace learnrace
