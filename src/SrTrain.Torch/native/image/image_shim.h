// Export macro and error capture of the image library (libsrimage), which needs no libtorch: every export runs its
// body in SRT_IMAGE_GUARD, which stores the message in a thread-local and returns -1; C# raises TorchException with
// srt_image_last_error().
#pragma once
#include <exception>
#include <string>

#define SRT_API extern "C" __attribute__((visibility("default")))

namespace srt {
void set_image_error(const std::string& message);
}  // namespace srt

#define SRT_IMAGE_GUARD(...)                                                   \
  try {                                                                        \
    __VA_ARGS__;                                                               \
    return 0;                                                                  \
  } catch (const std::exception& e) {                                          \
    srt::set_image_error(e.what());                                            \
    return -1;                                                                 \
  } catch (...) {                                                              \
    srt::set_image_error("unknown native error");                              \
    return -1;                                                                 \
  }
