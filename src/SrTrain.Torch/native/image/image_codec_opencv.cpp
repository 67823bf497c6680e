// Image codecs through OpenCV (the default build): every format OpenCV's imgcodecs reads and writes.
#include "image_codec.h"
#include "image_decoded.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace srt {
Mat decode_image(const uint8_t* data, int64_t length, int mode) {
  cv::Mat buffer(1, static_cast<int>(length), CV_8U, const_cast<uint8_t*>(data));
  int flags = mode == kGray ? (cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH)
              : mode == kRgb ? (cv::IMREAD_COLOR | cv::IMREAD_ANYDEPTH)
                             : cv::IMREAD_UNCHANGED;
  return cv::imdecode(buffer, flags);
}

std::vector<uint8_t> encode_image(const std::string& e, const Mat& q, int quality, int compression) {
  cv::Mat bgr;
  if (q.channels() == 3) cv::cvtColor(q, bgr, cv::COLOR_RGB2BGR);
  else if (q.channels() == 4) cv::cvtColor(q, bgr, cv::COLOR_RGBA2BGRA);
  else bgr = q;
  std::vector<int> params;
  if (e == ".jpg" || e == ".jpeg") params = {cv::IMWRITE_JPEG_QUALITY, quality};
  else if (e == ".webp") params = {cv::IMWRITE_WEBP_QUALITY, quality};
  else if (e == ".png") params = {cv::IMWRITE_PNG_COMPRESSION, compression};
  std::vector<uint8_t> encoded;
  if (!cv::imencode(e, bgr, encoded, params)) throw std::runtime_error("OpenCV could not encode " + e);
  return encoded;
}
}  // namespace srt
