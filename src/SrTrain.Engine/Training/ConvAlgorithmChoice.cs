using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>The convolution algorithm a training run (or inference) uses, resolved from the <c>conv_algorithm</c> option: libtorch's
/// direct kernels, oneDNN's Winograd kernels (<see cref="ConvAlgorithm"/>), or <c>auto</c> (the default), which takes
/// Winograd where it applies and was measured faster: float32 training in NCHW on the CPU with oneDNN's AVX-512 kernels
/// (RRDBNet whole iterations on a 2-core EPYC, see docs/getting-started.md), and float32 inference
/// (<see cref="SrTrain.Engine.Inference.InferenceSetup"/>). Under bf16 autocast or channels_last the
/// convolutions are not Winograd's to run, so auto says direct there. <see cref="Reason"/> says why, for the log.</summary>
public sealed record ConvAlgorithmChoice(bool Winograd, string Reason, long MaxScratchpadBytes = long.MaxValue)
{
    /// <summary>auto's bound on a Winograd layer's scratchpad (see <see cref="ConvAlgorithm.UseWinograd"/>): a layer over it
    /// runs its batch in chunks, or on direct kernels where one image's exceeds it. 40 MiB runs every layer of RRDBNet,
    /// EDSR and MSRResNet on Winograd at batch 4 (the 64 -> 256 upsampling convolution at 64x64, 60 MiB for four images,
    /// one image at a time: 26 MiB) and VGG19's perceptual layers up to 256 channels, and keeps its 512-channel layers
    /// (44-51 MiB even for one image, mostly weight transforms) direct. Measured on a 2-core EPYC with AVX-512, batch 4,
    /// GT 128 (peak PSS of 30 EDSR-M iterations, 3 runs each): 381-389 MiB direct, 462-543 unbounded, 447-488 with the
    /// bound at unbounded speed. ESRGAN whole-iteration bench: with 48 MiB and chunks (the 512-channel layers ran two
    /// images at a time, 46 MiB) peak PSS 2426 vs the reference's 2423; with 48 MiB and no chunks (those layers direct)
    /// 2372 vs 2403 at ratio 1.60.</summary>
    public const long AutoMaxScratchpadBytes = 40L << 20;

    /// <summary>The values <c>conv_algorithm</c> accepts.</summary>
    public static readonly string[] Values = ["auto", "direct", "winograd"];

    /// <summary>The algorithm as the log shows it.</summary>
    public string Name => Winograd ? "winograd" : "direct";

    /// <summary>True for <c>conv_algorithm: auto</c>.</summary>
    public static bool IsAuto(string? value) => string.Equals(value?.Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>The choice on this machine (whether oneDNN has Winograd kernels here).</summary>
    public static ConvAlgorithmChoice ForThisMachine(string? value, DeviceType device, string precisionName, bool channelsLast) =>
        Resolve(value, device, precisionName, channelsLast, () => ConvAlgorithm.WinogradAvailable);

    /// <summary>The choice for a given availability (asked only when it matters; tests pass their own), for training or,
    /// with <paramref name="training"/> false, inference (the same rule; the reason says which).</summary>
    public static ConvAlgorithmChoice Resolve(string? value, DeviceType device, string precisionName, bool channelsLast,
                                              Func<bool> winogradAvailable, bool training = true)
    {
        var v = value?.Trim().ToLowerInvariant();
        if (v == "direct") return new(false, "conv_algorithm: direct");
        if (v is not ("auto" or "winograd"))
            throw new OptionException($"conv_algorithm: '{value}' is not one of {string.Join(", ", Values)}");
        string? notApplicable = device != DeviceType.Cpu ? $"convolutions run on {device.ToString().ToLowerInvariant()}"
            : precisionName != "fp32" ? $"{precisionName} autocast runs the convolutions in {precisionName}"
            : channelsLast ? "the networks run channels_last" : null;
        if (v == "winograd")
        {
            if (notApplicable is not null)
                throw new OptionException($"conv_algorithm: winograd applies to float32 NCHW convolutions on the CPU, but {notApplicable} " +
                                          "(use conv_algorithm: auto or direct, or precision: fp32, memory_format: contiguous on the CPU)");
            if (!winogradAvailable())
                throw new OptionException("conv_algorithm: winograd is unavailable here: it needs SrTrain's native library built with " +
                                          "oneDNN (Debian's libdnnl-dev, installed by scripts/setup.sh) and oneDNN's AVX-512 kernels " +
                                          "(this CPU, or DNNL_MAX_CPU_ISA, has less); use conv_algorithm: auto or direct");
            return new(true, "conv_algorithm: winograd");
        }
        if (notApplicable is not null) return new(false, $"conv_algorithm: auto, {notApplicable}: direct");
        return winogradAvailable()
            ? new(true, $"conv_algorithm: auto, float32 NCHW {(training ? "training" : "inference")} and oneDNN with AVX-512 Winograd kernels: winograd "
                        + $"(a layer whose Winograd scratchpad would exceed {AutoMaxScratchpadBytes >> 20} MiB runs its batch in chunks, or direct)", AutoMaxScratchpadBytes)
            : new(false, "conv_algorithm: auto, oneDNN has no float32 Winograd kernels here (below AVX-512, or a libtorch without a linked oneDNN): direct");
    }
}
