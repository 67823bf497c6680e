using SrTrain.Engine.Training;
using SrTrain.Torch;
using Module = SrTrain.Torch.Nn.Module;

namespace SrTrain.Engine.Inference;

/// <summary>How a network runs for inference (float32): its memory format and its convolution algorithm, resolved
/// together from <c>--memory-format</c> and <c>--conv-algorithm</c> (auto, the default for both). Where oneDNN has
/// float32 Winograd kernels (AVX-512), auto runs NCHW through them (<see cref="Torch.ConvAlgorithm"/>); elsewhere it runs
/// channels_last where oneDNN has AVX-512 (<see cref="MemoryFormatChoice"/>) on direct kernels. RRDBNet x4 (64/23), one
/// image, separate runs on a 2-core AVX-512 EPYC: a 138px tile 2.83 s Winograd NCHW, 3.52 s channels_last, 3.83 s NCHW
/// direct; 256px 10.7, 12.5 and 15.6 s. Outputs differ by float32 rounding only. The weights are converted once, each
/// input on the way in, and the output comes back NCHW whatever the network runs in.</summary>
public sealed record InferenceSetup(MemoryFormatChoice MemoryFormat, ConvAlgorithmChoice ConvAlgorithm)
{
    /// <summary>Resolves the setup for <paramref name="net"/> (already on <paramref name="device"/>), converts its weights
    /// to the chosen memory format and returns the setup.</summary>
    public static InferenceSetup Apply(Module net, Device device, string memoryFormat = "auto", string convAlgorithm = "auto")
    {
        var setup = ForThisMachine(memoryFormat, convAlgorithm, device.Type);
        if (setup.MemoryFormat.ChannelsLast) net.To(Torch.MemoryFormat.ChannelsLast);
        return setup;
    }

    /// <summary>The setup on this machine (its CPU flags, oneDNN's ISA cap, whether Winograd kernels exist here).</summary>
    public static InferenceSetup ForThisMachine(string memoryFormat, string convAlgorithm, DeviceType device) =>
        Resolve(memoryFormat, convAlgorithm, device, CpuFeatures.Flags, Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"),
                () => Torch.ConvAlgorithm.WinogradAvailable);

    /// <summary>The setup for given CPU flags, ISA cap and Winograd availability (tests pass their own). The convolution
    /// algorithm is resolved first, seeing channels_last only where it was asked for; auto's memory format then follows
    /// Winograd, which runs NCHW.</summary>
    public static InferenceSetup Resolve(string? memoryFormat, string? convAlgorithm, DeviceType device, IReadOnlySet<string> cpuFlags,
                                         string? dnnlMaxIsa, Func<bool> winogradAvailable)
    {
        bool channelsLastAsked = string.Equals(memoryFormat?.Trim(), "channels_last", StringComparison.OrdinalIgnoreCase);
        var conv = ConvAlgorithmChoice.Resolve(convAlgorithm, device, "fp32", channelsLastAsked, winogradAvailable, training: false);
        var format = conv.Winograd && MemoryFormatChoice.IsAuto(memoryFormat?.Trim())
            ? new MemoryFormatChoice(false, "memory_format: auto, inference through Winograd convolutions, which run NCHW: NCHW")
            : MemoryFormatChoice.Resolve(memoryFormat, device, "fp32", training: false, cpuFlags, dnnlMaxIsa);
        return new(format, conv);
    }

    /// <summary><paramref name="net"/>'s output for an NCHW input, NCHW (contiguous) whatever the network runs in, its
    /// convolutions on this setup's algorithm.</summary>
    public Tensor Forward(Module net, Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var algorithm = Torch.ConvAlgorithm.UseWinograd(ConvAlgorithm.Winograd, ConvAlgorithm.MaxScratchpadBytes);
        if (!MemoryFormat.ChannelsLast) return net.Forward(x).MoveToOuterScope();
        return net.Forward(x.Contiguous(Torch.MemoryFormat.ChannelsLast)).Contiguous().MoveToOuterScope();
    }
}
