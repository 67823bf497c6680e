namespace SrTrain.Torch.Tests;

/// <summary>The binding raises glibc's mmap and trim thresholds when it loads, so a training step's megabyte
/// buffers are reused from the heap instead of being mapped, faulted in and unmapped every step.
/// Serial: it reads the whole process's malloc counters, which other tests' large tensors would move.</summary>
[Collection(SerialCollection.Name)]
public class NativeHeapTests
{
    private static bool UserOptedOut =>
        new[] { "SRTRAIN_NATIVE_HEAP", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES" }
            .Any(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)));

    [Fact]
    public void IsTunedWhenTheBindingLoadsUnlessTheUserChoseOtherwise()
    {
        _ = LibTorch.NumThreads; // loads the binding, whose module initializer configures the heap
        if (UserOptedOut)
            Assert.StartsWith("system (", NativeHeap.Mode);
        else
            Assert.Equal("tuned", NativeHeap.Mode);
    }

    [Fact]
    public void ConfigureIsIdempotent()
    {
        var before = NativeHeap.Mode;
        NativeHeap.Configure();
        Assert.Equal(before, NativeHeap.Mode);
    }

    [Fact]
    public void AStepSizedTensorComesFromTheHeapNotItsOwnMapping()
    {
        if (!NativeHeap.IsTuned) return; // the user kept glibc's defaults: nothing to check
        var before = NativeHeap.MappedBytes;
        Assert.NotNull(before);
        // 4 x 64 x 128 x 128 float32: 16 MiB, an HR activation of a batch-4 SR step; glibc's default maps it.
        using (var t = Tensor.Ones([4, 64, 128, 128]))
        {
            using var sum = t.Sum();
            Assert.Equal(4 * 64 * 128 * 128, sum.Item());
            Assert.Equal(before, NativeHeap.MappedBytes);
        }
        // Freed, it stays in the heap: a second one of the same size maps nothing either.
        using (var again = Tensor.Zeros([4, 64, 128, 128]))
            Assert.Equal(before, NativeHeap.MappedBytes);
    }

    [Fact]
    public void InUseBytesCountATensorWhileItLivesAndNotAfterward()
    {
        var before = NativeHeap.InUseBytes;
        Assert.NotNull(before);
        const long size = 4L * 64 * 128 * 128 * sizeof(float); // 16 MiB
        long during;
        using (var t = Tensor.Ones([4, 64, 128, 128]))
            during = NativeHeap.InUseBytes!.Value;
        long after = NativeHeap.InUseBytes!.Value;
        // Slack of 1 MiB for whatever else the process allocates meanwhile (the runtime's own threads use malloc).
        Assert.InRange(during - before!.Value, size - (1 << 20), size + (1 << 20));
        Assert.InRange(after - before.Value, -(1L << 20), 1L << 20);
    }
}
