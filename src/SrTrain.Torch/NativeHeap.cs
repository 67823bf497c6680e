using System.Runtime.InteropServices;
using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>How glibc's malloc, which holds every CPU tensor, is set up for training.</summary>
/// <remarks>
/// By default glibc serves every block over 128 KiB to 32 MiB (its threshold grows with use) with a fresh mmap and
/// unmaps it on free, and gives the top of its heap back to the kernel once 128 KiB+ lie free there. A training
/// iteration allocates and frees the same activation and gradient buffers, many of them megabytes, every step, so
/// each step pays the kernel again for page faults and zeroing of memory it just returned: in a virtual machine that
/// was a third of an fp32 MSRResNet step on 2 cores, and the reorders oneDNN does around each convolution ran 4-30x
/// slower into fresh pages than into reused ones (measured with DNNL_VERBOSE: 220 vs 49 ms a step). Raising both
/// thresholds keeps freed blocks in the heap for the next step, which is what PyTorch users get by preloading
/// jemalloc or tcmalloc. The cost is that memory freed at the peak stays with the process (its peak is unchanged).
/// Set SRTRAIN_NATIVE_HEAP=system to keep glibc's defaults; a MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or
/// GLIBC_TUNABLES the user set wins as well.
/// </remarks>
public static class NativeHeap
{
    /// <summary>Blocks up to this size come from the heap, not from their own mapping.</summary>
    public const int MmapThresholdBytes = 1 << 30;

    /// <summary>Free memory at the top of the heap up to this size stays with the process.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    private static readonly string[] UserSettings = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"];

    /// <summary>What <see cref="Configure"/> did: "tuned" or "system (why)"; null before it ran.</summary>
    public static string? Mode { get; private set; }

    /// <summary>Whether the heap thresholds are raised in this process.</summary>
    public static bool IsTuned => Mode == "tuned";

    /// <summary>Raises glibc's mmap and trim thresholds once per process unless the user opted out; idempotent.</summary>
    public static void Configure()
    {
        if (Mode is not null) return;
        Mode = Decide();
    }

    private static string Decide()
    {
        if (!OperatingSystem.IsLinux()) return "system (not Linux)";
        var choice = Environment.GetEnvironmentVariable("SRTRAIN_NATIVE_HEAP");
        if (string.Equals(choice, "system", StringComparison.OrdinalIgnoreCase)) return "system (SRTRAIN_NATIVE_HEAP=system)";
        var userSet = UserSettings.FirstOrDefault(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)));
        if (userSet is not null) return $"system ({userSet} set)";
        try
        {
            // glibc caps the mmap threshold (32 MiB upstream on 64-bit; Debian's accepts more): take the cap if refused.
            var mmap = LibC.MallOpt(LibC.M_MMAP_THRESHOLD, MmapThresholdBytes) == 1
                       || LibC.MallOpt(LibC.M_MMAP_THRESHOLD, 32 << 20) == 1;
            var trim = LibC.MallOpt(LibC.M_TRIM_THRESHOLD, TrimThresholdBytes) == 1;
            return mmap && trim ? "tuned" : "system (mallopt refused the thresholds)";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return "system (the C library is not glibc)";
        }
    }

    /// <summary>Bytes glibc holds in separately mapped blocks (mallinfo2's hblkhd): with the heap tuned, only blocks
    /// over <see cref="MmapThresholdBytes"/> add to it. Null where the C library has no mallinfo2.</summary>
    public static long? MappedBytes
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return null;
            try
            {
                return (long)LibC.MallInfo().HBlkHd;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                return null;
            }
        }
    }

    /// <summary>Bytes glibc's malloc has handed out and not yet had back, over all its arenas and mapped blocks
    /// (mallinfo2's uordblks + hblkhd). Unlike resident memory it sees a leak even while the heap still holds free
    /// pages an earlier peak left behind. Null where the C library has no mallinfo2.</summary>
    public static long? InUseBytes
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return null;
            try
            {
                var info = LibC.MallInfo();
                return (long)info.UordBlks + (long)info.HBlkHd;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                return null;
            }
        }
    }
}
