using SrTrain.Torch;

namespace SrTrain.Engine.Metrics;

/// <summary>The Y (luma) channel of ITU-R BT.601 YCbCr as MATLAB's <c>rgb2ycbcr</c>: Y in [16, 235]
/// on the 0-255 scale, from RGB (PyTorch/BasicSR: to_y_channel, rgb2ycbcr_pt with y_only).</summary>
public static class YChannel
{
    // MATLAB's rgb2ycbcr weights for R, G, B in [0, 1], giving Y in [16, 235].
    internal const double Wr = 65.481, Wg = 128.553, Wb = 24.966;

    /// <summary>Y of an RGB image in [0, 255], a one-channel image in [0, 255]. The arithmetic follows
    /// BasicSR's to_y_channel step by step (float32 image / 255, weights in float64, back to float32,
    /// *255 in float32), so test_y_channel metrics equal BasicSR's to the last bit we can reach.</summary>
    public static HwcImage FromRgb(HwcImage rgb)
    {
        if (rgb.Channels != 3)
            throw new ArgumentException($"test_y_channel needs a 3-channel RGB image, got {rgb.Channels} channel(s)");
        var y = new double[(long)rgb.Height * rgb.Width];
        var d = rgb.Data;
        for (long i = 0; i < y.Length; i++)
        {
            double r = (float)d[3 * i] / 255f, g = (float)d[3 * i + 1] / 255f, b = (float)d[3 * i + 2] / 255f;
            float y01 = (float)((r * Wr + g * Wg + b * Wb + 16.0) / 255.0);
            y[i] = y01 * 255f;
        }
        return new HwcImage(y, rgb.Height, rgb.Width, 1);
    }

    /// <summary>Y of a batch of RGB images (N, 3, H, W) in [0, 1]: (N, 1, H, W) in [0, 1], float64.</summary>
    public static Tensor FromRgb(Tensor nchw)
    {
        if (nchw.Dim != 4 || nchw.Size(1) != 3)
            throw new ArgumentException($"test_y_channel needs RGB images (N, 3, H, W), got [{string.Join(", ", nchw.Shape)}]");
        using var scope = LibTorch.NewDisposeScope();
        var x = nchw.To(DType.Float64);
        var y = (x.Narrow(1, 0, 1) * Wr + x.Narrow(1, 1, 1) * Wg + x.Narrow(1, 2, 1) * Wb + 16.0) / 255.0;
        return y.MoveToOuterScope();
    }
}
