namespace SrTrain.Engine.Metrics;

/// <summary>The 1-D Gaussian taps of SSIM's 11x11 window (sigma 1.5), normalised to sum 1 as
/// OpenCV's getGaussianKernel computes them; the 2-D window is their outer product.</summary>
public static class GaussianWindow
{
    public const int Size = 11;
    public const double Sigma = 1.5;

    /// <summary>The 11 taps, centre at index 5.</summary>
    public static double[] Taps()
    {
        var taps = new double[Size];
        double sum = 0;
        for (int i = 0; i < Size; i++)
        {
            double x = i - (Size - 1) / 2.0;
            taps[i] = Math.Exp(-x * x / (2 * Sigma * Sigma));
            sum += taps[i];
        }
        double scale = 1.0 / sum;
        for (int i = 0; i < Size; i++) taps[i] *= scale;
        return taps;
    }

    /// <summary>The 11x11 window as row-major values (outer product of <see cref="Taps"/>).</summary>
    public static double[] Window2d()
    {
        var t = Taps();
        var w = new double[Size * Size];
        for (int i = 0; i < Size; i++)
            for (int j = 0; j < Size; j++)
                w[i * Size + j] = t[i] * t[j];
        return w;
    }
}
