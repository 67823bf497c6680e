using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>Real-ESRGAN's additive noise on a batch (BasicSR's random_add_gaussian_noise_pt and
/// random_add_poisson_noise_pt, clip on, no rounding), each image with its own strength and its own choice of gray
/// (one field for all channels) or colour noise. Noise fields come from libtorch's default generator: the gray field
/// first (only when some image is gray), then the colour field. Unlike BasicSR, whose gray field is one (H, W) draw
/// shared by the whole batch, each image gets its own gray field.</summary>
public static class DegradationNoise
{
    /// <summary>img + N(0, (σ/255)²) per image, clipped to [0, 1]; <paramref name="sigma"/> in grey levels.</summary>
    public static Tensor Gaussian(Tensor img, IReadOnlyList<double> sigma, IReadOnlyList<bool> gray)
    {
        long b = img.Size(0), c = img.Size(1), h = img.Size(2), w = img.Size(3);
        Check(b, sigma.Count, gray.Count);
        var s = PerImage(sigma, img.Device) / 255;
        var g = PerImage(gray.Select(x => x ? 1.0 : 0.0).ToList(), img.Device);
        var noiseGray = gray.Any(x => x) ? Tensor.Randn([b, 1, h, w], device: img.Device) * s : null;
        var noise = Tensor.Randn([b, c, h, w], device: img.Device) * s;
        if (noiseGray is not null) noise = noise * (1 - g) + noiseGray * g;
        return (img + noise).Clamp(0, 1);
    }

    /// <summary>img + <paramref name="scale"/> x Poisson noise per image, clipped to [0, 1]: the image, quantised to 8 bits,
    /// is taken as photon counts at 2^ceil(log2(number of distinct grey levels)) levels (BasicSR's
    /// generate_poisson_noise_pt); gray noise uses the luma (0.2989, 0.587, 0.114) of the image.</summary>
    public static Tensor Poisson(Tensor img, IReadOnlyList<double> scale, IReadOnlyList<bool> gray)
    {
        long b = img.Size(0);
        Check(b, scale.Count, gray.Count);
        var g = PerImage(gray.Select(x => x ? 1.0 : 0.0).ToList(), img.Device);
        Tensor? noiseGray = null;
        if (gray.Any(x => x))
        {
            var luma = img.Slice(1, 0, 1) * 0.2989 + img.Slice(1, 1, 2) * 0.587 + img.Slice(1, 2, 3) * 0.114;
            noiseGray = CountNoise(luma);
        }
        var noise = CountNoise(img);
        if (noiseGray is not null) noise = noise * (1 - g) + noiseGray * g;
        return (img + noise * PerImage(scale, img.Device)).Clamp(0, 1);
    }

    // torch.poisson(q * vals) / vals - q with q the 8-bit image and vals = 2^ceil(log2(distinct levels)) per image.
    private static Tensor CountNoise(Tensor img)
    {
        var q = (img * 255.0).Round().Clamp(0, 255) / 255.0;
        var vals = PerImage(DistinctLevels(q).Select(n => Math.Pow(2, Math.Ceiling(Math.Log2(n)))).ToList(), img.Device);
        return (q * vals).Poisson() / vals - q;
    }

    // The number of distinct 8-bit levels in each image (torch.unique per sample), counted on the host.
    private static int[] DistinctLevels(Tensor q)
    {
        long b = q.Size(0);
        using var levels = (q * 255.0).Round().To(DType.Int64, Device.Cpu).Contiguous();
        var data = levels.ToArray<long>();
        long per = data.Length / b;
        var counts = new int[b];
        var seen = new bool[256];
        for (long i = 0; i < b; i++)
        {
            Array.Clear(seen);
            int n = 0;
            for (long j = i * per; j < (i + 1) * per; j++)
                if (!seen[data[j]]) { seen[data[j]] = true; n++; }
            counts[i] = n;
        }
        return counts;
    }

    private static Tensor PerImage(IReadOnlyList<double> values, Device device)
    {
        using var cpu = Tensor.From(values.Select(v => (float)v).ToArray(), [values.Count, 1, 1, 1]);
        return cpu.To(device);
    }

    private static void Check(long batch, int values, int grays)
    {
        if (values != batch || grays != batch) throw new ArgumentException($"noise: {values} strengths and {grays} gray flags for a batch of {batch}");
    }
}
