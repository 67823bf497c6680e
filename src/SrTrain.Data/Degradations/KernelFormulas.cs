namespace SrTrain.Data.Degradations;

/// <summary>The kernel formulas of Real-ESRGAN (Wang et al. 2021, Sec. 3.1; BasicSR's <c>degradations.py</c>):
/// bivariate Gaussian, generalized Gaussian and plateau kernels over the grid -k/2..k/2, and the circular low-pass
/// (2-D sinc) filter. Computed in float64, normalised to sum 1, stored as float32, as BasicSR does.</summary>
public static class KernelFormulas
{
    /// <summary>Bivariate Gaussian: exp(-1/2 x^T Σ^-1 x) (Real-ESRGAN eq. 2); isotropic when sigmaY = sigmaX and theta = 0.</summary>
    public static BlurKernel Gaussian(int size, double sigmaX, double sigmaY, double theta, bool isotropic) =>
        Build(size, sigmaX, sigmaY, theta, isotropic, q => Math.Exp(-0.5 * q));

    /// <summary>Generalized Gaussian: exp(-1/2 (x^T Σ^-1 x)^β) (Liu et al. 2020; Real-ESRGAN eq. 3).</summary>
    public static BlurKernel GeneralizedGaussian(int size, double sigmaX, double sigmaY, double theta, double beta, bool isotropic) =>
        Build(size, sigmaX, sigmaY, theta, isotropic, q => Math.Exp(-0.5 * Math.Pow(q, beta)));

    /// <summary>Plateau-shaped kernel: 1 / (1 + (x^T Σ^-1 x)^β) (Real-ESRGAN eq. 4).</summary>
    public static BlurKernel Plateau(int size, double sigmaX, double sigmaY, double theta, double beta, bool isotropic) =>
        Build(size, sigmaX, sigmaY, theta, isotropic, q => 1.0 / (Math.Pow(q, beta) + 1));

    /// <summary>The 2-D sinc (circular low-pass) filter with cut-off <paramref name="cutoff"/> (radians per pixel):
    /// ωc J1(ωc r) / (2π r), ωc²/(4π) at the centre (Real-ESRGAN eq. 6), zero-padded to <paramref name="padTo"/>.</summary>
    public static BlurKernel CircularLowpass(double cutoff, int size, int padTo = 0)
    {
        CheckSize(size);
        var v = new double[size * size];
        double c = (size - 1) / 2.0;
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
            {
                double r = Math.Sqrt((i - c) * (i - c) + (j - c) * (j - c));
                v[i * size + j] = r == 0 ? cutoff * cutoff / (4 * Math.PI) : cutoff * BesselJ1.Value(cutoff * r) / (2 * Math.PI * r);
            }
        var kernel = BlurKernel.FromDoubles(size, v);
        return padTo > size ? kernel.PadTo(padTo) : kernel;
    }

    /// <summary>The covariance R diag(σx², σy²) Rᵀ with R the rotation by θ (BasicSR's sigma_matrix2).</summary>
    public static (double A, double B, double C) Covariance(double sigmaX, double sigmaY, double theta)
    {
        double c = Math.Cos(theta), s = Math.Sin(theta), x2 = sigmaX * sigmaX, y2 = sigmaY * sigmaY;
        return (c * c * x2 + s * s * y2, c * s * (x2 - y2), s * s * x2 + c * c * y2);
    }

    private static BlurKernel Build(int size, double sigmaX, double sigmaY, double theta, bool isotropic, Func<double, double> profile)
    {
        CheckSize(size);
        if (sigmaX <= 0 || (!isotropic && sigmaY <= 0)) throw new ArgumentException($"blur sigma must be positive, got ({sigmaX}, {sigmaY})");
        var (a, b, cc) = isotropic ? (sigmaX * sigmaX, 0.0, sigmaX * sigmaX) : Covariance(sigmaX, sigmaY, theta);
        double det = a * cc - b * b;
        double ia = cc / det, ib = -b / det, ic = a / det;   // Σ^-1
        int h = size / 2;
        var v = new double[size * size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
            {
                // np.meshgrid: x runs along columns, y along rows.
                double x = j - h, y = i - h;
                v[i * size + j] = profile(ia * x * x + 2 * ib * x * y + ic * y * y);
            }
        return BlurKernel.FromDoubles(size, v);
    }

    private static void CheckSize(int size)
    {
        if (size < 1 || size % 2 == 0) throw new ArgumentException($"kernel size must be an odd positive number, got {size}");
    }
}
