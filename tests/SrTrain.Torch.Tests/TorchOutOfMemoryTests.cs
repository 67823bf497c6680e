namespace SrTrain.Torch.Tests;

/// <summary>An allocation libtorch cannot make is a <see cref="TorchOutOfMemoryException"/> (distinct from other
/// libtorch errors) carrying libtorch's message and the size it tried; CUDA's messages (1.13's c10::Error text and 2.x's
/// OutOfMemoryError text) are recognised and parsed the same way.</summary>
public class TorchOutOfMemoryTests
{
    [Fact]
    public void AnAbsurdCpuAllocationIsAnOutOfMemoryError()
    {
        var e = Assert.Throws<TorchOutOfMemoryException>(() => Tensor.Empty([1_000_000_000_000_000L]));   // 1e15 floats, 4 PB
        Assert.Contains("DefaultCPUAllocator", e.Message);
        Assert.Contains("4000000000000000 bytes", e.Message);
        Assert.Equal("3.55 PiB", e.Requested);
        Assert.False(e.OnCuda);
        Assert.IsAssignableFrom<TorchException>(e);
    }

    [Fact]
    public void OtherLibtorchErrorsAreNot()
    {
        using var a = Tensor.Zeros([2, 3]);
        using var b = Tensor.Zeros([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.IsNotType<TorchOutOfMemoryException>(e);
    }

    [Theory]
    [InlineData("CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 15.78 GiB total capacity; 14.56 GiB already allocated; 3.44 MiB free; 14.71 GiB reserved in total by PyTorch)", "20.00 MiB")]
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 139.80 GiB of which 1.06 GiB is free. Of the allocated memory 130.1 GiB is allocated by PyTorch", "2.00 GiB")]
    [InlineData("[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 400000000000 bytes. Error code 12 (Cannot allocate memory)", "372.53 GiB")]
    [InlineData("DefaultCPUAllocator: not enough memory: you tried to allocate 1048576 bytes.", "1.00 MiB")]
    public void RecognisesLibtorchsOutOfMemoryMessages(string message, string requested)
    {
        Assert.True(TorchOutOfMemoryException.IsOutOfMemory(message));
        var e = new TorchOutOfMemoryException(message);
        Assert.Equal(requested, e.Requested);
        Assert.Equal(message.StartsWith("CUDA", StringComparison.Ordinal), e.OnCuda);
    }

    [Fact]
    public void OtherMessagesAreNotOutOfMemory()
    {
        Assert.False(TorchOutOfMemoryException.IsOutOfMemory("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"));
        Assert.False(TorchOutOfMemoryException.IsOutOfMemory("CUDA error: an illegal memory access was encountered"));
    }
}
