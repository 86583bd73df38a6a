// Error checking of the CUDA backend: every CUDA call and launch goes through LR_CUDA_CHECK, which
// throws std::runtime_error naming the call, the CUDA error and file:line.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace learnrace::cuda_detail {

[[noreturn]] inline void throw_cuda(cudaError_t err, const char* call, const char* file, int line) {
  throw std::runtime_error(std::string("CUDA backend: ") + call + " failed: " + cudaGetErrorName(err) + ": " +
                           cudaGetErrorString(err) + " (" + file + ":" + std::to_string(line) + ")");
}
#define LR_CUDA_CHECK(call)                                                                               \
  do {                                                                                                    \
    const cudaError_t lr_err_ = (call);                                                                   \
    if (lr_err_ != cudaSuccess) ::learnrace::cuda_detail::throw_cuda(lr_err_, #call, __FILE__, __LINE__); \
  } while (0)

}  // namespace learnrace::cuda_detail
