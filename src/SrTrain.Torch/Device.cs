using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>The kind of device a tensor lives on (c10::DeviceType codes).</summary>
public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>A device (PyTorch: torch.device). <see cref="Cuda"/> fails clearly when the linked
/// libtorch was built without CUDA, rather than silently running on the CPU.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    /// <summary>The host CPU.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu);

    /// <summary>CUDA device <paramref name="index"/>; throws when CUDA is not available.</summary>
    public static Device Cuda(int index = 0)
    {
        if (!CudaIsAvailable)
            throw new TorchException($"device cuda:{index} was requested, but the linked libtorch has no CUDA support " +
                                     "(build the shim against a CUDA libtorch: SRTRAIN_LIBTORCH=/path/to/torch, see README)");
        int count = Native.srt_cuda_device_count();
        if (index < 0 || index >= count)
            throw new TorchException($"device cuda:{index} was requested, but only {count} CUDA device(s) are visible");
        return new Device(DeviceType.Cuda, index);
    }

    /// <summary>True when the linked libtorch can run on a CUDA GPU.</summary>
    public static bool CudaIsAvailable => Native.srt_cuda_available() != 0;

    /// <summary>True when the current CUDA device runs bf16 convolutions natively (compute capability 8.0 or later,
    /// cuDNN 8; PyTorch: torch.cuda.is_bf16_supported()); false without CUDA.</summary>
    public static bool CudaSupportsBf16 => Native.srt_cuda_bf16_supported() != 0;

    /// <summary>Parses "cpu", "cuda" or "cuda:1".</summary>
    public static Device Parse(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return Cpu;
        if (s == "cuda") return Cuda();
        if (s.StartsWith("cuda:") && int.TryParse(s.AsSpan(5), out var i)) return Cuda(i);
        throw new ArgumentException($"unknown device '{text}': expected cpu, cuda or cuda:N");
    }

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
