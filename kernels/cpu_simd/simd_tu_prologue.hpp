// The system headers the model's headers use, for a SIMD translation unit to include BEFORE its
// `#pragma GCC target`: code from them stays compiled for the baseline instruction set, so no inline function the
// linker might share with other translation units is emitted with AVX instructions (tests/cpp/CMakeLists.txt checks
// the objects' symbols). No header of this project may come before the pragma.
#pragma once

#include <Random123/philox.h>
#include <immintrin.h>
#include <math.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
