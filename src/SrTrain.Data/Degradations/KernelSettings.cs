namespace SrTrain.Data.Degradations;

/// <summary>One blur stage's kernel options of BasicSR's RealESRGANDataset (<c>kernel_list</c>, <c>kernel_prob</c>,
/// <c>sinc_prob</c>, <c>blur_sigma</c>, <c>betag_range</c>, <c>betap_range</c>, <c>blur_kernel_size</c>, or their
/// <c>2</c> variants), checked on construction.</summary>
public sealed record KernelSettings
{
    /// <summary>The kernel types BasicSR's random_mixed_kernels knows.</summary>
    public static readonly string[] Types = ["iso", "aniso", "generalized_iso", "generalized_aniso", "plateau_iso", "plateau_aniso"];

    public KernelSettings(string[] kernelList, double[] kernelProb, double sincProb, double[] blurSigma, double[] betagRange,
                          double[] betapRange, int blurKernelSize, string suffix = "")
    {
        if (kernelList.Length == 0) throw new ArgumentException($"kernel_list{suffix}: no kernel type given");
        foreach (var t in kernelList)
            if (!Types.Contains(t)) throw new ArgumentException($"kernel_list{suffix}: unknown kernel type '{t}' (known: {string.Join(", ", Types)})");
        if (kernelProb.Length != kernelList.Length)
            throw new ArgumentException($"kernel_prob{suffix} has {kernelProb.Length} value(s) for {kernelList.Length} kernel type(s) in kernel_list{suffix}");
        if (kernelProb.Any(p => p < 0) || kernelProb.Sum() <= 0) throw new ArgumentException($"kernel_prob{suffix}: weights must be >= 0 with a positive sum");
        if (sincProb is < 0 or > 1) throw new ArgumentException($"sinc_prob{suffix} must be in [0, 1], got {sincProb}");
        CheckRange(blurSigma, $"blur_sigma{suffix}", positive: true);
        CheckRange(betagRange, $"betag_range{suffix}", positive: true);
        CheckRange(betapRange, $"betap_range{suffix}", positive: true);
        if (blurKernelSize < 7 || blurKernelSize % 2 == 0)
            throw new ArgumentException($"blur_kernel_size{suffix} must be an odd number >= 7 (kernels are drawn from 7 x 7 up to it), got {blurKernelSize}");
        (KernelList, KernelProb, SincProb, BlurSigma, BetagRange, BetapRange, BlurKernelSize) =
            (kernelList, kernelProb, sincProb, blurSigma, betagRange, betapRange, blurKernelSize);
    }

    public string[] KernelList { get; }
    public double[] KernelProb { get; }
    public double SincProb { get; }
    public double[] BlurSigma { get; }
    public double[] BetagRange { get; }
    public double[] BetapRange { get; }

    /// <summary>The largest kernel drawn; BasicSR draws sizes 7, 9, ..., 21 and pads every kernel to 21.</summary>
    public int BlurKernelSize { get; }

    internal static void CheckRange(double[] range, string key, bool positive)
    {
        if (range.Length != 2) throw new ArgumentException($"{key} must be [low, high], got {range.Length} value(s)");
        if (range[0] > range[1]) throw new ArgumentException($"{key}: low {range[0]} is above high {range[1]}");
        if (positive && range[0] <= 0) throw new ArgumentException($"{key}: values must be positive, got {range[0]}");
    }
}
