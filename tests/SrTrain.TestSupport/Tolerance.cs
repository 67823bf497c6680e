using SrTrain.Torch;

namespace SrTrain.TestSupport;

/// <summary>How far a float32 (or bf16) result may be from its reference, as <c>torch.allclose</c> states it:
/// elementwise <c>|actual - expected| &lt;= atol + rtol * |expected|</c>, with <c>atol = AtolOfMax * max|expected|</c>.
/// The absolute part is scaled to the tensor because rounding errors scale with the magnitude of the terms that were
/// summed, not with the (possibly cancelled, near-zero) result; a fixed absolute tolerance would demand more than
/// float32 can give on large values (spectral-norm outputs of 3e8) and nothing on small ones.
/// <para>Bit-identical comparisons (data movement, or references made on the same kernels) use
/// <see cref="TensorAssert.Equal"/>; every other reference comparison of the suite takes one of the presets below. Each states the arithmetic it
/// covers; a value is chosen so that any summation order (vector width, blocking, threads: AVX-512, AVX2 or scalar
/// kernels, oneDNN or ATen) passes, with room to spare, while a real bug (a wrong term, sign, scale or
/// missing element, which moves results by 1e-3 or more) fails. float32's unit roundoff u is 2^-24 = 6e-8.</para></summary>
/// <param name="Rtol">The relative part, against each expected element.</param>
/// <param name="AtolOfMax">The absolute part, as a fraction of the largest expected magnitude.</param>
/// <param name="Basis">Why these numbers: shown in failure messages.</param>
public sealed record Tolerance(double Rtol, double AtolOfMax, string Basis)
{
    /// <summary>One float32 operation per element (add, mul, clamp, sqrt, EMA lerp): IEEE operations are
    /// correctly rounded (0.5 ulp), vectorised transcendental functions (SLEEF, scalar libm) within 1-2 ulp;
    /// 1e-6 is about 8 ulp. The absolute part covers expressions that cancel (1 - tanh^2 near saturation,
    /// gelu's tail), whose error is u times the terms, not times the small result.</summary>
    public static readonly Tolerance Elementwise = new(1e-6, 1e-6, "one float32 op per element (<= 8 ulp; cancellation: 1e-6 of the tensor's range)");

    /// <summary>One layer or reduction (conv, matmul, interpolation, a loss and its gradient, batch-norm statistics):
    /// sums of up to ~1e4 float32 terms. The worst-case bound n*u*sum|terms| is far above what happens; the
    /// observed spread between AVX-512, AVX2 and scalar kernels is ~1e-6 of the tensor's range. 1e-5 in both parts,
    /// like torch.testing's float32 default (rtol 1.3e-6, atol 1e-5) with the absolute part scaled to the values.</summary>
    public static readonly Tolerance Layer = new(1e-5, 1e-5, "one float32 layer or reduction (1e-5 relative and of the tensor's range)");

    /// <summary>A network of up to ~30 layers (arch forwards, perceptual VGG features up to conv4): each layer's
    /// rounding is carried and amplified by the following ones; measured worst across kernel sets ~1e-5 of the range.</summary>
    public static readonly Tolerance Network = new(1e-4, 1e-4, "float32 network of <= 30 layers (1e-4 relative and of the output's range)");

    /// <summary>bfloat16 keeps 8 significant bits: rounding an input or a result costs up to 2^-9 relative each;
    /// a product of two rounded inputs 2^-8. Used with an explicit bound (see the bf16 tests).</summary>
    public const double BFloat16Unit = 1.0 / 256;

    /// <summary>The worst ratio |actual - expected| / (atol + rtol*|expected|) over all elements (pass: &lt;= 1), and where.</summary>
    public (double Ratio, long Index, double Expected, double Actual) Worst(Tensor expected, Tensor actual)
    {
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        double scale = e.Length == 0 ? 0 : e.Max(v => double.IsFinite(v) ? Math.Abs(v) : 0);
        double atol = AtolOfMax * scale;
        (double Ratio, long Index, double Expected, double Actual) worst = (0, -1, 0, 0);
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;                       // equal infinities too
            double allowed = atol + Rtol * Math.Abs(e[i]);
            double ratio = allowed == 0 ? double.PositiveInfinity : Math.Abs(a[i] - e[i]) / allowed;
            if (double.IsNaN(ratio)) ratio = double.PositiveInfinity;
            if (ratio > worst.Ratio) worst = (ratio, i, e[i], a[i]);
        }
        return worst;
    }

    public override string ToString() => $"rtol {Rtol:G2}, atol {AtolOfMax:G2} x max|expected| ({Basis})";
}
