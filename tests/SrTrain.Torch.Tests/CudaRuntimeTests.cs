namespace SrTrain.Torch.Tests;

/// <summary>The CUDA runtime calls the engine makes (generator state, cuDNN flags, peak memory, pinned non-blocking
/// copies) behave sensibly on a CPU-only libtorch: the CUDA-only ones say why they cannot run or report nothing, the
/// process-wide flags round-trip, and a non-blocking copy of unpinned CPU memory is an ordinary copy. A CUDA build
/// runs the CUDA branches instead.</summary>
[Collection(TensorSeedCollection.Name)]
public class CudaRuntimeTests
{
    [Fact]
    public void CudaGeneratorStateNeedsCudaAndSaysSo()
    {
        if (Device.CudaIsAvailable)
        {
            using var state = LibTorch.GetCudaRngState();
            Assert.Equal(DType.UInt8, state.DType);
            LibTorch.SetCudaRngState(state);
            return;
        }
        var e = Assert.Throws<TorchException>(() => LibTorch.GetCudaRngState());
        Assert.Contains("no CUDA", e.Message);
    }

    [Fact]
    public void PeakCudaMemoryIsNullWithoutCuda()
    {
        if (Device.CudaIsAvailable) return;
        Assert.Null(LibTorch.CudaMaxMemoryAllocated());
    }

    [Fact]
    public void CudnnFlagsRoundTrip()
    {
        var before = LibTorch.CudnnFlags;
        try
        {
            LibTorch.CudnnFlags = (true, false);
            Assert.Equal((true, false), LibTorch.CudnnFlags);
            LibTorch.CudnnFlags = (false, true);
            Assert.Equal((false, true), LibTorch.CudnnFlags);
        }
        finally
        {
            LibTorch.CudnnFlags = before;
        }
    }

    [Fact]
    public void NonBlockingCopiesOfUnpinnedMemoryAreOrdinaryCopies()
    {
        using var scope = LibTorch.NewDisposeScope();
        var a = Tensor.From(new[] { 1f, 2f, 3f }, [3]);
        Assert.False(a.IsPinned);
        var b = a.To(DType.Float32, Device.Cpu, copy: true, nonBlocking: true);
        Assert.Equal(new[] { 1f, 2f, 3f }, b.ToArray<float>());
        Assert.False(b.SharesStorageWith(a));
    }
}
