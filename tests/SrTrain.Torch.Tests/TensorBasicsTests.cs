using SrTrain.Torch;

namespace SrTrain.Torch.Tests;

public class TensorBasicsTests
{
    [Fact]
    public void RoundTripsFloatData()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void ShapeErrorIsCatchableTorchException()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Zeros([1, 3, 8, 8]);
        var w = Tensor.Zeros([4, 5, 3, 3]);
        var ex = Assert.Throws<TorchException>(() => F.Conv2d(x, w));
        Assert.Contains("channels", ex.Message);
    }
}
