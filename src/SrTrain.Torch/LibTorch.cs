using System.Runtime.InteropServices;
using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>Process- and thread-level libtorch state: scopes, seeds, threads, grad mode, autocast.</summary>
public static class LibTorch
{
    // Process-wide set-up before any op can run: OpenMP waiting, the native heap, the thread count. libtorch defaults
    // to one intra-op thread on these machines: use every core unless told
    // otherwise, as soon as the binding is loaded (before any op can run).
    // A library module initializer is deliberate here (CA2255): the thread count must be set before any caller's
    // first op, whichever entry point (CLI, tests, a user's program) touches the binding first.
#pragma warning disable CA2255
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeProcess()
    {
        PreferPassiveOpenMpWaiting();
        NativeHeap.Configure();
        // SRTRAIN_NUM_THREADS first, then the OpenMP variable PyTorch users already set.
        var env = Environment.GetEnvironmentVariable("SRTRAIN_NUM_THREADS") ?? Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        NumThreads = int.TryParse(env, out var n) && n > 0 ? n : Environment.ProcessorCount;
    }

    // libgomp's default lets idle OpenMP threads spin between parallel regions, taking the cores that the loader's
    // worker threads (and any other process) need. Measured on 2 cores: a 100-iteration smoke training took 15-95 s
    // unset vs 10-11 s passive, and the train_step bench's PyTorch side 5.3 s vs 0.65 s a step while SrTrain's
    // process sat beside it. libgomp reads the variable once, when libtorch loads it, so it is set before the first
    // native call, in the C library's environment and .NET's (child processes); a value the user set wins.
    private static void PreferPassiveOpenMpWaiting()
    {
        const string Name = "OMP_WAIT_POLICY";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Name)) || !OperatingSystem.IsLinux()) return;
        Environment.SetEnvironmentVariable(Name, "PASSIVE");
        LibC.SetEnv(Name, "PASSIVE", 0);
    }

    /// <summary>OMP_WAIT_POLICY as libgomp reads it (the C library's environment): PASSIVE unless the user set
    /// another value before the binding loaded; null where it is not set (not Linux).</summary>
    public static string? OpenMpWaitPolicy =>
        OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(LibC.GetEnv("OMP_WAIT_POLICY")) : Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");

    /// <summary>Opens a scope that disposes every tensor created in it on this thread.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Seeds libtorch's global generators (PyTorch: torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed) => Native.Check(Native.srt_manual_seed(seed));

    /// <summary>The CPU generator's state (a uint8 tensor), for exact resume (PyTorch: torch.get_rng_state()).</summary>
    public static Tensor GetRngState() => Tensor.Wrap(Native.srt_get_rng_state(out var r), r);

    /// <summary>Restores a state from <see cref="GetRngState"/> (PyTorch: torch.set_rng_state()).</summary>
    public static void SetRngState(Tensor state) => Native.Check(Native.srt_set_rng_state(state.H));

    /// <summary>The state of CUDA device <paramref name="device"/>'s default generator (a uint8 tensor on the CPU), for exact
    /// resume (PyTorch: torch.cuda.get_rng_state(device)); throws without CUDA.</summary>
    public static Tensor GetCudaRngState(int device = 0) => Tensor.Wrap(Native.srt_cuda_get_rng_state(device, out var r), r);

    /// <summary>Restores a state from <see cref="GetCudaRngState"/> (PyTorch: torch.cuda.set_rng_state(state, device)).</summary>
    public static void SetCudaRngState(Tensor state, int device = 0) => Native.Check(Native.srt_cuda_set_rng_state(device, state.H));

    /// <summary>cuDNN's autotuner and determinism flags, process-wide (PyTorch: torch.backends.cudnn.benchmark and
    /// .deterministic); set without CUDA too, where nothing reads them.</summary>
    public static (bool Benchmark, bool Deterministic) CudnnFlags
    {
        get
        {
            Native.Check(Native.srt_get_cudnn_flags(out var b, out var d));
            return (b != 0, d != 0);
        }
        set => Native.Check(Native.srt_set_cudnn_flags(value.Benchmark ? 1 : 0, value.Deterministic ? 1 : 0));
    }

    /// <summary>Peak bytes the CUDA caching allocator has had allocated on <paramref name="device"/> since the process
    /// began (PyTorch: torch.cuda.max_memory_allocated(device)); null where there is no CUDA or the shim was built
    /// without CUDA's headers.</summary>
    public static long? CudaMaxMemoryAllocated(int device = 0) =>
        Native.srt_cuda_max_memory_allocated(device, out var bytes) == 0 ? bytes : null;

    /// <summary>Intra-op threads libtorch uses (PyTorch: torch.set_num_threads). Defaults to all
    /// cores, or SRTRAIN_NUM_THREADS (else OMP_NUM_THREADS) when set.</summary>
    public static int NumThreads
    {
        get => Native.srt_get_num_threads();
        set => Native.Check(Native.srt_set_num_threads(value));
    }

    /// <summary>The linked libtorch's version, e.g. "1.13.0".</summary>
    public static string Version => Marshal.PtrToStringUTF8(Native.srt_version()) ?? "?";

    /// <summary>Whether autograd records operations on this thread.</summary>
    public static bool IsGradEnabled => Native.srt_grad_enabled() != 0;

    /// <summary>Disables gradient recording on this thread until disposed (PyTorch: torch.no_grad()).</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Enables gradient recording on this thread until disposed (PyTorch: torch.enable_grad()).</summary>
    public static GradModeScope EnableGrad() => new(true);

    /// <summary>Runs ops in reduced precision where safe (PyTorch: torch.autocast). bf16 on CPU,
    /// fp16 or bf16 on CUDA.</summary>
    public static AutocastScope Autocast(DeviceType deviceType = DeviceType.Cpu, DType dtype = DType.BFloat16, bool enabled = true) =>
        new(deviceType, dtype, enabled);
}

/// <summary>Sets the thread's grad mode and restores the previous one when disposed.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly bool previous;

    internal GradModeScope(bool enabled)
    {
        previous = Native.srt_grad_enabled() != 0;
        Native.srt_set_grad_enabled(enabled ? 1 : 0);
    }

    public void Dispose() => Native.srt_set_grad_enabled(previous ? 1 : 0);
}

/// <summary>An autocast region; restores the previous autocast state of the thread when disposed.</summary>
public sealed class AutocastScope : IDisposable
{
    private readonly DeviceType deviceType;
    private readonly int previousEnabled;
    private readonly int previousDType;
    private bool disposed;

    internal AutocastScope(DeviceType deviceType, DType dtype, bool enabled)
    {
        if (deviceType == DeviceType.Cpu && dtype != DType.BFloat16)
            throw new ArgumentException($"autocast on CPU supports bfloat16 only, not {dtype}");
        this.deviceType = deviceType;
        Native.Check(Native.srt_autocast_get((int)deviceType, out previousEnabled, out previousDType));
        Native.Check(Native.srt_autocast_set((int)deviceType, enabled ? 1 : 0, (int)dtype));
        Native.srt_autocast_enter();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Native.srt_autocast_exit();
        Native.Check(Native.srt_autocast_set((int)deviceType, previousEnabled, previousDType));
    }
}
