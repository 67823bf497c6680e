using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

// Elementwise arithmetic, in-place updates, comparisons, unary math.
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Wrap(Native.srt_add(a.H, b.H, 1, out var r), r);
    public static Tensor operator -(Tensor a, Tensor b) => Wrap(Native.srt_sub(a.H, b.H, 1, out var r), r);
    public static Tensor operator *(Tensor a, Tensor b) => Wrap(Native.srt_mul(a.H, b.H, out var r), r);
    public static Tensor operator /(Tensor a, Tensor b) => Wrap(Native.srt_div(a.H, b.H, out var r), r);
    public static Tensor operator -(Tensor a) => Wrap(Native.srt_neg(a.H, out var r), r);

    public static Tensor operator +(Tensor a, double s) => Wrap(Native.srt_add_s(a.H, s, out var r), r);
    public static Tensor operator +(double s, Tensor a) => Wrap(Native.srt_add_s(a.H, s, out var r), r);
    public static Tensor operator -(Tensor a, double s) => Wrap(Native.srt_sub_s(a.H, s, out var r), r);
    public static Tensor operator -(double s, Tensor a) => Wrap(Native.srt_rsub_s(a.H, s, out var r), r);
    public static Tensor operator *(Tensor a, double s) => Wrap(Native.srt_mul_s(a.H, s, out var r), r);
    public static Tensor operator *(double s, Tensor a) => Wrap(Native.srt_mul_s(a.H, s, out var r), r);
    public static Tensor operator /(Tensor a, double s) => Wrap(Native.srt_div_s(a.H, s, out var r), r);
    public static Tensor operator /(double s, Tensor a) => Wrap(Native.srt_rdiv_s(a.H, s, out var r), r);

    /// <summary>this + alpha * other (PyTorch: add(other, alpha=...)).</summary>
    public Tensor Add(Tensor other, double alpha = 1) => Wrap(Native.srt_add(H, other.H, alpha, out var r), r);
    public Tensor Sub(Tensor other, double alpha = 1) => Wrap(Native.srt_sub(H, other.H, alpha, out var r), r);
    public Tensor Mul(Tensor other) => this * other;
    public Tensor Div(Tensor other) => this / other;
    public Tensor Pow(double exponent) => Wrap(Native.srt_pow_s(H, exponent, out var r), r);
    public Tensor Pow(Tensor exponent) => Wrap(Native.srt_pow_t(H, exponent.H, out var r), r);
    public Tensor Maximum(Tensor other) => Wrap(Native.srt_maximum(H, other.H, out var r), r);
    public Tensor Minimum(Tensor other) => Wrap(Native.srt_minimum(H, other.H, out var r), r);
    public Tensor MatMul(Tensor other) => Wrap(Native.srt_matmul(H, other.H, out var r), r);

    // In-place forms return this, like PyTorch's trailing-underscore methods.
    public Tensor Add_(Tensor other, double alpha = 1) { Native.Check(Native.srt_add_(H, other.H, alpha)); return this; }
    public Tensor Sub_(Tensor other, double alpha = 1) { Native.Check(Native.srt_sub_(H, other.H, alpha)); return this; }
    public Tensor Mul_(Tensor other) { Native.Check(Native.srt_mul_(H, other.H)); return this; }
    public Tensor Div_(Tensor other) { Native.Check(Native.srt_div_(H, other.H)); return this; }
    public Tensor Add_(double s) { Native.Check(Native.srt_add_s_(H, s)); return this; }
    public Tensor Sub_(double s) { Native.Check(Native.srt_sub_s_(H, s)); return this; }
    public Tensor Mul_(double s) { Native.Check(Native.srt_mul_s_(H, s)); return this; }
    public Tensor Div_(double s) { Native.Check(Native.srt_div_s_(H, s)); return this; }
    public Tensor Fill_(double value) { Native.Check(Native.srt_fill_(H, value)); return this; }
    public Tensor Zero_() { Native.Check(Native.srt_zero_(H)); return this; }
    public Tensor Clamp_(double min, double max) { Native.Check(Native.srt_clamp_(H, min, max)); return this; }
    /// <summary>this += value * a * b.</summary>
    public Tensor AddCMul_(Tensor a, Tensor b, double value = 1) { Native.Check(Native.srt_addcmul_(H, a.H, b.H, value)); return this; }
    /// <summary>this += value * a / b.</summary>
    public Tensor AddCDiv_(Tensor a, Tensor b, double value = 1) { Native.Check(Native.srt_addcdiv_(H, a.H, b.H, value)); return this; }
    /// <summary>this += weight * (end - this).</summary>
    public Tensor Lerp_(Tensor end, double weight) { Native.Check(Native.srt_lerp_(H, end.H, weight)); return this; }

    public Tensor Clamp(double? min = null, double? max = null) =>
        Wrap(Native.srt_clamp(H, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0, out var r), r);

    /// <summary>Elementwise choice: where condition is true take a, else b.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Wrap(Native.srt_where(condition.H, a.H, b.H, out var r), r);

    public Tensor Eq(Tensor other) => Wrap(Native.srt_eq(H, other.H, out var r), r);
    public Tensor Ne(Tensor other) => Wrap(Native.srt_ne(H, other.H, out var r), r);
    public Tensor Lt(Tensor other) => Wrap(Native.srt_lt(H, other.H, out var r), r);
    public Tensor Le(Tensor other) => Wrap(Native.srt_le(H, other.H, out var r), r);
    public Tensor Gt(Tensor other) => Wrap(Native.srt_gt(H, other.H, out var r), r);
    public Tensor Ge(Tensor other) => Wrap(Native.srt_ge(H, other.H, out var r), r);
    public Tensor Eq(double s) => Wrap(Native.srt_eq_s(H, s, out var r), r);
    public Tensor Ne(double s) => Wrap(Native.srt_ne_s(H, s, out var r), r);
    public Tensor Lt(double s) => Wrap(Native.srt_lt_s(H, s, out var r), r);
    public Tensor Le(double s) => Wrap(Native.srt_le_s(H, s, out var r), r);
    public Tensor Gt(double s) => Wrap(Native.srt_gt_s(H, s, out var r), r);
    public Tensor Ge(double s) => Wrap(Native.srt_ge_s(H, s, out var r), r);
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    public static Tensor operator <(Tensor a, double s) => a.Lt(s);
    public static Tensor operator >(Tensor a, double s) => a.Gt(s);
    public static Tensor operator <=(Tensor a, double s) => a.Le(s);
    public static Tensor operator >=(Tensor a, double s) => a.Ge(s);
    public Tensor LogicalAnd(Tensor other) => Wrap(Native.srt_logical_and(H, other.H, out var r), r);
    public Tensor LogicalOr(Tensor other) => Wrap(Native.srt_logical_or(H, other.H, out var r), r);
    public Tensor LogicalNot() => Wrap(Native.srt_logical_not(H, out var r), r);

    public Tensor Neg() => -this;
    public Tensor Abs() => Wrap(Native.srt_abs(H, out var r), r);
    public Tensor Sqrt() => Wrap(Native.srt_sqrt(H, out var r), r);
    public Tensor Rsqrt() => Wrap(Native.srt_rsqrt(H, out var r), r);
    public Tensor Exp() => Wrap(Native.srt_exp(H, out var r), r);
    public Tensor Log() => Wrap(Native.srt_log(H, out var r), r);
    public Tensor Log10() => Wrap(Native.srt_log10(H, out var r), r);
    /// <summary>Round half to even, as torch.round.</summary>
    public Tensor Round() => Wrap(Native.srt_round(H, out var r), r);
    public Tensor Floor() => Wrap(Native.srt_floor(H, out var r), r);
    public Tensor Ceil() => Wrap(Native.srt_ceil(H, out var r), r);
    public Tensor Sign() => Wrap(Native.srt_sign(H, out var r), r);
    public Tensor Square() => Wrap(Native.srt_square(H, out var r), r);
    public Tensor Reciprocal() => Wrap(Native.srt_reciprocal(H, out var r), r);
    public Tensor IsNaN() => Wrap(Native.srt_isnan(H, out var r), r);
    public Tensor IsFinite() => Wrap(Native.srt_isfinite(H, out var r), r);

    /// <summary>True when all elements are within atol + rtol * |other| (PyTorch: allclose).</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        Native.Check(Native.srt_allclose(H, other.H, rtol, atol, out var result));
        return result != 0;
    }
}
