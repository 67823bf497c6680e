namespace SrTrain.Data.Degradations;

/// <summary>Draws Real-ESRGAN's kernels in BasicSR's order (RealESRGANDataset.__getitem__ and random_mixed_kernels):
/// a size from 7, 9, ..., max; then either a sinc filter (with <see cref="KernelSettings.SincProb"/>) or a kernel of a
/// type drawn by <see cref="KernelSettings.KernelProb"/> with σ, rotation and β drawn uniformly. The draws come from
/// the sample's <see cref="SampleRng"/>, so they are deterministic per (seed, epoch, index).</summary>
public static class KernelSampler
{
    /// <summary>The first- or second-stage blur kernel, zero-padded to <paramref name="padTo"/>.</summary>
    public static BlurKernel Blur(KernelSettings s, SampleRng rng, int padTo)
    {
        int size = DrawSize(s.BlurKernelSize, rng);
        BlurKernel kernel;
        if (rng.NextDouble() < s.SincProb)
        {
            // BasicSR: this cut-off range suits kernel sizes 7..21; smaller kernels get no very low cut-offs.
            double omega = size < 13 ? Uniform(rng, Math.PI / 3, Math.PI) : Uniform(rng, Math.PI / 5, Math.PI);
            kernel = KernelFormulas.CircularLowpass(omega, size);
        }
        else
        {
            kernel = Mixed(s, size, rng);
        }
        return kernel.PadTo(padTo);
    }

    /// <summary>The final sinc filter: with <paramref name="finalSincProb"/> a circular low-pass with ωc in [π/3, π] of
    /// a drawn size, else the identity (BasicSR's pulse_tensor); both <paramref name="padTo"/> wide.</summary>
    public static BlurKernel FinalSinc(double finalSincProb, int maxSize, SampleRng rng, int padTo)
    {
        if (rng.NextDouble() >= finalSincProb) return BlurKernel.Pulse(padTo);
        int size = DrawSize(maxSize, rng);
        double omega = Uniform(rng, Math.PI / 3, Math.PI);
        return KernelFormulas.CircularLowpass(omega, size, padTo);
    }

    /// <summary>BasicSR's random_mixed_kernels: the type by weight, then its parameters (σx; σy and θ for the
    /// anisotropic types; β below or above 1 with equal chance for the generalized and plateau types).</summary>
    public static BlurKernel Mixed(KernelSettings s, int size, SampleRng rng)
    {
        var type = s.KernelList[Choice(s.KernelProb, rng)];
        bool iso = type.EndsWith("iso", StringComparison.Ordinal) && !type.EndsWith("aniso", StringComparison.Ordinal);
        double sx = Uniform(rng, s.BlurSigma[0], s.BlurSigma[1]);
        double sy = sx, theta = 0;
        if (!iso)
        {
            sy = Uniform(rng, s.BlurSigma[0], s.BlurSigma[1]);
            theta = Uniform(rng, -Math.PI, Math.PI);
        }
        if (type is "iso" or "aniso") return KernelFormulas.Gaussian(size, sx, sy, theta, iso);
        var range = type.StartsWith("generalized", StringComparison.Ordinal) ? s.BetagRange : s.BetapRange;
        // BasicSR assumes range[0] < 1 < range[1]; a range on one side of 1 still draws inside it.
        double beta = rng.NextDouble() < 0.5 ? Uniform(rng, range[0], Math.Max(range[0], Math.Min(1, range[1])))
                                             : Uniform(rng, Math.Min(range[1], Math.Max(1, range[0])), range[1]);
        return type.StartsWith("generalized", StringComparison.Ordinal)
            ? KernelFormulas.GeneralizedGaussian(size, sx, sy, theta, beta, iso)
            : KernelFormulas.Plateau(size, sx, sy, theta, beta, iso);
    }

    /// <summary>An odd size from 7 to <paramref name="maxSize"/> (BasicSR's kernel_range), uniformly.</summary>
    public static int DrawSize(int maxSize, SampleRng rng) => 7 + 2 * rng.NextInt((maxSize - 7) / 2 + 1);

    /// <summary>Index drawn with probability proportional to <paramref name="weights"/> (Python's random.choices).</summary>
    public static int Choice(IReadOnlyList<double> weights, SampleRng rng)
    {
        double total = weights.Sum(), u = rng.NextDouble() * total, acc = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            acc += weights[i];
            if (u < acc) return i;
        }
        return weights.Count - 1;
    }

    /// <summary>A uniform draw in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static double Uniform(SampleRng rng, double low, double high) => low + (high - low) * rng.NextDouble();
}
