using SrTrain.Engine.Training;
using SrTrain.Torch;

namespace SrTrain.Tools.Inference;

/// <summary>How <see cref="Upscaler"/> runs the network: <paramref name="Tile"/> 0 runs whole images, otherwise
/// LQ tiles of that size with <paramref name="TilePad"/> pixels of context (Engine.Inference.TiledInference);
/// <paramref name="SelfEnsemble"/> averages the 8 flips/transpositions (EDSR's "+", x8 the time); <paramref name="MemoryFormat"/>
/// is the network's layout (auto, contiguous, channels_last; as the training option memory_format) and
/// <paramref name="ConvAlgorithm"/> its convolutions' algorithm (auto, direct, winograd; as conv_algorithm), resolved
/// together (Engine.Inference.InferenceSetup).</summary>
public sealed record UpscaleSettings(int Tile = 0, int TilePad = 10, bool SelfEnsemble = false,
                                     AlphaUpsampler Alpha = AlphaUpsampler.Bicubic, Device? Device = null, string MemoryFormat = "auto",
                                     string ConvAlgorithm = "auto")
{
    /// <summary>Rejects negative tile sizes, unknown layouts or algorithms and Winograd with channels_last, naming the option.</summary>
    public void Validate()
    {
        if (Tile < 0) throw new ArgumentException($"--tile must be 0 (no tiling) or positive, got {Tile}");
        if (TilePad < 0) throw new ArgumentException($"--tile-pad must be >= 0, got {TilePad}");
        if (!MemoryFormatChoice.Values.Contains(MemoryFormat.ToLowerInvariant()))
            throw new ArgumentException($"--memory-format must be one of {string.Join(", ", MemoryFormatChoice.Values)}, got '{MemoryFormat}'");
        if (!ConvAlgorithmChoice.Values.Contains(ConvAlgorithm.ToLowerInvariant()))
            throw new ArgumentException($"--conv-algorithm must be one of {string.Join(", ", ConvAlgorithmChoice.Values)}, got '{ConvAlgorithm}'");
        if (ConvAlgorithm.Equals("winograd", StringComparison.OrdinalIgnoreCase) && MemoryFormat.Equals("channels_last", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("--conv-algorithm winograd runs NCHW: use it with --memory-format auto or contiguous, not channels_last");
    }
}
