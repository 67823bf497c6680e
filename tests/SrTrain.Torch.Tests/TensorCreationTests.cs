namespace SrTrain.Torch.Tests;

/// <summary>Tensor factories and host round trips: From (float, double, byte, long, bool, half),
/// FromBytes, Zeros/Ones/Full/Empty/Arange/Linspace, metadata (Shape, DType, Device), Item.</summary>
public class TensorCreationTests
{
    [Fact]
    public void FromArraysKeepsValuesShapeAndDType()
    {
        using var scope = LibTorch.NewDisposeScope();
        var f = Tensor.From(new float[] { 1.5f, -2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal([2L, 3L], f.Shape);
        Assert.Equal(new float[] { 1.5f, -2, 3, 4, 5, 6 }, f.ToArray<float>());

        var d = Tensor.From(new[] { 0.1, 1e-300, -7.25 });
        Assert.Equal(DType.Float64, d.DType);
        Assert.Equal([3L], d.Shape);
        Assert.Equal(new[] { 0.1, 1e-300, -7.25 }, d.ToArray<double>());

        var b = Tensor.From(new byte[] { 0, 128, 255, 7 }, [2, 1, 2]);
        Assert.Equal(DType.UInt8, b.DType);
        Assert.Equal(new byte[] { 0, 128, 255, 7 }, b.ToArray<byte>());

        var l = Tensor.From(new[] { long.MinValue, 0, long.MaxValue }, [3, 1]);
        Assert.Equal(DType.Int64, l.DType);
        Assert.Equal(new[] { long.MinValue, 0, long.MaxValue }, l.ToArray<long>());

        var flags = Tensor.From(new[] { true, false, true });
        Assert.Equal(DType.Bool, flags.DType);
        Assert.Equal(new[] { true, false, true }, flags.ToArray<bool>());

        var h = Tensor.From(new[] { (Half)0.5, (Half)(-3) });
        Assert.Equal(DType.Float16, h.DType);
        Assert.Equal(new[] { 0.5f, -3f }, h.ToArray<float>());
    }

    [Fact]
    public void ToArrayConvertsDType()
    {
        using var scope = LibTorch.NewDisposeScope();
        var b = Tensor.From(new byte[] { 0, 200, 255 });
        Assert.Equal(new[] { 0f, 200f, 255f }, b.ToArray<float>());
        Assert.Equal(new[] { 0L, 200L, 255L }, b.ToArray<long>());
        // float -> int64 truncates toward zero, as torch's .long().
        Assert.Equal(new[] { 1L, -1L }, Tensor.From(new[] { 1.9f, -1.9f }).ToArray<long>());
    }

    [Fact]
    public void FromBytesReadsRawBFloat16()
    {
        using var scope = LibTorch.NewDisposeScope();
        // bf16 is the upper half of the float32 bit pattern: 1.0 = 0x3F80, -2.0 = 0xC000.
        var t = Tensor.FromBytes(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }, DType.BFloat16, [2]);
        Assert.Equal(DType.BFloat16, t.DType);
        Assert.Equal(new[] { 1f, -2f }, t.ToArray<float>());
        Assert.Equal(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }, t.ToBytes());
        var ex = Assert.Throws<ArgumentException>(() => Tensor.FromBytes(new byte[3], DType.BFloat16, [2]));
        Assert.Contains("[2]", ex.Message);
    }

    [Fact]
    public void FromRejectsAShapeThatTheDataDoesNotFill()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.From(new float[5], [2, 3]));
        Assert.Contains("[2, 3]", ex.Message);
    }

    [Fact]
    public void ConstantFactories()
    {
        using var scope = LibTorch.NewDisposeScope();
        var z = Tensor.Zeros([2, 3]);
        Assert.Equal([2L, 3L], z.Shape);
        Assert.All(z.ToArray<float>(), v => Assert.Equal(0f, v));
        var o = Tensor.Ones([4], DType.Int64);
        Assert.Equal(DType.Int64, o.DType);
        Assert.Equal(new[] { 1L, 1, 1, 1 }, o.ToArray<long>());
        var f = Tensor.Full([2, 2], 2.5, DType.Float64);
        Assert.Equal(new[] { 2.5, 2.5, 2.5, 2.5 }, f.ToArray<double>());
        var e = Tensor.Empty([3, 0, 2], DType.UInt8);
        Assert.Equal([3L, 0L, 2L], e.Shape);
        Assert.Equal(DType.UInt8, e.DType);
        Assert.Equal(0, e.NumEl);
        var s = Tensor.Scalar(4.25);
        Assert.Equal(0, s.Dim);
        Assert.Equal(4.25, s.Item());
        Assert.Equal(new[] { 7f, 7f }, Tensor.Zeros([2]).FullLike(7).ToArray<float>());
    }

    [Fact]
    public void ArangeAndLinspaceMatchTorch()
    {
        using var scope = LibTorch.NewDisposeScope();
        // torch.arange(0, 1, 0.25) -> [0, 0.25, 0.5, 0.75]; torch.arange(5) is int64.
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 0.75f }, Tensor.Arange(0, 1, 0.25).ToArray<float>());
        var ints = Tensor.Arange(5);
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal(new[] { 0L, 1, 2, 3, 4 }, ints.ToArray<long>());
        Assert.Equal(new[] { -1f, -0.5f, 0f, 0.5f, 1f }, Tensor.Linspace(-1, 1, 5).ToArray<float>());
    }

    [Fact]
    public void MetadataAndItem()
    {
        using var scope = LibTorch.NewDisposeScope();
        var t = Tensor.From(new float[24], [2, 3, 4]);
        Assert.Equal(3, t.Dim);
        Assert.Equal(24, t.NumEl);
        Assert.Equal(4, t.Size(-1));
        Assert.Equal([12L, 4L, 1L], t.Strides);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(-3.5, Tensor.From(new[] { -3.5f }).Item());
        Assert.Equal(-3.5f, Tensor.From(new[] { -3.5 }).ToSingle());
        Assert.Equal(1L << 40, Tensor.From(new[] { 1L << 40 }).ItemInt64());
        var ex = Assert.Throws<TorchException>(() => t.Item());
        Assert.Contains("24 elements cannot be converted to Scalar", ex.Message);
    }
}
