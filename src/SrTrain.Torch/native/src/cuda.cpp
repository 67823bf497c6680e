// CUDA runtime state the engine saves, sets or reports: the CUDA generators' states (exact resume), cuDNN's
// benchmark/deterministic flags, the caching allocator's peak, and the gradient scaler's unscale pass (fp16).
// Device-generic ATen calls wherever one exists in libtorch 1.13 and 2.x; the caching allocator's statistics have
// no such call, so that part needs CUDA's headers and compiles only where CMake found torch_cuda (SRT_WITH_CUDA).
#include "shim.h"

#include <c10/core/GradMode.h>
#include <mutex>
#include <vector>

// The header pulls in CUDA's cuda_runtime_api.h: without either, the statistics report that they are unavailable
// rather than fail the build.
#if defined(SRT_WITH_CUDA) && __has_include(<c10/cuda/CUDACachingAllocator.h>) && __has_include(<cuda_runtime_api.h>)
#define SRT_CUDA_ALLOCATOR_STATS 1
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace {
at::Generator cuda_generator(int index) {
  if (!at::hasCUDA()) throw std::runtime_error("the CUDA generator was asked for, but this libtorch has no CUDA");
  return at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index)));
}
}  // namespace

// The state of CUDA device `index`'s default generator as a uint8 tensor (torch.cuda.get_rng_state(index)).
SRT_API int srt_cuda_get_rng_state(int index, TH* out) {
  SRT_GUARD({
    auto gen = cuda_generator(index);
    std::lock_guard<std::mutex> lock(gen.mutex());
    *out = srt::wrap(gen.get_state());
  })
}

// Restores a state from srt_cuda_get_rng_state (torch.cuda.set_rng_state(state, index)).
SRT_API int srt_cuda_set_rng_state(int index, TH state) {
  SRT_GUARD({
    auto gen = cuda_generator(index);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(*state);
  })
}

// torch.backends.cudnn.benchmark / .deterministic (process-wide; harmless without CUDA, which never reads them).
SRT_API int srt_set_cudnn_flags(int benchmark, int deterministic) {
  SRT_GUARD({
    at::globalContext().setBenchmarkCuDNN(benchmark != 0);
    at::globalContext().setDeterministicCuDNN(deterministic != 0);
  })
}
SRT_API int srt_get_cudnn_flags(int* benchmark, int* deterministic) {
  SRT_GUARD({
    *benchmark = at::globalContext().benchmarkCuDNN() ? 1 : 0;
    *deterministic = at::globalContext().deterministicCuDNN() ? 1 : 0;
  })
}

// torch.cuda.max_memory_allocated(index): the caching allocator's peak of allocated bytes since the process began.
// Fails in a build without CUDA.
SRT_API int srt_cuda_max_memory_allocated(int index, int64_t* bytes) {
  SRT_GUARD({
#ifdef SRT_CUDA_ALLOCATOR_STATS
    // allocated_bytes[0] is StatType::AGGREGATE in 1.13 and 2.x (the enum moved namespaces in 2.x).
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(index));
    *bytes = stats.allocated_bytes[0].peak;
#else
    throw std::runtime_error("memory statistics need a CUDA build of libtorch and CUDA's headers at build time");
#endif
  })
}

// The unscale pass of torch.cuda.amp.GradScaler.unscale_: every gradient is multiplied in place by inv_scale (a float32
// value, as GradScaler's inv_scale tensor) and *found_inf is 1 when any of them held an inf or NaN (one host sync).
// On CUDA, ATen's fused _amp_foreach_non_finite_check_and_unscale_ (what GradScaler calls); elsewhere (no such
// kernel in libtorch 1.13's CPU build) the same arithmetic op by op: a float32 multiply per element.
SRT_API int srt_amp_unscale(const TH* grads, int count, double inv_scale, int* found_inf) {
  SRT_GUARD({
    *found_inf = 0;
    if (count == 0) return 0;
    const at::Device device = grads[0]->device();
    auto options = at::TensorOptions().dtype(at::kFloat).device(device);
    at::Tensor found = at::zeros({1}, options);
    at::Tensor inv = at::full({}, static_cast<float>(inv_scale), options);
    std::vector<at::Tensor> list;
    list.reserve(count);
    bool fused = device.is_cuda();
    for (int i = 0; i < count; ++i) {
      TORCH_CHECK(grads[i]->device() == device, "unscale: gradient ", i, " is on ", grads[i]->device(), ", gradient 0 on ", device);
      list.push_back(*grads[i]);
    }
    if (fused) {
      at::_amp_foreach_non_finite_check_and_unscale_(list, found, inv);
    } else {
      c10::NoGradGuard no_grad;
      for (auto& g : list) {
        found = at::maximum(found, at::logical_not(at::isfinite(g).all()).to(at::kFloat).reshape({1}));
        g.mul_(inv);
      }
    }
    *found_inf = found.item<float>() != 0.0f ? 1 : 0;
  })
}
