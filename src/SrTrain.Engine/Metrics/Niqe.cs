namespace SrTrain.Engine.Metrics;

/// <summary>NIQE, the Natural Image Quality Evaluator (Mittal, Soundararajan, Bovik, IEEE SPL 2013), as MATLAB's
/// niqe() and BasicSR's calculate_niqe compute it, in float64: the distance of an image's natural-scene statistics
/// from those of pristine images (<see cref="NiqePristineModel"/>); lower is more natural.</summary>
public static class Niqe
{
    /// <summary>Patch side at the first scale (96; 48 at the second).</summary>
    public const int BlockSize = 96;

    /// <summary>The smallest side NIQE accepts after crop_border: two patches per side, so that the patch
    /// covariance exists and has some spread.</summary>
    public const int MinSide = 2 * BlockSize;

    /// <summary>NIQE of an HWC image in [0, 255] as BasicSR's calculate_niqe: <paramref name="convertTo"/> 'y'
    /// (BT.601 luma as to_y_channel) or 'gray' (OpenCV's BGR2GRAY weights in float32); a one-channel image is used
    /// as it is and an alpha channel is dropped; then crop_border and rounding to integers (as MATLAB's uint8).
    /// <paramref name="source"/> names the image in errors.</summary>
    public static double Calculate(HwcImage img, int cropBorder, string convertTo = "y", string? source = null)
    {
        var what = source is null ? "NIQE" : $"NIQE of {source}";
        if (cropBorder < 0) throw new ArgumentException($"{what}: crop_border must be >= 0, got {cropBorder}");
        int h = img.Height - 2 * cropBorder, w = img.Width - 2 * cropBorder;
        if (h < MinSide || w < MinSide)
            throw new ArgumentException(
                $"{what}: the image is {img.Height}x{img.Width}" + (cropBorder > 0 ? $", {h}x{w} after crop_border {cropBorder}" : "") +
                $"; NIQE needs at least {MinSide}x{MinSide} ({BlockSize}x{BlockSize} patches, two per side)");
        var plane = Luma(img.CropBorder(cropBorder), convertTo);
        for (int i = 0; i < plane.Length; i++) plane[i] = Math.Round(plane[i], MidpointRounding.ToEven);   // np.round
        return OfPlane(plane, h, w, NiqePristineModel.Default);
    }

    /// <summary>NIQE of one H x W plane in [0, 255] (already rounded as the caller wants), cropped to whole 96x96 patches.</summary>
    public static double OfPlane(double[] plane, int height, int width, NiqePristineModel model)
    {
        int nh = height / BlockSize, nw = width / BlockSize;
        if (nh < 1 || nw < 1) throw new ArgumentException($"NIQE needs at least one {BlockSize}x{BlockSize} patch, got {height}x{width}");
        int h = nh * BlockSize, w = nw * BlockSize;
        var img = new double[h * w];
        for (int y = 0; y < h; y++) Array.Copy(plane, (long)y * width, img, y * w, w);

        int patches = nh * nw;
        var feats = new double[patches, 36];
        for (int scale = 1; scale <= 2; scale++)
        {
            var mscn = Mscn(img, h, w, model.Window);
            int b = BlockSize / scale;
            for (int py = 0; py < nh; py++)
                for (int px = 0; px < nw; px++)
                {
                    var f = NiqeFeatures.OfBlock(mscn, w, py * b, px * b, b);
                    for (int k = 0; k < 18; k++) feats[py * nw + px, (scale - 1) * 18 + k] = f[k];
                }
            if (scale == 1)
            {
                img = NiqeFeatures.HalveBicubic(img, h, w);     // MATLAB imresize(I / 255, 0.5) * 255: linear, so on [0, 255]
                (h, w) = (h / 2, w / 2);
            }
        }
        return Distance(feats, patches, model);
    }

    private static double[] Luma(HwcImage img, string convertTo)
    {
        if (img.Channels is 1 or 2) return img.Plane(0);
        var rgb = img.Channels == 3 ? img : DropAlpha(img);
        if (convertTo == "y") return YChannel.FromRgb(rgb).Data;
        if (convertTo != "gray") throw new ArgumentException($"convert_to must be 'y' or 'gray', got '{convertTo}'");
        // cv2.cvtColor(img / 255., COLOR_BGR2GRAY) * 255. on float32, as OpenCV's SIMD loop computes it:
        // fma(R, 0.299, fma(G, 0.587, B * 0.114)); bit-equal to cv2 on both test images, and ties at .5 occur
        // (0.299 R + 0.587 G + 0.114 B is a multiple of 0.001), so the order decides np.round's result.
        var gray = new double[(long)rgb.Height * rgb.Width];
        var d = rgb.Data;
        for (long i = 0; i < gray.Length; i++)
        {
            float r = (float)d[3 * i] / 255f, g = (float)d[3 * i + 1] / 255f, bl = (float)d[3 * i + 2] / 255f;
            gray[i] = MathF.FusedMultiplyAdd(r, 0.299f, MathF.FusedMultiplyAdd(g, 0.587f, bl * 0.114f)) * 255f;
        }
        return gray;
    }

    private static HwcImage DropAlpha(HwcImage img)
    {
        var data = new double[(long)img.Height * img.Width * 3];
        for (long p = 0; p < (long)img.Height * img.Width; p++)
            for (int c = 0; c < 3; c++) data[p * 3 + c] = img.Data[p * img.Channels + c];
        return new HwcImage(data, img.Height, img.Width, 3);
    }

    /// <summary>Mean-subtracted contrast-normalised coefficients (paper eq. 1): (I - mu) / (sigma + 1), mu and sigma
    /// from the 7x7 window with edge replication (scipy.ndimage.convolve mode 'nearest'), sigma = sqrt(|E[I^2] - mu^2|).</summary>
    internal static double[] Mscn(double[] img, int h, int w, double[] window)
    {
        const int k = NiqePristineModel.WindowSize, r = k / 2;
        var mscn = new double[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double mu = 0, sq = 0;
                for (int a = 0; a < k; a++)
                {
                    int row = Math.Clamp(y + r - a, 0, h - 1) * w;
                    for (int c = 0; c < k; c++)
                    {
                        double v = img[row + Math.Clamp(x + r - c, 0, w - 1)], wt = window[a * k + c];
                        mu += wt * v;
                        sq += wt * v * v;
                    }
                }
                double sigma = Math.Sqrt(Math.Abs(sq - mu * mu));
                mscn[y * w + x] = (img[y * w + x] - mu) / (sigma + 1);
            }
        return mscn;
    }

    /// <summary>Paper eq. 10: sqrt((mu_p - mu_d) pinv((cov_p + cov_d) / 2) (mu_p - mu_d)^T), mu_d the NaN-ignoring mean
    /// of the patch features, cov_d their covariance (ddof 1) over patches without NaN.</summary>
    private static double Distance(double[,] feats, int patches, NiqePristineModel model)
    {
        const int n = 36;
        var mu = new double[n];
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            int count = 0;
            for (int i = 0; i < patches; i++)
                if (!double.IsNaN(feats[i, j])) { s += feats[i, j]; count++; }
            mu[j] = s / count;
        }
        var rows = Enumerable.Range(0, patches).Where(i => Enumerable.Range(0, n).All(j => !double.IsNaN(feats[i, j]))).ToList();
        var mean = new double[n];
        foreach (var i in rows) for (int j = 0; j < n; j++) mean[j] += feats[i, j] / rows.Count;
        var m = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = a; b < n; b++)
            {
                double s = 0;
                foreach (var i in rows) s += (feats[i, a] - mean[a]) * (feats[i, b] - mean[b]);
                double cov = s / (rows.Count - 1);
                m[a * n + b] = m[b * n + a] = (model.Cov[a * n + b] + cov) / 2;
            }
        var inv = SymmetricPinv.Of(m, n);
        var d = new double[n];
        for (int j = 0; j < n; j++) d[j] = model.Mu[j] - mu[j];
        double q = 0;
        for (int a = 0; a < n; a++)
        {
            double row = 0;
            for (int b = 0; b < n; b++) row += inv[a * n + b] * d[b];
            q += d[a] * row;
        }
        return Math.Sqrt(q);
    }
}
