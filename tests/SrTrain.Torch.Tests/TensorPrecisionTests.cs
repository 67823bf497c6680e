namespace SrTrain.Torch.Tests;

/// <summary>Dtype conversion, channels_last memory format and CPU bf16 autocast against PyTorch
/// (fixtures tests/fixtures/ops/tensor_{dtypes,channels_last,autocast}.json; regenerate with
/// <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class TensorPrecisionTests
{
    [Theory]
    [InlineData(DType.Float16, "float16")]
    [InlineData(DType.BFloat16, "bfloat16")]
    [InlineData(DType.Float64, "float64")]
    [InlineData(DType.Int64, "int64")]
    [InlineData(DType.Bool, "bool")]
    public void ToDTypeConvertsLikePyTorch(DType dtype, string key)
    {
        using var f = TensorFixture.Load("ops/tensor_dtypes.json");
        using var scope = LibTorch.NewDisposeScope();
        var converted = f["x"].To(dtype);
        Assert.Equal(dtype, converted.DType);
        // The fixture holds the converted values (half and bfloat16 widened back to float32).
        TensorAssert.Equal(f[key], dtype is DType.Float16 or DType.BFloat16 ? converted.To(DType.Float32) : converted, key);
    }

    [Fact]
    public void ToUInt8ConvertsLikePyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_dtypes.json");
        using var scope = LibTorch.NewDisposeScope();
        var converted = f["x"].Clamp(0, 255).To(DType.UInt8);
        Assert.Equal(DType.UInt8, converted.DType);
        TensorAssert.Equal(f["uint8"], converted);
    }

    [Fact]
    public void ChannelsLastKeepsValuesAndConvResults()
    {
        using var f = TensorFixture.Load("ops/tensor_channels_last.json");
        using var scope = LibTorch.NewDisposeScope();
        var x = f["x"];
        var xl = x.Contiguous(MemoryFormat.ChannelsLast);
        Assert.True(xl.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.False(xl.IsContiguous());
        Assert.True(x.IsContiguous());
        Assert.Equal(x.Shape, xl.Shape);
        Assert.Equal([108L, 1L, 18L, 3L], xl.Strides);
        TensorAssert.Equal(x, xl);
        var w = f["w"].Contiguous(MemoryFormat.ChannelsLast);
        var y = F.Conv2d(xl, w, f["b"], padding: 1);
        // oneDNN keeps the format through the conv, and the values are PyTorch's NCHW result.
        Assert.True(y.IsContiguous(MemoryFormat.ChannelsLast));
        TensorAssert.Close(f["y"], y, what: "channels_last conv");
        TensorAssert.Close(f["y"], F.Conv2d(x, f["w"], f["b"], padding: 1), what: "contiguous conv");
    }

    [Fact]
    public void AutocastRunsConvInBFloat16OnlyInsideTheScope()
    {
        using var f = TensorFixture.Load("ops/tensor_autocast.json");
        using var scope = LibTorch.NewDisposeScope();
        Tensor x = f["x"], w = f["w"], b = f["b"];
        Tensor inside;
        using (LibTorch.Autocast())
            inside = F.Conv2d(x, w, b, padding: 1);
        Assert.Equal(DType.BFloat16, inside.DType);
        // Same bf16 result as torch.autocast("cpu"). bf16 keeps 8 bits of mantissa and rounds the
        // inputs, weights and output, so it stays within a few percent of the output's range of fp32.
        TensorAssert.Equal(f["y_bf16"], inside.To(DType.Float32), "autocast conv");
        double range = f["y_fp32"].Abs().Max().Item();
        TensorAssert.Close(f["y_fp32"], inside.To(DType.Float32), rtol: 0, atol: 3e-2 * range, what: "bf16 vs fp32");
        var outside = F.Conv2d(x, w, b, padding: 1);
        Assert.Equal(DType.Float32, outside.DType);
        TensorAssert.Close(f["y_fp32"], outside, what: "fp32 conv");
    }

    [Fact]
    public void AutocastOnCpuRejectsFloat16()
    {
        var ex = Assert.Throws<ArgumentException>(() => LibTorch.Autocast(DeviceType.Cpu, DType.Float16));
        Assert.Contains("bfloat16", ex.Message);
    }
}
