// Functional neural-network ops (all differentiable through ATen's autograd).
#include "shim.h"


using srt::dims;

namespace {
inline at::Tensor opt(TH t) { return t ? *t : at::Tensor(); }
}  // namespace

SRT_API int srt_conv2d(TH x, TH w, TH b, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                       int64_t groups, TH* out) {
  SRT_RETURN(at::conv2d(*x, *w, opt(b), dims(stride, 2), dims(padding, 2), dims(dilation, 2), groups))
}
SRT_API int srt_conv_transpose2d(TH x, TH w, TH b, const int64_t* stride, const int64_t* padding,
                                 const int64_t* output_padding, int64_t groups, const int64_t* dilation, TH* out) {
  SRT_RETURN(at::conv_transpose2d(*x, *w, opt(b), dims(stride, 2), dims(padding, 2), dims(output_padding, 2), groups,
                                  dims(dilation, 2)))
}
SRT_API int srt_linear(TH x, TH w, TH b, TH* out) { SRT_RETURN(at::linear(*x, *w, opt(b))) }

SRT_API int srt_relu(TH x, TH* out) { SRT_RETURN(at::relu(*x)) }
SRT_API int srt_relu_(TH x) { SRT_GUARD(at::relu_(*x)) }
SRT_API int srt_leaky_relu(TH x, double slope, TH* out) { SRT_RETURN(at::leaky_relu(*x, slope)) }
SRT_API int srt_leaky_relu_(TH x, double slope) { SRT_GUARD(at::leaky_relu_(*x, slope)) }
SRT_API int srt_prelu(TH x, TH w, TH* out) { SRT_RETURN(at::prelu(*x, *w)) }
SRT_API int srt_sigmoid(TH x, TH* out) { SRT_RETURN(at::sigmoid(*x)) }
SRT_API int srt_tanh(TH x, TH* out) { SRT_RETURN(at::tanh(*x)) }
SRT_API int srt_gelu(TH x, int tanh_approx, TH* out) { SRT_RETURN(at::gelu(*x, tanh_approx ? "tanh" : "none")) }
SRT_API int srt_softplus(TH x, double beta, double threshold, TH* out) { SRT_RETURN(at::softplus(*x, beta, threshold)) }
SRT_API int srt_softmax(TH x, int64_t dim, TH* out) { SRT_RETURN(at::softmax(*x, dim)) }
SRT_API int srt_log_softmax(TH x, int64_t dim, TH* out) { SRT_RETURN(at::log_softmax(*x, dim)) }

// running_mean/var may be null; in training mode they are updated in place.
SRT_API int srt_batch_norm(TH x, TH w, TH b, TH running_mean, TH running_var, int training, double momentum,
                           double eps, TH* out) {
  SRT_RETURN(at::batch_norm(*x, opt(w), opt(b), opt(running_mean), opt(running_var), training != 0, momentum, eps,
                            /*cudnn_enabled=*/true))
}

SRT_API int srt_pixel_shuffle(TH x, int64_t r, TH* out) { SRT_RETURN(at::pixel_shuffle(*x, r)) }
SRT_API int srt_pixel_unshuffle(TH x, int64_t r, TH* out) { SRT_RETURN(at::pixel_unshuffle(*x, r)) }

// mode: 0 nearest, 1 bilinear, 2 bicubic. Either size (h, w) or scale factors are given,
// like torch.nn.functional.interpolate (recompute_scale_factor=None semantics).
SRT_API int srt_interpolate(TH x, int mode, const int64_t* size, const double* scale, int align_corners, TH* out) {
  SRT_GUARD({
    c10::optional<at::IntArrayRef> osize;
    c10::optional<at::ArrayRef<double>> scales;
    if (size) osize = dims(size, 2);
    if (scale) scales = at::ArrayRef<double>(scale, 2);
    at::Tensor r;
    switch (mode) {
      case 0: r = at::upsample_nearest2d(*x, osize, scales); break;
      case 1: r = at::upsample_bilinear2d(*x, osize, align_corners != 0, scales); break;
      case 2: r = at::upsample_bicubic2d(*x, osize, align_corners != 0, scales); break;
      default: throw std::runtime_error("interpolate: unknown mode " + std::to_string(mode));
    }
    *out = srt::wrap(r);
  })
}

SRT_API int srt_avg_pool2d(TH x, const int64_t* k, const int64_t* s, const int64_t* p, int ceil_mode,
                           int count_include_pad, TH* out) {
  SRT_RETURN(at::avg_pool2d(*x, dims(k, 2), dims(s, 2), dims(p, 2), ceil_mode != 0, count_include_pad != 0))
}
SRT_API int srt_max_pool2d(TH x, const int64_t* k, const int64_t* s, const int64_t* p, const int64_t* d, int ceil_mode,
                           TH* out) {
  SRT_RETURN(at::max_pool2d(*x, dims(k, 2), dims(s, 2), dims(p, 2), dims(d, 2), ceil_mode != 0))
}
SRT_API int srt_adaptive_avg_pool2d(TH x, const int64_t* size, TH* out) {
  SRT_RETURN(at::adaptive_avg_pool2d(*x, dims(size, 2)))
}

// mode: 0 constant (zero or value), 1 reflect, 2 replicate, 3 circular.
SRT_API int srt_pad(TH x, const int64_t* pads, int n, int mode, double value, TH* out) {
  SRT_GUARD({
    static const char* names[] = {"constant", "reflect", "replicate", "circular"};
    if (mode < 0 || mode > 3) throw std::runtime_error("pad: unknown mode " + std::to_string(mode));
    *out = srt::wrap(at::pad(*x, dims(pads, n), names[mode], mode == 0 ? c10::optional<double>(value) : c10::nullopt));
  })
}
SRT_API int srt_dropout(TH x, double p, int train, TH* out) { SRT_RETURN(at::dropout(*x, p, train != 0)) }

// reduction: 0 none, 1 mean, 2 sum (at::Reduction values).
SRT_API int srt_l1_loss(TH x, TH y, int reduction, TH* out) { SRT_RETURN(at::l1_loss(*x, *y, reduction)) }
SRT_API int srt_mse_loss(TH x, TH y, int reduction, TH* out) { SRT_RETURN(at::mse_loss(*x, *y, reduction)) }
SRT_API int srt_smooth_l1_loss(TH x, TH y, int reduction, double beta, TH* out) {
  SRT_RETURN(at::smooth_l1_loss(*x, *y, reduction, beta))
}
SRT_API int srt_bce_with_logits(TH x, TH y, TH weight, TH pos_weight, int reduction, TH* out) {
  SRT_RETURN(at::binary_cross_entropy_with_logits(*x, *y, opt(weight), opt(pos_weight), reduction))
}
