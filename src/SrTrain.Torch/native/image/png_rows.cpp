// Partial PNG decoding through libpng: only the top rows of an image, for a training loader that
// crops one patch per image. PNG rows are compressed as one stream, so a patch ending at row r needs
// rows [0, r) decoded and nothing below: for a random 128px patch of a 480px sub-image that is 304 of
// 480 rows on average. The result is a Decoded (image_decoded.h) converted like OpenCV's, with the
// same values: libpng is the library OpenCV itself decodes PNGs with, and only layouts that need no
// transform beyond those OpenCV applies identically are taken here (see eligible()); anything else
// returns no image and the caller decodes with OpenCV.
#include "image_shim.h"
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

// libpng reports errors by longjmp: each step runs in a frame that owns nothing with a destructor,
// so the jump skips no C++ cleanup. Each returns false after an error (message in ErrorState).
bool read_header(png_structp png, png_infop info) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  return true;
}

bool set_transforms(png_structp png, png_infop info, int bit_depth, int color_type) {
  if (setjmp(png_jmpbuf(png))) return false;
  if (bit_depth == 16) png_set_swap(png);  // PNG stores big-endian; OpenCV's 16-bit Mat is native order
  if (color_type == PNG_COLOR_TYPE_RGB_ALPHA) png_set_strip_alpha(png);
  if (color_type == PNG_COLOR_TYPE_GRAY) png_set_gray_to_rgb(png);
  png_read_update_info(png, info);
  return true;
}

bool read_rows(png_structp png, png_bytep* rows, int count) {
  if (setjmp(png_jmpbuf(png))) return false;
  for (int y = 0; y < count; ++y) png_read_row(png, rows[y], nullptr);
  return true;
}

// Images whose RGB decode is exactly OpenCV's IMREAD_COLOR | IMREAD_ANYDEPTH through these transforms:
// 8/16-bit gray, RGB or RGBA, not interlaced, no tRNS (OpenCV expands it to alpha first), no eXIf
// (OpenCV applies EXIF orientation).
bool eligible(png_structp png, png_infop info, int bit_depth, int color_type, int interlace) {
  if (bit_depth != 8 && bit_depth != 16) return false;
  if (color_type != PNG_COLOR_TYPE_GRAY && color_type != PNG_COLOR_TYPE_RGB && color_type != PNG_COLOR_TYPE_RGB_ALPHA)
    return false;
  if (interlace != PNG_INTERLACE_NONE) return false;
  if (png_get_valid(png, info, PNG_INFO_tRNS)) return false;
#ifdef PNG_INFO_eXIf
  if (png_get_valid(png, info, PNG_INFO_eXIf)) return false;
#endif
  return true;
}

uint32_t big_endian(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// The rows below the decoded ones are never inflated, so the file's integrity is checked the way a full
// decode would notice damage: the chunk structure must run to IEND within the file, and every critical
// chunk libpng did not read (its CRC is libpng's check otherwise) must match its CRC. A truncated or
// corrupted file is an error even when the damage lies below the patch.
void check_rest(const uint8_t* data, size_t length, size_t consumed) {
  size_t at = 8;  // after the signature
  while (true) {
    if (length - at < 12) throw std::runtime_error("the file is truncated (no IEND chunk)");
    const uint32_t size = big_endian(data + at);
    if (size > length - at - 12) throw std::runtime_error("the file is truncated (a chunk runs past its end)");
    const uint8_t* type = data + at + 4;
    const size_t end = at + 12 + size;
    const bool critical = (type[0] & 0x20) == 0;
    if (critical && end > consumed) {
      uLong crc = crc32(0L, type, static_cast<uInt>(size + 4));
      if (crc != big_endian(data + at + 8 + size))
        throw std::runtime_error("CRC error in chunk " + std::string(reinterpret_cast<const char*>(type), 4));
    }
    if (std::memcmp(type, "IEND", 4) == 0) return;
    at = end;
  }
}

struct ReadStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~ReadStructs() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};
}  // namespace

// Decodes rows [0, rows) of an RGB-mode PNG held in memory. On success *img is a Decoded of `rows`
// rows (RGB order), freed with srt_image_free, and *height is the image's full height; *img is null
// (no error) when the file is not a PNG this path takes, and the caller decodes it with OpenCV.
SRT_API int srt_png_decode_rows(const uint8_t* data, int64_t length, int rows, void** img, int* height, int* width,
                                int* bits) {
  SRT_IMAGE_GUARD({
    *img = nullptr;
    if (length < 8 || png_sig_cmp(data, 0, 8) != 0) return 0;
    if (rows <= 0) throw std::runtime_error("png_decode_rows: rows must be positive, got " + std::to_string(rows));
    ErrorState error{};
    Source source{data, static_cast<size_t>(length), 0};
    ReadStructs s;
    s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, on_error, on_warning);
    if (!s.png) throw std::runtime_error("libpng: out of memory");
    s.info = png_create_info_struct(s.png);
    if (!s.info) throw std::runtime_error("libpng: out of memory");
    png_set_read_fn(s.png, &source, read_memory);
#ifdef PNG_IGNORE_ADLER32
    // zlib's Adler-32 is checked only at the stream's end, which a partial decode never reaches: computing it
    // is wasted work. Damage is caught by the chunk CRCs instead (libpng's, then check_rest's).
    png_set_option(s.png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    if (!read_header(s.png, s.info)) throw std::runtime_error(error.message);

    png_uint_32 w = 0, h = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(s.png, s.info, &w, &h, &bit_depth, &color_type, &interlace, nullptr, nullptr);
    if (!eligible(s.png, s.info, bit_depth, color_type, interlace)) return 0;
    if (static_cast<png_uint_32>(rows) > h)
      throw std::runtime_error("png_decode_rows: " + std::to_string(rows) + " rows asked of a " + std::to_string(h) +
                               "-row image");
    if (!set_transforms(s.png, s.info, bit_depth, color_type)) throw std::runtime_error(error.message);
    const int depth = bit_depth == 16 ? srt::k16U : srt::k8U;
    if (png_get_rowbytes(s.png, s.info) != static_cast<size_t>(w) * 3 * (bit_depth / 8))
      throw std::runtime_error("libpng: unexpected row size after the RGB transforms");

    srt::Mat mat(rows, static_cast<int>(w), srt::make_type(depth, 3));
    std::vector<png_bytep> pointers(static_cast<size_t>(rows));
    for (int y = 0; y < rows; ++y) pointers[y] = mat.ptr<png_byte>(y);
    if (!read_rows(s.png, pointers.data(), rows)) throw std::runtime_error(error.message);
    check_rest(data, source.length, source.position);

    *img = new srt::Decoded{mat, srt::kRgb, true};
    *height = static_cast<int>(h);
    *width = static_cast<int>(w);
    *bits = bit_depth;
  })
}
