namespace SrTrain.Engine.Degradations;

/// <summary>The random choices of one degradation stage for a batch: blur or not, resize scale and mode (one per
/// batch, as BasicSR), noise type (one per batch), noise strength, gray flag and JPEG quality (one per image).</summary>
public sealed record StagePlan(bool Blur, double Scale, ResizeMode Mode, bool Gaussian, double[] Noise, bool[] Gray, double[] Jpeg);

/// <summary>Every random choice of Real-ESRGAN's second-order degradation for one batch, drawn in the order of BasicSR's
/// RealESRNetModel.feed_data from a seeded <see cref="Random"/> (deterministic per batch); the noise fields themselves come
/// from libtorch's generator when the plan is applied.</summary>
/// <param name="First">Blur (always), resize, noise, JPEG.</param>
/// <param name="Second">Blur (with second_blur_prob), resize, noise; its JPEG is <paramref name="FinalJpeg"/>.</param>
/// <param name="SincFirst">Resize back and sinc filter before the last JPEG (else after it), each with chance 1/2.</param>
/// <param name="FinalMode">Resize mode back to GT size / scale.</param>
/// <param name="FinalJpeg">Quality of the last JPEG, per image.</param>
public sealed record DegradationPlan(StagePlan First, StagePlan Second, bool SincFirst, ResizeMode FinalMode, double[] FinalJpeg)
{
    private static readonly ResizeMode[] Modes = [ResizeMode.Area, ResizeMode.Bilinear, ResizeMode.Bicubic];

    /// <summary>Draws the plan of a batch of <paramref name="batch"/> images.</summary>
    public static DegradationPlan Draw(DegradationOptions o, int batch, Random rng)
    {
        var first = Stage(rng, batch, blurProb: 1, o.ResizeProb, o.ResizeRange, o.GaussianNoiseProb, o.NoiseRange, o.PoissonScaleRange,
                          o.GrayNoiseProb, o.JpegRange);
        var second = Stage(rng, batch, o.SecondBlurProb, o.ResizeProb2, o.ResizeRange2, o.GaussianNoiseProb2, o.NoiseRange2,
                           o.PoissonScaleRange2, o.GrayNoiseProb2, jpeg: null);
        bool sincFirst = rng.NextDouble() < 0.5;
        var mode = Modes[rng.Next(3)];
        var finalJpeg = Per(batch, () => Uniform(rng, o.JpegRange2[0], o.JpegRange2[1]));
        return new DegradationPlan(first, second, sincFirst, mode, finalJpeg);
    }

    private static StagePlan Stage(Random rng, int batch, double blurProb, double[] resizeProb, double[] resizeRange, double gaussianProb,
                                   double[] noiseRange, double[] poissonRange, double grayProb, double[]? jpeg)
    {
        // BasicSR draws the second blur's coin first; the first stage always blurs and draws nothing for it.
        bool blur = blurProb >= 1 || rng.NextDouble() < blurProb;
        double scale = Choice(resizeProb, rng) switch
        {
            0 => Uniform(rng, 1, resizeRange[1]),
            1 => Uniform(rng, resizeRange[0], 1),
            _ => 1,
        };
        var mode = Modes[rng.Next(3)];
        bool gaussian = rng.NextDouble() < gaussianProb;
        var range = gaussian ? noiseRange : poissonRange;
        var noise = Per(batch, () => Uniform(rng, range[0], range[1]));
        var gray = Enumerable.Range(0, batch).Select(_ => rng.NextDouble() < grayProb).ToArray();
        var quality = jpeg is null ? [] : Per(batch, () => Uniform(rng, jpeg[0], jpeg[1]));
        return new StagePlan(blur, scale, mode, gaussian, noise, gray, quality);
    }

    /// <summary>The generator of batch <paramref name="index"/> of <paramref name="epoch"/> under <paramref name="seed"/>:
    /// System.Random's seeded algorithm is fixed, so a resumed run draws the same plans.</summary>
    public static Random RandomFor(long seed, int epoch, int index)
    {
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)epoch * 0xBF58476D1CE4E5B9UL ^ (ulong)index * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }

    private static double Uniform(Random rng, double low, double high) => low + (high - low) * rng.NextDouble();

    // Python's random.choices: the index whose cumulative weight first exceeds u x total.
    private static int Choice(double[] weights, Random rng)
    {
        double u = rng.NextDouble() * weights.Sum(), acc = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (u < acc) return i;
        }
        return weights.Length - 1;
    }

    private static double[] Per(int batch, Func<double> draw) => Enumerable.Range(0, batch).Select(_ => draw()).ToArray();
}
