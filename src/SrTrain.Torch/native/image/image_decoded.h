// A decoded image held natively between decode and conversion (image_io.cpp, png_rows.cpp, image_codec_*.cpp).
#pragma once
#include "image_mat.h"

#include <stdexcept>
#include <vector>

namespace srt {
// Matches SrTrain.Data.ImageReadMode.
enum Mode { kRgb = 0, kRgba = 1, kGray = 2, kUnchanged = 3 };

// A decoded image in its stored form plus the channel layout asked for. OpenCV stores BGR(A);
// the reordering to RGB(A) is fused into the float conversion (no cvtColor pass, no extra copy).
// libpng's row decoder (png_rows.cpp) stores RGB already: `rgb_order` says so. `mat` may hold
// only the top rows of the image (a partial decode); crops are checked against mat.rows.
struct Decoded {
  Mat mat;
  int mode;
  bool rgb_order = false;
  int out_channels() const {
    int c = mat.channels();
    switch (mode) {
      case kRgb: return 3;
      case kRgba: return 4;
      case kGray: return 1;
      default: return c;
    }
  }
  // Source channel of each output channel; -1 means "opaque alpha".
  std::vector<int> channel_map() const {
    int c = mat.channels(), oc = out_channels();
    std::vector<int> map(static_cast<size_t>(oc));
    for (int k = 0; k < oc; ++k) {
      if (k == 3) map[k] = c == 4 ? 3 : -1;
      else if (c == 1) map[k] = 0;
      else map[k] = rgb_order ? k : 2 - k;  // BGR(A) -> RGB(A)
    }
    if (c > 1 && oc == 1) throw std::runtime_error("gray output from a colour image");
    return map;
  }
};
}  // namespace srt
