// The pixel matrix the image library holds decoded images in. With OpenCV (the default build) it is cv::Mat itself,
// so that build decodes and converts exactly as before the split. The PNG-only build (SRT_IMAGE_OPENCV undefined,
// CMake option SRTRAIN_IMAGE_OPENCV=OFF), made to travel to machines without OpenCV, has a minimal row-major
// stand-in with the few members the converters use.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#ifdef SRT_IMAGE_OPENCV
#include <opencv2/core.hpp>
namespace srt {
using Mat = cv::Mat;
constexpr int k8U = CV_8U, k16U = CV_16U, k32F = CV_32F;
inline int make_type(int depth, int channels) { return CV_MAKETYPE(depth, channels); }
}  // namespace srt
#else
namespace srt {
constexpr int k8U = 0, k16U = 2, k32F = 5;  // OpenCV's depth codes, so both builds report the same
inline int make_type(int depth, int channels) { return depth + ((channels - 1) << 3); }

// Rows x cols x channels values of one depth, contiguous, shared on copy like cv::Mat.
class Mat {
 public:
  int rows = 0, cols = 0;
  Mat() = default;
  Mat(int rows_, int cols_, int type)
      : rows(rows_), cols(cols_), depth_(type & 7), channels_((type >> 3) + 1),
        data_(std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(rows_) * cols_ * channels_ * elemSize1())) {}
  int depth() const { return depth_; }
  int channels() const { return channels_; }
  size_t elemSize1() const { return depth_ == k8U ? 1 : depth_ == k16U ? 2 : 4; }
  bool empty() const { return !data_ || data_->empty(); }
  size_t step() const { return static_cast<size_t>(cols) * channels_ * elemSize1(); }
  template <typename T = uint8_t>
  T* ptr(int y) { return reinterpret_cast<T*>(data_->data() + step() * static_cast<size_t>(y)); }
  template <typename T = uint8_t>
  const T* ptr(int y) const { return reinterpret_cast<const T*>(data_->data() + step() * static_cast<size_t>(y)); }

 private:
  int depth_ = k8U, channels_ = 1;
  std::shared_ptr<std::vector<uint8_t>> data_;
};
}  // namespace srt
#endif
