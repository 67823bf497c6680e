// libpng plumbing shared by the PNG-only codec (image_codec_png.cpp) and the partial row decoder (png_rows.cpp):
// reading from a memory buffer, and errors turned into a message plus a longjmp out of libpng.
#pragma once

#include <png.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace srt::png_memory {

/// Where a read struct takes its bytes from.
struct Source {
  const uint8_t* data;
  size_t length;
  size_t position;
};

/// The last libpng error message (the error pointer of a png struct).
struct ErrorState {
  char message[256];
};

inline void on_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<ErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  png_longjmp(png, 1);
}

inline void on_warning(png_structp, png_const_charp) {}

inline void read_memory(png_structp png, png_bytep out, png_size_t count) {
  auto* src = static_cast<Source*>(png_get_io_ptr(png));
  if (count > src->length - src->position) png_error(png, "the file is truncated");
  std::memcpy(out, src->data + src->position, count);
  src->position += count;
}

}  // namespace srt::png_memory
