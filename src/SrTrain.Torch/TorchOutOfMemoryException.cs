using System.Globalization;
using System.Text.RegularExpressions;

namespace SrTrain.Torch;

/// <summary>libtorch could not allocate a tensor: CUDA out of memory (c10::OutOfMemoryError in libtorch 2.x, a
/// c10::Error saying "CUDA out of memory" in 1.13) or the CPU allocator's "not enough memory" / "can't allocate
/// memory". <see cref="Exception.Message"/> is libtorch's own; <see cref="Requested"/> is the size it tried to allocate
/// when the message says.</summary>
public sealed partial class TorchOutOfMemoryException(string message) : TorchException(message)
{
    /// <summary>True for libtorch's out-of-memory messages, CUDA's and the CPU allocator's.</summary>
    public static bool IsOutOfMemory(string message) =>
        message.Contains("CUDA out of memory", StringComparison.Ordinal)
        || message.Contains("DefaultCPUAllocator: not enough memory", StringComparison.Ordinal)
        || message.Contains("DefaultCPUAllocator: can't allocate memory", StringComparison.Ordinal);

    /// <summary>True when the failed allocation was on a CUDA device.</summary>
    public bool OnCuda => Message.Contains("CUDA", StringComparison.Ordinal);

    /// <summary>What libtorch tried to allocate, as its message says it ("400000000000 bytes", "2.00 GiB"), or null.</summary>
    public string? Requested
    {
        get
        {
            var cpu = CpuBytes().Match(Message);
            if (cpu.Success)
                return FormatBytes(long.Parse(cpu.Groups[1].Value, CultureInfo.InvariantCulture));
            var cuda = CudaTried().Match(Message);
            return cuda.Success ? cuda.Groups[1].Value : null;
        }
    }

    /// <summary>Bytes as the CUDA messages write them: 1.50 GiB, 20.00 MiB.</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes} bytes" : v.ToString("F2", CultureInfo.InvariantCulture) + " " + units[u];
    }

    [GeneratedRegex(@"tried to allocate (\d+) bytes")]
    private static partial Regex CpuBytes();

    [GeneratedRegex(@"Tried to allocate ([\d.]+ [KMGTP]?i?B)")]
    private static partial Regex CudaTried();
}
