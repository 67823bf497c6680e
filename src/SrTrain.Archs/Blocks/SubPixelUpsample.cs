using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Blocks;

/// <summary>Sub-pixel upsampler (BasicSR: arch_util.Upsample): for 2^n, n times (conv to 4C, pixel shuffle 2);
/// for 3, conv to 9C and pixel shuffle 3. Returned as a <see cref="Sequential"/> so the keys are
/// BasicSR's (<c>upsample.0.weight</c>, <c>upsample.2.weight</c>).</summary>
public static class SubPixelUpsample
{
    /// <summary>Scales a BasicSR upsampler supports: powers of two and 3.</summary>
    public static bool Supports(int scale) => scale == 3 || (scale >= 2 && (scale & (scale - 1)) == 0);

    public static Sequential Create(int scale, int numFeat)
    {
        if (!Supports(scale))
            throw new ArgumentException($"upscale {scale} is not supported: use 2, 3, 4 or another power of 2");
        var seq = new Sequential();
        if (scale == 3)
        {
            seq.Append(new Conv2d(numFeat, 9 * numFeat, 3, padding: 1)).Append(new PixelShuffle(3));
            return seq;
        }
        for (int s = scale; s > 1; s /= 2)
            seq.Append(new Conv2d(numFeat, 4 * numFeat, 3, padding: 1)).Append(new PixelShuffle(2));
        return seq;
    }
}
