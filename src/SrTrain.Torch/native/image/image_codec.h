// The codec behind image_io.cpp: one of image_codec_opencv.cpp (default) or image_codec_png.cpp (PNG-only build).
#pragma once
#include "image_mat.h"

#include <cstdint>
#include <string>
#include <vector>

namespace srt {
// Decodes an encoded image as OpenCV's imdecode does for the mode (image_decoded.h's Mode): colour in BGR(A)
// order, 8/16-bit or float32 kept. An empty Mat means "not readable"; a format this build cannot read throws.
Mat decode_image(const uint8_t* data, int64_t length, int mode);

// Encodes `rgb` (8/16-bit, 1, 3 or 4 channels, RGB(A) order) as the format of the lower-case extension `ext`.
std::vector<uint8_t> encode_image(const std::string& ext, const Mat& rgb, int quality, int compression);
}  // namespace srt
