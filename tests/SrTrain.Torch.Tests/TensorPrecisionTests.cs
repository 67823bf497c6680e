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

    /// <summary>Inside the autocast scope the conv runs in bfloat16; outside it in float32. Exact bf16 bits depend on the
    /// CPU (native AVX512-BF16 dot products round differently from emulation), so the bf16 result is checked two ways
    /// that hold on any CPU: against the float64 conv within the bound bf16 arithmetic allows, element by element
    /// (inputs and weights rounded to 8 significant bits: 2^-8 of sum|x*w| + |b|; the output rounded: 2^-8 of |y|,
    /// counting one extra rounding), and against torch.autocast run at test time on the same kernels, within one
    /// bf16 unit of the value (the two sides may split the accumulation differently across threads).</summary>
    [Fact]
    public void AutocastRunsConvInBFloat16OnlyInsideTheScope()
    {
        using var f = TensorFixture.Load("ops/tensor_autocast.json");
        using var scope = LibTorch.NewDisposeScope();
        Tensor x = f["x"], w = f["w"], b = f["b"];
        if (CpuKernels.OneDnnCappedBelowCpu)
        {
            // Emulated older CPU (DNNL_MAX_CPU_ISA below the CPU's AVX-512): libtorch still sends bf16 convs to oneDNN,
            // which then has no kernel. No real CPU gets here; what must hold is a clear error, not a crash.
            var error = Assert.Throws<TorchException>(() => { using (LibTorch.Autocast()) F.Conv2d(x, w, b, padding: 1); });
            Assert.Contains("primitive", error.Message);
            return;
        }
        Tensor inside;
        using (LibTorch.Autocast())
            inside = F.Conv2d(x, w, b, padding: 1);
        Assert.Equal(DType.BFloat16, inside.DType);
        var y = inside.To(DType.Float64);

        Tensor x64 = x.To(DType.Float64), w64 = w.To(DType.Float64), b64 = b.To(DType.Float64);
        var exact = F.Conv2d(x64, w64, b64, padding: 1);
        var terms = F.Conv2d(x64.Abs(), w64.Abs(), b64.Abs(), padding: 1);
        var bound = (terms + exact.Abs()) * Tolerance.BFloat16Unit;
        var excess = ((y - exact).Abs() - bound).Max().Item();
        Assert.True(excess <= 0, $"bf16 conv exceeds the bf16 rounding bound against float64 by {excess:E3} ({CpuKernels.Describe()})");
        Assert.True((y - exact).Abs().Max().Item() > 0, "the autocast conv gave float32-exact values: it did not run in bf16");

        var reference = PythonReference.Run("""
            import json, sys, torch
            import torch.nn.functional as F
            d = json.load(open(sys.argv[1]))
            t = {k: torch.tensor(d[k]["data"], dtype=torch.float32).reshape(d[k]["shape"]) for k in ("x", "w", "b")}
            with torch.autocast("cpu", dtype=torch.bfloat16):
                y = F.conv2d(t["x"], t["w"], t["b"], padding=1)
            print(" ".join(repr(v) for v in y.double().flatten().tolist()))
            """, RepoPaths.Fixture("ops/tensor_autocast.json")).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var ours = y.ToArray<double>();
        Assert.Equal(reference.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            // bf16 has 8 significant bits: one unit of a value in [2^e, 2^(e+1)) is 2^(e-7).
            double magnitude = Math.Max(Math.Abs(ours[i]), Math.Abs(reference[i]));
            double unit = magnitude == 0 ? 0 : Math.Pow(2, Math.Floor(Math.Log2(magnitude)) - 7);
            Assert.True(Math.Abs(ours[i] - reference[i]) <= unit,
                $"element {i}: bf16 conv {ours[i]:R}, torch.autocast on this machine {reference[i]:R} (more than one bf16 unit; {CpuKernels.Describe()})");
        }

        var outside = F.Conv2d(x, w, b, padding: 1);
        Assert.Equal(DType.Float32, outside.DType);
        TensorAssert.Close(f["y_fp32"], outside, Tolerance.Layer, what: "fp32 conv");
    }

    [Fact]
    public void AutocastOnCpuRejectsFloat16()
    {
        var ex = Assert.Throws<ArgumentException>(() => LibTorch.Autocast(DeviceType.Cpu, DType.Float16));
        Assert.Contains("bfloat16", ex.Message);
    }
}
