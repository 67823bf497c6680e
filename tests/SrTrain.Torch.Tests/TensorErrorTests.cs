namespace SrTrain.Torch.Tests;

/// <summary>Native errors surface as catchable <see cref="TorchException"/>s carrying libtorch's
/// message (the texts PyTorch prints, from tests/fixtures/ops/tensor_errors.json; regenerate with
/// <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>), and the binding keeps working afterwards.</summary>
public class TensorErrorTests
{
    [Fact]
    public void Conv2dChannelMismatch()
    {
        using var f = TensorFixture.Load("ops/tensor_errors.json");
        using var scope = LibTorch.NewDisposeScope();
        var ex = Assert.Throws<TorchException>(() => F.Conv2d(Tensor.Zeros([1, 3, 8, 8]), Tensor.Zeros([4, 5, 3, 3])));
        Assert.Equal(f.Text("conv2d_channels"), ex.Message);
        Assert.Equal([1L, 4L, 6L, 6L], F.Conv2d(Tensor.Zeros([1, 5, 8, 8]), Tensor.Zeros([4, 5, 3, 3])).Shape);
    }

    [Fact]
    public void BadReshapeAndView()
    {
        using var f = TensorFixture.Load("ops/tensor_errors.json");
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Zeros([2, 3, 4]);
        Assert.Equal(f.Text("reshape"), Assert.Throws<TorchException>(() => x.Reshape(5, 5)).Message);
        Assert.Equal(f.Text("view"), Assert.Throws<TorchException>(() => x.Transpose(0, 2).View(24)).Message);
        Assert.Equal([4L, 6L], x.Reshape(4, 6).Shape);
    }

    [Fact]
    public void ErrorsOnOtherThreadsDoNotLeak()
    {
        // The message is thread-local in the shim: a failure on one thread does not become another's.
        var messages = new string[4];
        Parallel.For(0, 4, i =>
        {
            using var scope = LibTorch.NewDisposeScope();
            var ex = Assert.Throws<TorchException>(() => Tensor.Zeros([2 + i, 3]).Reshape(7));
            messages[i] = ex.Message;
        });
        for (int i = 0; i < 4; i++) Assert.Equal($"shape '[7]' is invalid for input of size {(2 + i) * 3}", messages[i]);
    }
}
