namespace SrTrain.Torch;

/// <summary>Physical layout of a 4-D tensor (PyTorch: torch.memory_format). channels_last (NHWC)
/// runs conv2d faster with oneDNN on CPU; the engine chooses it, never an arch.</summary>
public enum MemoryFormat
{
    Contiguous,
    ChannelsLast,
}
