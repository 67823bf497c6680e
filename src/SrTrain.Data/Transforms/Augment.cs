namespace SrTrain.Data.Transforms;

/// <summary>BasicSR's augment: horizontal flip, vertical flip and rot90 (as a transpose of H and W), each
/// with probability 1/2, drawn once and applied identically to every image of a sample.</summary>
public static class Augment
{
    /// <summary>The flips drawn for one sample (hflip, then vflip, then transpose).</summary>
    public readonly record struct Choice(bool HFlip, bool VFlip, bool Transpose)
    {
        /// <summary>Draws in BasicSR's order: hflip if enabled, then vflip and rot90 if rotation is enabled.</summary>
        public static Choice Draw(bool useHflip, bool useRot, SampleRng rng) =>
            new(useHflip && rng.NextDouble() < 0.5, useRot && rng.NextDouble() < 0.5, useRot && rng.NextDouble() < 0.5);
    }

    /// <summary>Applies <paramref name="choice"/> to <paramref name="image"/> (a new image unless nothing is done).</summary>
    public static unsafe Image Apply(Image image, Choice choice)
    {
        if (!choice.HFlip && !choice.VFlip && !choice.Transpose) return image;
        int h = image.Height, w = image.Width, c = image.Channels;
        int oh = choice.Transpose ? w : h, ow = choice.Transpose ? h : w;
        var dst = new Image(oh, ow, c);
        // Pointer loops: this runs for every training patch, and bounds checks doubled its cost.
        fixed (float* src = image.Data, d = dst.Data)
            for (int y = 0; y < h; y++)
            {
                int sy = choice.VFlip ? h - 1 - y : y;
                float* srcRow = src + (long)sy * w * c;
                if (!choice.HFlip && !choice.Transpose)
                {
                    Buffer.MemoryCopy(srcRow, d + (long)y * w * c, (long)w * c * 4, (long)w * c * 4);
                    continue;
                }
                // The flipped pixel (y, x) lands at (x, y) when transposed.
                long step = choice.Transpose ? (long)ow * c : c;
                float* at = d + (choice.Transpose ? (long)y * c : (long)y * ow * c);
                for (int x = 0; x < w; x++, at += step)
                {
                    float* from = srcRow + (long)(choice.HFlip ? w - 1 - x : x) * c;
                    for (int k = 0; k < c; k++) at[k] = from[k];
                }
            }
        return dst;
    }
}
