using SrTrain.Abstractions.Options;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>Chooses the training device from <c>device</c> or BasicSR's <c>num_gpu</c>.</summary>
public static class DeviceSelection
{
    /// <summary>device wins; num_gpu 0 means CPU; num_gpu &gt; 0 or auto means cuda:0 when this libtorch
    /// has CUDA, else the CPU with a warning (BasicSR files say num_gpu: 1 everywhere).</summary>
    public static Device Resolve(ExperimentOptions o, Action<string> warn)
    {
        if (o.Device is { } d) return Device.Parse(d);
        if (o.NumGpu is "0") return Device.Cpu;
        if (Device.CudaIsAvailable) return Device.Cuda(0);
        if (o.NumGpu is not null and not "0")
            warn($"num_gpu is {o.NumGpu}, but this libtorch has no CUDA: training on the CPU (set num_gpu: 0 or device: cpu to silence this)");
        return Device.Cpu;
    }
}
