namespace SrTrain.Torch.Serialization;

/// <summary>A checkpoint (.pth / .safetensors) that cannot be read or written: truncated or corrupt
/// data, or content outside the supported subset (an unknown pickle opcode or global). The message
/// starts with the file's path and says what was wrong.</summary>
public sealed class CheckpointFormatException : IOException
{
    public CheckpointFormatException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner) => File = file;

    /// <summary>The checkpoint's path.</summary>
    public string File { get; }
}
