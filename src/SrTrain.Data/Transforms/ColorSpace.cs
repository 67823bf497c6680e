namespace SrTrain.Data.Transforms;

/// <summary>RGB ↔ YCbCr with MATLAB's rgb2ycbcr coefficients (ITU-R BT.601, "studio swing": Y in
/// [16, 235] / 255, Cb/Cr in [16, 240] / 255), on images in [0, 1]; the Y channel is what SR papers
/// report PSNR/SSIM on.</summary>
public static class ColorSpace
{
    // MATLAB rgb2ycbcr: [Y Cb Cr] = offset + M * [R G B] with values in 0..255 scaled by 1/255.
    private static readonly double[,] M =
    {
        { 65.481, 128.553, 24.966 },
        { -37.797, -74.203, 112.0 },
        { 112.0, -93.786, -18.214 },
    };
    private static readonly double[] Offset = [16, 128, 128];
    private static readonly double[,] Inverse = Invert(M);

    /// <summary>Three-channel YCbCr in [0, 1] (MATLAB <c>rgb2ycbcr</c> on double input).</summary>
    public static Image RgbToYCbCr(Image rgb)
    {
        RequireRgb(rgb, nameof(RgbToYCbCr));
        var dst = new Image(rgb.Height, rgb.Width, 3);
        for (int i = 0; i < rgb.Data.Length; i += 3)
        {
            double r = rgb.Data[i], g = rgb.Data[i + 1], b = rgb.Data[i + 2];
            for (int k = 0; k < 3; k++)
                dst.Data[i + k] = (float)((Offset[k] + M[k, 0] * r + M[k, 1] * g + M[k, 2] * b) / 255.0);
        }
        return dst;
    }

    /// <summary>The Y channel only, as a one-channel image (BasicSR's <c>rgb2ycbcr(img, y_only=True)</c>).</summary>
    public static Image RgbToY(Image rgb)
    {
        RequireRgb(rgb, nameof(RgbToY));
        var dst = new Image(rgb.Height, rgb.Width, 1);
        for (int p = 0, i = 0; i < rgb.Data.Length; p++, i += 3)
            dst.Data[p] = (float)((16.0 + M[0, 0] * rgb.Data[i] + M[0, 1] * rgb.Data[i + 1] + M[0, 2] * rgb.Data[i + 2]) / 255.0);
        return dst;
    }

    /// <summary>RGB from YCbCr in [0, 1] (the exact inverse of <see cref="RgbToYCbCr"/>; MATLAB's ycbcr2rgb).</summary>
    public static Image YCbCrToRgb(Image ycbcr)
    {
        RequireRgb(ycbcr, nameof(YCbCrToRgb));
        var dst = new Image(ycbcr.Height, ycbcr.Width, 3);
        for (int i = 0; i < ycbcr.Data.Length; i += 3)
        {
            double y = ycbcr.Data[i] * 255.0 - Offset[0], cb = ycbcr.Data[i + 1] * 255.0 - Offset[1], cr = ycbcr.Data[i + 2] * 255.0 - Offset[2];
            for (int k = 0; k < 3; k++)
                dst.Data[i + k] = (float)(Inverse[k, 0] * y + Inverse[k, 1] * cb + Inverse[k, 2] * cr);
        }
        return dst;
    }

    private static void RequireRgb(Image image, string op)
    {
        if (image.Channels != 3) throw new ArgumentException($"{op} needs a 3-channel image, got {image.SizeText}");
    }

    private static double[,] Invert(double[,] m)
    {
        double det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
                   - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
                   + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var inv = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                // Cofactor of m[j, i] (transposed) over the determinant.
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                inv[i, j] = (m[r0, c0] * m[r1, c1] - m[r0, c1] * m[r1, c0]) / det;
            }
        return inv;
    }
}
