// Image conversion and the codec-independent half of image I/O: decode from memory into a held image (RGB channel
// order), convert it into a caller-provided HWC float32 buffer, and quantise HWC float32 RGB for encoding. The codecs
// themselves are image_codec_opencv.cpp (the default build: every format OpenCV reads) or image_codec_png.cpp (the
// PNG-only build, libpng alone). File access stays in .NET so that I/O errors name the file there.
#include "image_shim.h"
#include "image_codec.h"
#include "image_decoded.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>
#include <stdexcept>
#include <vector>

namespace {
thread_local std::string last_error;
}

void srt::set_image_error(const std::string& message) { last_error = message; }

SRT_API const char* srt_image_last_error() { return last_error.c_str(); }

namespace {
using srt::Decoded;
using srt::Mat;
using srt::kGray;
using srt::kRgb;

int depth_bits(int depth) {
  switch (depth) {
    case srt::k8U: return 8;
    case srt::k16U: return 16;
    case srt::k32F: return 32;
    default: throw std::runtime_error("unsupported pixel depth (only 8-bit, 16-bit and float32 images are read)");
  }
}

// Converts rows [top, top+h) and columns [left, left+w) of the decoded image into `dst` (HWC float32,
// RGB(A) order). Converting only the crop a sample needs, not the whole image, is what keeps a
// 480x480 tile's cost at its decode: a 128x128 patch is 1/14 of the float conversion.
template <typename T>
void convert(const Decoded& d, float* dst, const float* lut, float divisor, int top, int left, int h, int w) {
  const Mat& m = d.mat;
  const int c = m.channels(), oc = d.out_channels();
  const std::vector<int> map = d.channel_map();
  for (int y = 0; y < h; ++y) {
    const T* src = m.ptr<T>(top + y) + static_cast<int64_t>(left) * c;
    float* o = dst + static_cast<int64_t>(y) * w * oc;
    if constexpr (std::is_same<T, uint8_t>::value) {
      if (c == 3 && oc == 3) {
        // The common cases (8-bit BGR or RGB -> RGB) without the per-value channel-map lookup.
        const int r = d.rgb_order ? 0 : 2, b = 2 - r;
        for (int x = 0; x < w; ++x, src += 3, o += 3) {
          o[0] = lut[src[r]];
          o[1] = lut[src[1]];
          o[2] = lut[src[b]];
        }
        continue;
      }
    }
    for (int x = 0; x < w; ++x, src += c, o += oc)
      for (int k = 0; k < oc; ++k) {
        int sk = map[k];
        if (sk < 0) o[k] = 1.0f;
        // 8-bit through a table of v / 255.0f: exactly BasicSR's img.astype(float32) / 255.
        else if (lut) o[k] = lut[static_cast<int>(src[sk])];
        else o[k] = static_cast<float>(src[sk]) / divisor;
      }
  }
}

// Copies the decoded image as stored values (8-bit, 16-bit or float32) in RGB(A) order: the
// decode-once cache keeps these, 4x smaller than floats for 8-bit images.
template <typename T>
void copy_raw(const Decoded& d, T* dst) {
  const Mat& m = d.mat;
  const int c = m.channels(), oc = d.out_channels();
  const std::vector<int> map = d.channel_map();
  const T opaque = std::is_same<T, float>::value ? T(1) : std::numeric_limits<T>::max();
  for (int y = 0; y < m.rows; ++y) {
    const T* src = m.ptr<T>(y);
    T* o = dst + static_cast<int64_t>(y) * m.cols * oc;
    for (int x = 0; x < m.cols; ++x, src += c, o += oc)
      for (int k = 0; k < oc; ++k) o[k] = map[k] < 0 ? opaque : src[map[k]];
  }
}

const float* lut8() {
  static const std::vector<float> table = [] {
    std::vector<float> t(256);
    for (int i = 0; i < 256; ++i) t[i] = static_cast<float>(i) / 255.0f;
    return t;
  }();
  return table.data();
}
}  // namespace

// Decodes an encoded image (PNG, JPEG, WebP, BMP, TIFF, ...; PNG alone in the PNG-only build) held in memory. On success *img
// is an opaque decoded image that the caller converts with srt_image_to_float and
// frees with srt_image_free.
SRT_API int srt_image_decode(const uint8_t* data, int64_t length, int mode, void** img, int* height, int* width,
                             int* channels, int* bits) {
  SRT_IMAGE_GUARD({
    *img = nullptr;
    Mat decoded = srt::decode_image(data, length, mode);
    if (decoded.empty()) throw std::runtime_error("not a readable image (corrupt, truncated or unsupported format)");
    int b = depth_bits(decoded.depth());
    int c = decoded.channels();
    if (c != 1 && c != 3 && c != 4) throw std::runtime_error("unsupported channel count " + std::to_string(c));
    Decoded* held = new Decoded{decoded, mode};
    *height = decoded.rows;
    *width = decoded.cols;
    *channels = held->out_channels();
    *bits = b;
    *img = held;
  })
}

// Writes rows [top, top+h) x columns [left, left+w) of the decoded image as HWC float32: 8-bit / 255,
// 16-bit / 65535, float32 as stored. The whole image is top = left = 0, h = rows, w = cols.
SRT_API int srt_image_crop_to_float(void* img, int top, int left, int h, int w, float* dst, int64_t count) {
  SRT_IMAGE_GUARD({
    const Decoded& d = *static_cast<Decoded*>(img);
    const Mat& m = d.mat;
    if (top < 0 || left < 0 || h <= 0 || w <= 0 || top + h > m.rows || left + w > m.cols)
      throw std::runtime_error("crop " + std::to_string(h) + "x" + std::to_string(w) + " at (" + std::to_string(top) + ", " +
                               std::to_string(left) + ") is outside the " + std::to_string(m.rows) + "x" +
                               std::to_string(m.cols) + " image");
    int64_t need = static_cast<int64_t>(h) * w * d.out_channels();
    if (need != count)
      throw std::runtime_error("image_to_float: buffer has " + std::to_string(count) + " floats, the crop needs " +
                               std::to_string(need));
    switch (m.depth()) {
      case srt::k8U: convert<uint8_t>(d, dst, lut8(), 255.0f, top, left, h, w); break;
      case srt::k16U: convert<uint16_t>(d, dst, nullptr, 65535.0f, top, left, h, w); break;
      default: convert<float>(d, dst, nullptr, 1.0f, top, left, h, w); break;
    }
  })
}

SRT_API int srt_image_to_float(void* img, float* dst, int64_t count) {
  const Mat& m = static_cast<Decoded*>(img)->mat;
  return srt_image_crop_to_float(img, 0, 0, m.rows, m.cols, dst, count);
}

// Copies the stored values (1, 2 or 4 bytes each, by `bits`) in RGB(A) order into `dst`.
SRT_API int srt_image_to_raw(void* img, void* dst, int64_t bytes) {
  SRT_IMAGE_GUARD({
    const Decoded& d = *static_cast<Decoded*>(img);
    const Mat& m = d.mat;
    int64_t need = static_cast<int64_t>(m.rows) * m.cols * d.out_channels() * static_cast<int64_t>(m.elemSize1());
    if (need != bytes)
      throw std::runtime_error("image_to_raw: buffer has " + std::to_string(bytes) + " bytes, image needs " + std::to_string(need));
    switch (m.depth()) {
      case srt::k8U: copy_raw<uint8_t>(d, static_cast<uint8_t*>(dst)); break;
      case srt::k16U: copy_raw<uint16_t>(d, static_cast<uint16_t*>(dst)); break;
      default: copy_raw<float>(d, static_cast<float*>(dst)); break;
    }
  })
}

SRT_API void srt_image_free(void* img) { delete static_cast<Decoded*>(img); }

// Encodes HWC float32 RGB(A)/gray in [0, 1] as `ext` (".png", ".jpg", ...), quantised like
// BasicSR's tensor2img: clamp to [0, 1], * 255 (or 65535), round half to even. `quality` is
// the JPEG/WebP quality (0-100), `compression` the PNG level (0-9). *buffer is freed with
// srt_image_buffer_free.
SRT_API int srt_image_encode(const char* ext, const float* src, int height, int width, int channels, int bits,
                             int quality, int compression, uint8_t** buffer, int64_t* length) {
  SRT_IMAGE_GUARD({
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
    Mat q(height, width, srt::make_type(bits == 16 ? srt::k16U : srt::k8U, channels));
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
    std::vector<uint8_t> encoded = srt::encode_image(e, q, quality, compression);
    *length = static_cast<int64_t>(encoded.size());
    *buffer = static_cast<uint8_t*>(std::malloc(encoded.size()));
    if (*buffer == nullptr) throw std::runtime_error("out of memory encoding image");
    std::memcpy(*buffer, encoded.data(), encoded.size());
  })
}

SRT_API void srt_image_buffer_free(uint8_t* buffer) { std::free(buffer); }
