// Process-wide and thread-local runtime state: errors, threads, seeds, grad mode,
// autocast, devices.
#include "shim.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <ATen/CPUGeneratorImpl.h>
#include <mutex>
#include <c10/core/GradMode.h>

namespace {
thread_local std::string last_error;
thread_local int last_error_kind = 0;
}

void srt::set_error(const std::string& message, int kind) {
  last_error = message;
  last_error_kind = kind;
}

SRT_API const char* srt_last_error() { return last_error.c_str(); }
// What the last error was: 1 out of memory, 0 anything else.
SRT_API int srt_last_error_kind() { return last_error_kind; }

SRT_API const char* srt_version() { return TORCH_VERSION; }

SRT_API void srt_tensor_free(TH t) { delete t; }

SRT_API int srt_set_num_threads(int n) { SRT_GUARD(at::set_num_threads(n)) }
SRT_API int srt_get_num_threads() { return at::get_num_threads(); }

SRT_API int srt_manual_seed(uint64_t seed) { SRT_GUARD(at::manual_seed(seed)) }

SRT_API int srt_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
SRT_API void srt_set_grad_enabled(int enabled) { c10::GradMode::set_enabled(enabled != 0); }

SRT_API int srt_cuda_available() { return at::hasCUDA() ? 1 : 0; }
SRT_API int srt_cuda_device_count() {
  try {
    return at::hasCUDA() ? static_cast<int>(at::detail::getCUDAHooks().getNumGPUs()) : 0;
  } catch (...) {
    return 0;
  }
}
// bf16 convolutions on the current CUDA device (compute capability 8.0 or later with cuDNN 8; the test behind
// torch.cuda.is_bf16_supported); 0 without CUDA.
SRT_API int srt_cuda_bf16_supported() {
  try {
    return at::hasCUDA() && at::detail::getCUDAHooks().supportsBFloat16ConvolutionWithCuDNNv8() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

// Autocast state is thread-local in ATen; the C# scope saves and restores it.
SRT_API int srt_autocast_get(int device_type, int* enabled, int* dtype) {
  SRT_GUARD({
#if SRT_TORCH_AT_LEAST(2, 4)
    // 2.4 made autocast state per device type; the CPU/GPU-named calls are deprecated.
    auto type = device_type == static_cast<int>(c10::DeviceType::CPU) ? at::kCPU : at::kCUDA;
    *enabled = at::autocast::is_autocast_enabled(type);
    *dtype = static_cast<int>(at::autocast::get_autocast_dtype(type));
#else
    if (device_type == static_cast<int>(c10::DeviceType::CPU)) {
      *enabled = at::autocast::is_cpu_enabled();
      *dtype = static_cast<int>(at::autocast::get_autocast_cpu_dtype());
    } else {
      *enabled = at::autocast::is_enabled();
      *dtype = static_cast<int>(at::autocast::get_autocast_gpu_dtype());
    }
#endif
  })
}

SRT_API int srt_autocast_set(int device_type, int enabled, int dtype) {
  SRT_GUARD({
    bool cpu = device_type == static_cast<int>(c10::DeviceType::CPU);
    if (!cpu && !at::hasCUDA()) throw std::runtime_error("autocast on CUDA requested, but this libtorch has no CUDA");
#if SRT_TORCH_AT_LEAST(2, 4)
    auto type = cpu ? at::kCPU : at::kCUDA;
    at::autocast::set_autocast_dtype(type, srt::dtype_of(dtype));
    at::autocast::set_autocast_enabled(type, enabled != 0);
#else
    if (cpu) {
      at::autocast::set_autocast_cpu_dtype(srt::dtype_of(dtype));
      at::autocast::set_cpu_enabled(enabled != 0);
    } else {
      at::autocast::set_autocast_gpu_dtype(srt::dtype_of(dtype));
      at::autocast::set_enabled(enabled != 0);
    }
#endif
  })
}

SRT_API int srt_autocast_enter() { return at::autocast::increment_nesting(); }
SRT_API int srt_autocast_exit() {
  // Leaving the outermost autocast region drops the cached casted weights.
  int depth = at::autocast::decrement_nesting();
  if (depth == 0) at::autocast::clear_cache();
  return depth;
}

// The CPU generator's state as a uint8 tensor, so a resumed run draws the same numbers.
SRT_API int srt_get_rng_state(TH* out) {
  SRT_GUARD({
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    *out = srt::wrap(gen.get_state());
  })
}
SRT_API int srt_set_rng_state(TH state) {
  SRT_GUARD({
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(*state);
  })
}
