// Image codecs through libpng alone: the PNG-only build (CMake SRTRAIN_IMAGE_OPENCV=OFF) of the image library, made
// to travel to machines without OpenCV (the GPU check kit, docs/gpu-check.md). Decoding applies the libpng transforms
// OpenCV 4's PNG decoder applies for the same read mode (same library, same transforms, so the same values); other
// formats fail with an error that names the build.
#include "image_codec.h"
#include "image_decoded.h"

#include "png_memory.h"

#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace {
using namespace srt::png_memory;

void write_memory(png_structp png, png_bytep data, png_size_t count) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + count);
}

void flush_memory(png_structp) {}

// Which formats the bytes are, for the error of a format this build cannot read.
std::string sniff(const uint8_t* d, int64_t n) {
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "JPEG";
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) return "WebP";
  if (n >= 2 && d[0] == 'B' && d[1] == 'M') return "BMP";
  if (n >= 4 && (std::memcmp(d, "II*\0", 4) == 0 || std::memcmp(d, "MM\0*", 4) == 0)) return "TIFF";
  return "an unknown format";
}

// The frames below own nothing with a destructor: libpng's longjmp skips no C++ cleanup.
bool read_header(png_structp png, png_infop info) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  return true;
}

// OpenCV 4's PngDecoder::readData transforms, for an output of `channels` channels (ANYDEPTH: 16-bit kept).
bool set_transforms(png_structp png, png_infop info, int bit_depth, int color_type, int channels) {
  if (setjmp(png_jmpbuf(png))) return false;
  if (bit_depth == 16) png_set_swap(png);  // PNG stores big-endian; the Mat holds native order
  if (channels < 4) png_set_strip_alpha(png);
  else png_set_tRNS_to_alpha(png);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if ((color_type & PNG_COLOR_MASK_COLOR) && channels > 1) png_set_bgr(png);
  else if (channels > 1) png_set_gray_to_rgb(png);
  else png_set_rgb_to_gray(png, 1, 0.299, 0.587);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  return true;
}

bool read_image(png_structp png, png_bytep* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  return true;
}

bool write_image(png_structp png, png_infop info, const srt::Mat& q, int compression, png_bytep* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  const int c = q.channels();
  const int type = c == 1 ? PNG_COLOR_TYPE_GRAY : c == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA;
  png_set_IHDR(png, info, static_cast<png_uint_32>(q.cols), static_cast<png_uint_32>(q.rows),
               q.depth() == srt::k16U ? 16 : 8, type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, compression);
  png_set_compression_strategy(png, Z_RLE);  // OpenCV's default PNG strategy
  png_write_info(png, info);
  if (q.depth() == srt::k16U) png_set_swap(png);
  png_write_image(png, rows);
  png_write_end(png, info);
  return true;
}

struct ReadStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~ReadStructs() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

struct WriteStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~WriteStructs() { png_destroy_write_struct(&png, info ? &info : nullptr); }
};
}  // namespace

namespace srt {
Mat decode_image(const uint8_t* data, int64_t length, int mode) {
  if (length < 8 || png_sig_cmp(data, 0, 8) != 0)
    throw std::runtime_error("this build of the image library reads PNG only (built without OpenCV, "
                             "SRTRAIN_IMAGE_OPENCV=OFF); the data is " + sniff(data, length));
  ErrorState error{};
  Source source{data, static_cast<size_t>(length), 0};
  ReadStructs s;
  s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, on_error, on_warning);
  if (!s.png) throw std::runtime_error("libpng: out of memory");
  s.info = png_create_info_struct(s.png);
  if (!s.info) throw std::runtime_error("libpng: out of memory");
  png_set_read_fn(s.png, &source, read_memory);
  if (!read_header(s.png, s.info)) return Mat();  // like imdecode: unreadable -> empty

  png_uint_32 w = 0, h = 0;
  int bit_depth = 0, color_type = 0;
  png_get_IHDR(s.png, s.info, &w, &h, &bit_depth, &color_type, nullptr, nullptr, nullptr);
#ifdef PNG_INFO_eXIf
  if (mode != kUnchanged && png_get_valid(s.png, s.info, PNG_INFO_eXIf))
    throw std::runtime_error("PNG with an EXIF chunk: the PNG-only image library does not apply EXIF orientation "
                             "(OpenCV does); read it with the OpenCV build");
#endif
  // OpenCV's PngDecoder::readHeader type, then imdecode's channel choice for the mode.
  int stored = 1;
  if (color_type == PNG_COLOR_TYPE_RGB || color_type == PNG_COLOR_TYPE_PALETTE)
    stored = png_get_valid(s.png, s.info, PNG_INFO_tRNS) ? 4 : 3;
  else if (color_type == PNG_COLOR_TYPE_GRAY_ALPHA || color_type == PNG_COLOR_TYPE_RGB_ALPHA)
    stored = 4;
  // Like image_codec_opencv.cpp's flags: RGB is IMREAD_COLOR, gray IMREAD_GRAYSCALE, RGBA and unchanged IMREAD_UNCHANGED.
  const int channels = mode == kGray ? 1 : mode == kRgb ? 3 : stored;
  const int depth = bit_depth == 16 ? k16U : k8U;
  if (!set_transforms(s.png, s.info, bit_depth, color_type, channels)) return Mat();
  if (png_get_rowbytes(s.png, s.info) != static_cast<size_t>(w) * channels * (bit_depth == 16 ? 2 : 1))
    throw std::runtime_error("libpng: unexpected row size after the transforms");
  Mat mat(static_cast<int>(h), static_cast<int>(w), make_type(depth, channels));
  std::vector<png_bytep> rows(h);
  for (png_uint_32 y = 0; y < h; ++y) rows[y] = mat.ptr<png_byte>(static_cast<int>(y));
  if (!read_image(s.png, rows.data())) return Mat();
  return mat;
}

std::vector<uint8_t> encode_image(const std::string& e, const Mat& q, int quality, int compression) {
  if (e != ".png")
    throw std::runtime_error("this build of the image library writes PNG only (built without OpenCV, "
                             "SRTRAIN_IMAGE_OPENCV=OFF), not " + e);
  ErrorState error{};
  std::vector<uint8_t> out;
  WriteStructs s;
  s.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, on_error, on_warning);
  if (!s.png) throw std::runtime_error("libpng: out of memory");
  s.info = png_create_info_struct(s.png);
  if (!s.info) throw std::runtime_error("libpng: out of memory");
  png_set_write_fn(s.png, &out, write_memory, flush_memory);
  std::vector<png_bytep> rows(static_cast<size_t>(q.rows));
  for (int y = 0; y < q.rows; ++y) rows[y] = const_cast<png_bytep>(q.ptr<png_byte>(y));
  if (!write_image(s.png, s.info, q, compression < 0 ? 3 : compression > 9 ? 9 : compression, rows.data()))
    throw std::runtime_error(std::string("libpng: ") + error.message);
  return out;
}
}  // namespace srt
