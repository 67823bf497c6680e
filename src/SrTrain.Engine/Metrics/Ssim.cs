using SrTrain.Torch;

namespace SrTrain.Engine.Metrics;

/// <summary>Structural similarity (Wang et al., 2004) as BasicSR computes it, which matches the
/// authors' MATLAB code: 11x11 Gaussian window (sigma 1.5), valid region only, C1 = (0.01 L)^2,
/// C2 = (0.03 L)^2 with L = 255, per channel then the mean.</summary>
public static class Ssim
{
    private const double C1 = 0.01 * 255 * 0.01 * 255, C2 = 0.03 * 255 * 0.03 * 255;

    /// <summary>SSIM of two HWC images in [0, 255] (PyTorch/BasicSR: calculate_ssim).</summary>
    public static double Calculate(HwcImage img, HwcImage img2, int cropBorder, bool testYChannel = false)
    {
        (img, img2) = HwcImage.PrepareForMetric(img, img2, cropBorder, testYChannel);
        if (img.Height < GaussianWindow.Size || img.Width < GaussianWindow.Size)
            throw new ArgumentException($"SSIM needs at least 11x11 pixels after cropping, got {img.Height}x{img.Width}");
        double sum = 0;
        for (int c = 0; c < img.Channels; c++)
            sum += Channel(img.Plane(c), img2.Plane(c), img.Height, img.Width);
        return sum / img.Channels;
    }

    /// <summary>Mean SSIM map of one channel; the window is separable, so each statistic is two 1-D passes.</summary>
    private static double Channel(double[] a, double[] b, int h, int w)
    {
        var taps = GaussianWindow.Taps();
        var ab = new double[a.Length];
        var aa = new double[a.Length];
        var bb = new double[a.Length];
        for (int i = 0; i < a.Length; i++) (aa[i], bb[i], ab[i]) = (a[i] * a[i], b[i] * b[i], a[i] * b[i]);
        var mu1 = Filter(a, h, w, taps);
        var mu2 = Filter(b, h, w, taps);
        var e11 = Filter(aa, h, w, taps);
        var e22 = Filter(bb, h, w, taps);
        var e12 = Filter(ab, h, w, taps);
        double sum = 0;
        for (int i = 0; i < mu1.Length; i++)
        {
            double m1 = mu1[i], m2 = mu2[i];
            double s1 = e11[i] - m1 * m1, s2 = e22[i] - m2 * m2, s12 = e12[i] - m1 * m2;
            sum += (2 * m1 * m2 + C1) * (2 * s12 + C2) / ((m1 * m1 + m2 * m2 + C1) * (s1 + s2 + C2));
        }
        return sum / mu1.Length;
    }

    /// <summary>Valid-region correlation with the separable window: (h-10) x (w-10) outputs.</summary>
    private static double[] Filter(double[] x, int h, int w, double[] taps)
    {
        int k = taps.Length, ow = w - k + 1, oh = h - k + 1;
        var rows = new double[h * ow];
        for (int y = 0; y < h; y++)
            for (int j = 0; j < ow; j++)
            {
                double s = 0;
                int o = y * w + j;
                for (int t = 0; t < k; t++) s += taps[t] * x[o + t];
                rows[y * ow + j] = s;
            }
        var result = new double[oh * ow];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double s = 0;
                for (int t = 0; t < k; t++) s += taps[t] * rows[(i + t) * ow + j];
                result[i * ow + j] = s;
            }
        return result;
    }

    /// <summary>SSIM of each image of two (N, C, H, W) batches in [0, 1], as a float64 (N) tensor
    /// (BasicSR: calculate_ssim_pt): the same window as a grouped float64 convolution on the 0-255 scale.</summary>
    public static Tensor CalculatePt(Tensor img, Tensor img2, int cropBorder, bool testYChannel = false)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var (a, b) = Psnr.Prepare(img, img2, cropBorder, testYChannel);
        if (a.Size(2) < GaussianWindow.Size || a.Size(3) < GaussianWindow.Size)
            throw new ArgumentException($"SSIM needs at least 11x11 pixels after cropping, got {a.Size(2)}x{a.Size(3)}");
        (a, b) = (a * 255.0, b * 255.0);
        long channels = a.Size(1);
        var window = Tensor.From(GaussianWindow.Window2d(), [1, 1, GaussianWindow.Size, GaussianWindow.Size], a.Device)
                           .Expand(channels, 1, GaussianWindow.Size, GaussianWindow.Size);
        Tensor Filter(Tensor x) => F.Conv2d(x, window, groups: (int)channels);
        var (mu1, mu2) = (Filter(a), Filter(b));
        var (mu1Sq, mu2Sq, mu12) = (mu1.Square(), mu2.Square(), mu1 * mu2);
        var s1 = Filter(a * a) - mu1Sq;
        var s2 = Filter(b * b) - mu2Sq;
        var s12 = Filter(a * b) - mu12;
        var map = (2.0 * mu12 + C1) * (2.0 * s12 + C2) / ((mu1Sq + mu2Sq + C1) * (s1 + s2 + C2));
        return map.Mean([1, 2, 3]).MoveToOuterScope();
    }
}
