namespace SrTrain.Torch.Tests;

/// <summary>Device parsing, and CUDA requests failing clearly on a CPU-only libtorch.</summary>
public class DeviceTests
{
    [Fact]
    public void CudaOnACpuOnlyLibtorchIsATorchExceptionSayingWhy()
    {
        if (Device.CudaIsAvailable)
        {
            Assert.Equal(DeviceType.Cuda, Device.Cuda(0).Type);
            return;
        }
        var ex = Assert.Throws<TorchException>(() => Device.Cuda(0));
        Assert.Contains("cuda:0", ex.Message);
        Assert.Contains("no CUDA support", ex.Message);
        Assert.Throws<TorchException>(() => Device.Parse("cuda:1"));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void ParsesCpu(string text) => Assert.Equal(Device.Cpu, Device.Parse(text));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void RejectsUnknownDeviceNamingIt(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => Device.Parse(text));
        Assert.Contains($"'{text}'", ex.Message);
    }

    [Fact]
    public void CpuPrintsLikePyTorch() => Assert.Equal("cpu", Device.Cpu.ToString());
}
