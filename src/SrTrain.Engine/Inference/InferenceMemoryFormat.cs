using SrTrain.Engine.Training;
using SrTrain.Torch;
using Module = SrTrain.Torch.Nn.Module;

namespace SrTrain.Engine.Inference;

/// <summary>Runs a network for inference in the memory format <c>auto</c> picks (<see cref="MemoryFormatChoice"/>; inference
/// computes in float32): its weights converted once, each input converted on the way in and the output handed back
/// NCHW, so callers see PyTorch's default layout whatever the network runs in. A 4-block RRDBNet on a 128px image measured
/// 1.7-1.9x faster in channels_last on a 2-core AVX-512 EPYC (separate processes).</summary>
public static class InferenceMemoryFormat
{
    /// <summary>Converts <paramref name="net"/> (already on its device) to the chosen format for
    /// <paramref name="memoryFormat"/> (auto, contiguous, channels_last) and returns the choice.</summary>
    public static MemoryFormatChoice Apply(Module net, Device device, string memoryFormat = "auto")
    {
        var choice = MemoryFormatChoice.ForThisMachine(memoryFormat, device.Type, "fp32", training: false);
        if (choice.ChannelsLast) net.To(MemoryFormat.ChannelsLast);
        return choice;
    }

    /// <summary><paramref name="net"/>'s output for an NCHW input, NCHW (contiguous) whatever the network runs in.</summary>
    public static Tensor Forward(Module net, Tensor x, MemoryFormatChoice choice)
    {
        if (!choice.ChannelsLast) return net.Forward(x);
        using var scope = LibTorch.NewDisposeScope();
        return net.Forward(x.Contiguous(MemoryFormat.ChannelsLast)).Contiguous().MoveToOuterScope();
    }
}
