namespace SrTrain.Engine.Metrics;

/// <summary>NIQE's per-patch features (Mittal et al. 2013, sec. III) and its second-scale downsampling.</summary>
internal static class NiqeFeatures
{
    // The AGGD shape grid 0.2:0.001:10 (np.arange(0.2, 10.001, 0.001): start + k * step) and its ratio
    // Gamma(2/a)^2 / (Gamma(1/a) Gamma(3/a)), against which the sample ratio is matched.
    private static readonly double[] Grid = Enumerable.Range(0, 9801).Select(k => 0.2 + k * 0.001).ToArray();
    private static readonly double[] GridRatio = Grid.Select(a => Square(GammaFunction.Gamma(2 / a)) /
                                                                  (GammaFunction.Gamma(1 / a) * GammaFunction.Gamma(3 / a))).ToArray();

    /// <summary>The 18 features of one b x b block of <paramref name="mscn"/> (row stride <paramref name="stride"/>):
    /// the AGGD (alpha, mean of beta_l and beta_r) of the MSCN coefficients, then (alpha, eta, beta_l, beta_r) of their
    /// products with the block circularly shifted by (0,1), (1,0), (1,1), (1,-1) (paper eq. 4-8; np.roll on the block).</summary>
    public static double[] OfBlock(double[] mscn, int stride, int top, int left, int b)
    {
        var block = new double[b * b];
        for (int y = 0; y < b; y++) Array.Copy(mscn, (top + y) * stride + left, block, y * b, b);
        var f = new double[18];
        var (alpha, bl, br) = Aggd(block);
        (f[0], f[1]) = (alpha, (bl + br) / 2);
        int[][] shifts = [[0, 1], [1, 0], [1, 1], [1, -1]];
        var prod = new double[b * b];
        for (int s = 0; s < 4; s++)
        {
            int dy = shifts[s][0], dx = shifts[s][1];
            for (int y = 0; y < b; y++)
                for (int x = 0; x < b; x++)
                    prod[y * b + x] = block[y * b + x] * block[Mod(y - dy, b) * b + Mod(x - dx, b)];
            (alpha, bl, br) = Aggd(prod);
            double eta = (br - bl) * (GammaFunction.Gamma(2 / alpha) / GammaFunction.Gamma(1 / alpha));
            (f[2 + 4 * s], f[3 + 4 * s], f[4 + 4 * s], f[5 + 4 * s]) = (alpha, eta, bl, br);
        }
        return f;
    }

    /// <summary>Asymmetric generalised Gaussian fit by moment matching (paper eq. 5-7; MATLAB estimateaggdparam):
    /// (alpha, beta_l, beta_r); NaN scales when one side is empty (alpha then the first grid point, as np.argmin of NaN).</summary>
    internal static (double Alpha, double BetaL, double BetaR) Aggd(double[] x)
    {
        double sl = 0, sr = 0, sabs = 0, ssq = 0;
        int nl = 0, nr = 0;
        foreach (var v in x)
        {
            if (v < 0) { sl += v * v; nl++; }
            else if (v > 0) { sr += v * v; nr++; }
            sabs += Math.Abs(v);
            ssq += v * v;
        }
        double leftStd = Math.Sqrt(sl / nl), rightStd = Math.Sqrt(sr / nr);   // 0/0 = NaN as np.mean of nothing
        double g = leftStd / rightStd;
        double rhat = Square(sabs / x.Length) / (ssq / x.Length);
        double rnorm = rhat * (g * g * g + 1) * (g + 1) / Square(g * g + 1);
        int best = 0;
        if (!double.IsNaN(rnorm))
        {
            double bestD = double.PositiveInfinity;
            for (int k = 0; k < Grid.Length; k++)
            {
                double d = Square(GridRatio[k] - rnorm);
                if (d < bestD) (bestD, best) = (d, k);
            }
        }
        double alpha = Grid[best];
        double scale = Math.Sqrt(GammaFunction.Gamma(1 / alpha) / GammaFunction.Gamma(3 / alpha));
        return (alpha, leftStd * scale, rightStd * scale);
    }

    /// <summary>MATLAB's imresize(I, 0.5, 'bicubic') with antialiasing, in float64: the Keys cubic (a = -0.5)
    /// stretched to 8 taps (+2), symmetric borders, rows first, then columns. h and w are even.</summary>
    public static double[] HalveBicubic(double[] img, int h, int w)
    {
        var (ri, rw, taps) = HalfWeights(h);
        var (ci, cw, _) = HalfWeights(w);
        int oh = h / 2, ow = w / 2;
        var rows = new double[oh * w];
        for (int i = 0; i < oh; i++)
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int p = 0; p < taps; p++) s += rw[i * taps + p] * img[ri[i * taps + p] * w + x];
                rows[i * w + x] = s;
            }
        var output = new double[oh * ow];
        for (int y = 0; y < oh; y++)
            for (int j = 0; j < ow; j++)
            {
                double s = 0;
                for (int p = 0; p < taps; p++) s += cw[j * taps + p] * rows[y * w + ci[j * taps + p]];
                output[y * ow + j] = s;
            }
        return output;
    }

    private static (int[] Index, double[] Weight, int Taps) HalfWeights(int n)
    {
        const double scale = 0.5, width = 4 / scale;
        int taps = (int)Math.Ceiling(width) + 2, m = n / 2;
        var index = new int[m * taps];
        var weight = new double[m * taps];
        for (int i = 0; i < m; i++)
        {
            double u = (i + 1) / scale + 0.5 * (1 - 1 / scale);
            int left = (int)Math.Floor(u - width / 2);
            double sum = 0;
            for (int p = 0; p < taps; p++)
            {
                int j = left + p;
                double wgt = scale * Cubic(scale * (u - j));
                weight[i * taps + p] = wgt;
                int k = Mod(j - 1, 2 * n);                      // MATLAB's aux = [1:n, n:-1:1], 0-based
                index[i * taps + p] = k < n ? k : 2 * n - 1 - k;
                sum += wgt;
            }
            for (int p = 0; p < taps; p++) weight[i * taps + p] /= sum;
        }
        return (index, weight, taps);
    }

    private static double Cubic(double x)
    {
        double a = Math.Abs(x), a2 = a * a, a3 = a2 * a;
        if (a <= 1) return 1.5 * a3 - 2.5 * a2 + 1;
        if (a <= 2) return -0.5 * a3 + 2.5 * a2 - 4 * a + 2;
        return 0;
    }

    private static int Mod(int a, int n) => ((a % n) + n) % n;

    private static double Square(double x) => x * x;
}
