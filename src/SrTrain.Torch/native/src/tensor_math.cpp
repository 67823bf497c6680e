// Elementwise arithmetic, comparisons, reductions, linear algebra.
#include "shim.h"

using srt::dims;

// Binary tensor-tensor ops and their in-place forms.
#define SRT_BINARY(name, expr)                                           \
  SRT_API int srt_##name(TH a, TH b, TH* out) { SRT_RETURN(expr) }
#define SRT_BINARY_(name, expr) \
  SRT_API int srt_##name(TH a, TH b) { SRT_GUARD(expr) }
#define SRT_SCALAR(name, expr) \
  SRT_API int srt_##name(TH a, double s, TH* out) { SRT_RETURN(expr) }
#define SRT_SCALAR_(name, expr) \
  SRT_API int srt_##name(TH a, double s) { SRT_GUARD(expr) }
#define SRT_UNARY(name, expr) \
  SRT_API int srt_##name(TH a, TH* out) { SRT_RETURN(expr) }

// alpha arrives as a double; integral tensors need an integral alpha (as Python's add(alpha=1) gives).
static at::Scalar alpha_for(const at::Tensor& a, const at::Tensor& b, double alpha) {
  bool integral = !at::isFloatingType(a.scalar_type()) && !at::isFloatingType(b.scalar_type());
  return integral && alpha == static_cast<double>(static_cast<int64_t>(alpha)) ? at::Scalar(static_cast<int64_t>(alpha)) : at::Scalar(alpha);
}

// A double scalar on an integral tensor: pass it as an integer when it is one, so int tensors keep
// their dtype in place (torch: long_tensor.add_(1) works, add_(1.0) does not).
static at::Scalar scalar_for(const at::Tensor& a, double s) {
  return !at::isFloatingType(a.scalar_type()) && s == static_cast<double>(static_cast<int64_t>(s)) ? at::Scalar(static_cast<int64_t>(s))
                                                                                                   : at::Scalar(s);
}

SRT_API int srt_add(TH a, TH b, double alpha, TH* out) { SRT_RETURN(at::add(*a, *b, alpha_for(*a, *b, alpha))) }
SRT_API int srt_sub(TH a, TH b, double alpha, TH* out) { SRT_RETURN(at::sub(*a, *b, alpha_for(*a, *b, alpha))) }
SRT_BINARY(mul, at::mul(*a, *b))
SRT_BINARY(div, at::div(*a, *b))
SRT_BINARY(pow_t, at::pow(*a, *b))
SRT_BINARY(maximum, at::maximum(*a, *b))
SRT_BINARY(minimum, at::minimum(*a, *b))
SRT_BINARY(matmul, at::matmul(*a, *b))
SRT_BINARY(eq, at::eq(*a, *b))
SRT_BINARY(ne, at::ne(*a, *b))
SRT_BINARY(lt, at::lt(*a, *b))
SRT_BINARY(le, at::le(*a, *b))
SRT_BINARY(gt, at::gt(*a, *b))
SRT_BINARY(ge, at::ge(*a, *b))
SRT_BINARY(logical_and, at::logical_and(*a, *b))
SRT_BINARY(logical_or, at::logical_or(*a, *b))

SRT_API int srt_add_(TH a, TH b, double alpha) { SRT_GUARD(a->add_(*b, alpha_for(*a, *b, alpha))) }
SRT_API int srt_sub_(TH a, TH b, double alpha) { SRT_GUARD(a->sub_(*b, alpha_for(*a, *b, alpha))) }
SRT_BINARY_(mul_, a->mul_(*b))
SRT_BINARY_(div_, a->div_(*b))
SRT_API int srt_addcmul_(TH a, TH b, TH c, double value) { SRT_GUARD(a->addcmul_(*b, *c, value)) }
SRT_API int srt_addcdiv_(TH a, TH b, TH c, double value) { SRT_GUARD(a->addcdiv_(*b, *c, value)) }
SRT_API int srt_lerp_(TH a, TH b, double weight) { SRT_GUARD(a->lerp_(*b, weight)) }

SRT_SCALAR(add_s, at::add(*a, scalar_for(*a, s)))
SRT_SCALAR(sub_s, at::sub(*a, scalar_for(*a, s)))
SRT_SCALAR(rsub_s, at::rsub(*a, scalar_for(*a, s)))
SRT_SCALAR(mul_s, at::mul(*a, scalar_for(*a, s)))
SRT_SCALAR(div_s, at::div(*a, s))
// s / a as torch's __rtruediv__ (reciprocal * s); out of place, since reciprocal's backward needs its output.
SRT_SCALAR(rdiv_s, at::mul(at::reciprocal(*a), s))
SRT_SCALAR(pow_s, at::pow(*a, s))
SRT_SCALAR(eq_s, at::eq(*a, s))
SRT_SCALAR(ne_s, at::ne(*a, s))
SRT_SCALAR(lt_s, at::lt(*a, s))
SRT_SCALAR(le_s, at::le(*a, s))
SRT_SCALAR(gt_s, at::gt(*a, s))
SRT_SCALAR(ge_s, at::ge(*a, s))
SRT_SCALAR_(add_s_, a->add_(scalar_for(*a, s)))
SRT_SCALAR_(sub_s_, a->sub_(scalar_for(*a, s)))
SRT_SCALAR_(mul_s_, a->mul_(scalar_for(*a, s)))
SRT_SCALAR_(div_s_, a->div_(s))
SRT_SCALAR_(fill_, a->fill_(scalar_for(*a, s)))
SRT_API int srt_zero_(TH a) { SRT_GUARD(a->zero_()) }
SRT_API int srt_clamp_(TH a, double lo, double hi) { SRT_GUARD(a->clamp_(lo, hi)) }

SRT_API int srt_clamp(TH a, double lo, double hi, int has_lo, int has_hi, TH* out) {
  SRT_RETURN(at::clamp(*a, has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt,
                       has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt))
}
SRT_API int srt_where(TH cond, TH a, TH b, TH* out) { SRT_RETURN(at::where(*cond, *a, *b)) }

SRT_UNARY(neg, at::neg(*a))
SRT_UNARY(abs, at::abs(*a))
SRT_UNARY(sqrt, at::sqrt(*a))
SRT_UNARY(rsqrt, at::rsqrt(*a))
SRT_UNARY(exp, at::exp(*a))
SRT_UNARY(log, at::log(*a))
SRT_UNARY(log10, at::log10(*a))
SRT_UNARY(round, at::round(*a))
SRT_UNARY(floor, at::floor(*a))
SRT_UNARY(ceil, at::ceil(*a))
SRT_UNARY(sign, at::sign(*a))
SRT_UNARY(square, at::square(*a))
SRT_UNARY(reciprocal, at::reciprocal(*a))
SRT_UNARY(logical_not, at::logical_not(*a))
SRT_UNARY(isnan, at::isnan(*a))
SRT_UNARY(isfinite, at::isfinite(*a))
SRT_UNARY(t, a->t())

// Reductions over all elements.
SRT_UNARY(sum_all, at::sum(*a))
SRT_UNARY(mean_all, at::mean(*a))
SRT_UNARY(max_all, at::max(*a))
SRT_UNARY(min_all, at::min(*a))
SRT_UNARY(any_all, at::any(*a))
SRT_UNARY(all_all, at::all(*a))
SRT_API int srt_std_all(TH a, int unbiased, TH* out) { SRT_RETURN(at::std(*a, unbiased != 0)) }
SRT_API int srt_var_all(TH a, int unbiased, TH* out) { SRT_RETURN(at::var(*a, unbiased != 0)) }
SRT_API int srt_norm_all(TH a, double p, TH* out) { SRT_RETURN(at::norm(*a, p)) }

// Reductions over the listed dims.
SRT_API int srt_sum_dims(TH a, const int64_t* d, int n, int keepdim, TH* out) {
  SRT_RETURN(at::sum(*a, dims(d, n), keepdim != 0))
}
SRT_API int srt_mean_dims(TH a, const int64_t* d, int n, int keepdim, TH* out) {
  SRT_RETURN(at::mean(*a, dims(d, n), keepdim != 0))
}
SRT_API int srt_std_dims(TH a, const int64_t* d, int n, int unbiased, int keepdim, TH* out) {
  SRT_RETURN(at::std(*a, dims(d, n), unbiased != 0, keepdim != 0))
}
SRT_API int srt_var_dims(TH a, const int64_t* d, int n, int unbiased, int keepdim, TH* out) {
  SRT_RETURN(at::var(*a, dims(d, n), unbiased != 0, keepdim != 0))
}
// max/min along one dim: values and indices.
SRT_API int srt_max_dim(TH a, int64_t dim, int keepdim, TH* values, TH* indices) {
  SRT_GUARD({
    auto r = at::max(*a, dim, keepdim != 0);
    *values = srt::wrap(std::get<0>(r));
    *indices = srt::wrap(std::get<1>(r));
  })
}
SRT_API int srt_min_dim(TH a, int64_t dim, int keepdim, TH* values, TH* indices) {
  SRT_GUARD({
    auto r = at::min(*a, dim, keepdim != 0);
    *values = srt::wrap(std::get<0>(r));
    *indices = srt::wrap(std::get<1>(r));
  })
}
SRT_API int srt_argmax(TH a, int64_t dim, int keepdim, TH* out) { SRT_RETURN(at::argmax(*a, dim, keepdim != 0)) }
SRT_API int srt_allclose(TH a, TH b, double rtol, double atol, int* result) {
  SRT_GUARD(*result = at::allclose(*a, *b, rtol, atol) ? 1 : 0)
}
