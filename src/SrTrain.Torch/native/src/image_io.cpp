// Image codecs through OpenCV: decode from memory into a held cv::Mat (RGB channel order),
// convert it into a caller-provided HWC float32 buffer, and encode HWC float32 RGB to a file
// format in memory. File access stays in .NET so that I/O errors name the file there.
#include "shim.h"

#include <cmath>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

namespace {
// Matches SrTrain.Data.ImageReadMode.
enum Mode { kRgb = 0, kRgba = 1, kGray = 2, kUnchanged = 3 };

int depth_bits(int cv_depth) {
  switch (cv_depth) {
    case CV_8U: return 8;
    case CV_16U: return 16;
    case CV_32F: return 32;
    default: throw std::runtime_error("unsupported pixel depth (only 8-bit, 16-bit and float32 images are read)");
  }
}

// Reorders OpenCV's BGR(A) to RGB(A) and adapts the channel count to the requested mode.
cv::Mat to_mode(const cv::Mat& m, int mode) {
  cv::Mat out;
  int c = m.channels();
  switch (mode) {
    case kRgb:
      if (c == 1) cv::cvtColor(m, out, cv::COLOR_GRAY2RGB);
      else if (c == 3) cv::cvtColor(m, out, cv::COLOR_BGR2RGB);
      else if (c == 4) cv::cvtColor(m, out, cv::COLOR_BGRA2RGB);
      else throw std::runtime_error("unsupported channel count " + std::to_string(c));
      return out;
    case kRgba:
      if (c == 1) cv::cvtColor(m, out, cv::COLOR_GRAY2RGBA);
      else if (c == 3) cv::cvtColor(m, out, cv::COLOR_BGR2RGBA);
      else if (c == 4) cv::cvtColor(m, out, cv::COLOR_BGRA2RGBA);
      else throw std::runtime_error("unsupported channel count " + std::to_string(c));
      return out;
    case kGray:
      return m;  // decoded with IMREAD_GRAYSCALE already
    default:
      if (c == 3) cv::cvtColor(m, out, cv::COLOR_BGR2RGB);
      else if (c == 4) cv::cvtColor(m, out, cv::COLOR_BGRA2RGBA);
      else out = m;
      return out;
  }
}

template <typename T>
void scale_copy(const cv::Mat& m, float* dst, float divisor) {
  const int row = m.cols * m.channels();
  for (int y = 0; y < m.rows; ++y) {
    const T* src = m.ptr<T>(y);
    float* d = dst + static_cast<int64_t>(y) * row;
    // A division, not a multiplication by 1/255, so values equal BasicSR's img.astype(float32) / 255.
    for (int i = 0; i < row; ++i) d[i] = static_cast<float>(src[i]) / divisor;
  }
}
}  // namespace

// Decodes an encoded image (PNG, JPEG, WebP, BMP, TIFF, ...) held in memory. On success *img
// is an opaque cv::Mat in RGB(A) order that the caller converts with srt_image_to_float and
// frees with srt_image_free.
SRT_API int srt_image_decode(const uint8_t* data, int64_t length, int mode, void** img, int* height, int* width,
                             int* channels, int* bits) {
  SRT_GUARD({
    *img = nullptr;
    cv::Mat buffer(1, static_cast<int>(length), CV_8U, const_cast<uint8_t*>(data));
    int flags = mode == kGray ? (cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH)
                : mode == kRgb ? (cv::IMREAD_COLOR | cv::IMREAD_ANYDEPTH)
                               : cv::IMREAD_UNCHANGED;
    cv::Mat decoded = cv::imdecode(buffer, flags);
    if (decoded.empty()) throw std::runtime_error("not a readable image (corrupt, truncated or unsupported format)");
    int b = depth_bits(decoded.depth());
    cv::Mat* held = new cv::Mat(to_mode(decoded, mode));
    *height = held->rows;
    *width = held->cols;
    *channels = held->channels();
    *bits = b;
    *img = held;
  })
}

// Writes the decoded image as HWC float32: 8-bit / 255, 16-bit / 65535, float32 as stored.
SRT_API int srt_image_to_float(void* img, float* dst, int64_t count) {
  SRT_GUARD({
    const cv::Mat& m = *static_cast<cv::Mat*>(img);
    int64_t need = static_cast<int64_t>(m.rows) * m.cols * m.channels();
    if (need != count)
      throw std::runtime_error("image_to_float: buffer has " + std::to_string(count) + " floats, image needs " +
                               std::to_string(need));
    switch (m.depth()) {
      case CV_8U: scale_copy<uint8_t>(m, dst, 255.0f); break;
      case CV_16U: scale_copy<uint16_t>(m, dst, 65535.0f); break;
      default: scale_copy<float>(m, dst, 1.0f); break;
    }
  })
}

SRT_API void srt_image_free(void* img) { delete static_cast<cv::Mat*>(img); }

// Encodes HWC float32 RGB(A)/gray in [0, 1] as `ext` (".png", ".jpg", ...), quantised like
// BasicSR's tensor2img: clamp to [0, 1], * 255 (or 65535), round half to even. `quality` is
// the JPEG/WebP quality (0-100), `compression` the PNG level (0-9). *buffer is freed with
// srt_image_buffer_free.
SRT_API int srt_image_encode(const char* ext, const float* src, int height, int width, int channels, int bits,
                             int quality, int compression, uint8_t** buffer, int64_t* length) {
  SRT_GUARD({
    *buffer = nullptr;
    if (channels != 1 && channels != 3 && channels != 4)
      throw std::runtime_error("cannot encode an image with " + std::to_string(channels) + " channels (1, 3 or 4)");
    if (bits != 8 && bits != 16) throw std::runtime_error("bit depth must be 8 or 16, got " + std::to_string(bits));
    std::string e(ext);
    for (auto& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (bits == 16 && e != ".png" && e != ".tif" && e != ".tiff")
      throw std::runtime_error("16-bit images can only be written as PNG or TIFF, not " + e +
                               " (OpenCV would silently store 8 bits)");
    const float maxv = bits == 16 ? 65535.0f : 255.0f;
    cv::Mat q(height, width, CV_MAKETYPE(bits == 16 ? CV_16U : CV_8U, channels));
    const int row = width * channels;
    for (int y = 0; y < height; ++y) {
      const float* s = src + static_cast<int64_t>(y) * row;
      for (int i = 0; i < row; ++i) {
        float v = s[i];
        v = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);  // NaN stays NaN and becomes 0 below
        float r = std::nearbyint(v * maxv);             // default rounding mode: half to even, like numpy
        if (!(r >= 0.0f)) r = 0.0f;
        if (bits == 16) q.ptr<uint16_t>(y)[i] = static_cast<uint16_t>(r);
        else q.ptr<uint8_t>(y)[i] = static_cast<uint8_t>(r);
      }
    }
    cv::Mat bgr;
    if (channels == 3) cv::cvtColor(q, bgr, cv::COLOR_RGB2BGR);
    else if (channels == 4) cv::cvtColor(q, bgr, cv::COLOR_RGBA2BGRA);
    else bgr = q;
    std::vector<int> params;
    if (e == ".jpg" || e == ".jpeg") params = {cv::IMWRITE_JPEG_QUALITY, quality};
    else if (e == ".webp") params = {cv::IMWRITE_WEBP_QUALITY, quality};
    else if (e == ".png") params = {cv::IMWRITE_PNG_COMPRESSION, compression};
    std::vector<uint8_t> encoded;
    if (!cv::imencode(e, bgr, encoded, params)) throw std::runtime_error("OpenCV could not encode " + e);
    *length = static_cast<int64_t>(encoded.size());
    *buffer = static_cast<uint8_t*>(std::malloc(encoded.size()));
    if (*buffer == nullptr) throw std::runtime_error("out of memory encoding image");
    std::memcpy(*buffer, encoded.data(), encoded.size());
  })
}

SRT_API void srt_image_buffer_free(uint8_t* buffer) { std::free(buffer); }
