// Shared plumbing of the shim: handle type, error capture, export macro.
// No C++ exception may cross into .NET: every export runs its body in SRT_GUARD, which
// stores the message in a thread-local and returns -1; C# raises TorchException.
#pragma once
#include <ATen/ATen.h>
#include <torch/csrc/api/include/torch/version.h>
#include <cstdint>
#include <new>
#include <string>

// True when compiling against libtorch MAJOR.MINOR or newer; marks where the API moved
// (docs/libtorch-versions.md lists each place).
#define SRT_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

#define SRT_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TH;

namespace srt {
// kind: 0 any error, 1 out of memory (c10::OutOfMemoryError, std::bad_alloc); C# raises TorchOutOfMemoryException.
void set_error(const std::string& message, int kind = 0);

inline at::ScalarType dtype_of(int code) { return static_cast<at::ScalarType>(code); }

inline at::Device device_of(int type, int index) {
  return at::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

inline at::IntArrayRef dims(const int64_t* values, int count) {
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline TH wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }
}  // namespace srt

#define SRT_GUARD(...)                                                         \
  try {                                                                        \
    __VA_ARGS__;                                                               \
    return 0;                                                                  \
  } catch (const c10::OutOfMemoryError& e) {                                   \
    srt::set_error(e.what_without_backtrace(), 1);                             \
    return -1;                                                                 \
  } catch (const c10::Error& e) {                                              \
    srt::set_error(e.what_without_backtrace());                                \
    return -1;                                                                 \
  } catch (const std::bad_alloc& e) {                                          \
    srt::set_error(std::string("out of memory (") + e.what() + ")", 1);        \
    return -1;                                                                 \
  } catch (const std::exception& e) {                                          \
    srt::set_error(e.what());                                                  \
    return -1;                                                                 \
  } catch (...) {                                                              \
    srt::set_error("unknown native error");                                    \
    return -1;                                                                 \
  }

// Most exports produce one tensor: `SRT_RETURN(expr)` wraps it into *out.
#define SRT_RETURN(...) SRT_GUARD(*out = srt::wrap(__VA_ARGS__))
