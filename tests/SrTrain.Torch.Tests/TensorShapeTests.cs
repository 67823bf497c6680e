namespace SrTrain.Torch.Tests;

/// <summary>Views, indexing, joining and splitting against PyTorch's results on one arange tensor
/// (fixture tests/fixtures/ops/tensor_shape.json; regenerate with
/// <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class TensorShapeTests
{
    [Fact]
    public void PermuteTransposeFlipRot90MatchPyTorch()
    {
        using var fixture = TensorFixture.Load("ops/tensor_shape.json");
        using var scope = LibTorch.NewDisposeScope();
        var x = fixture["x"];
        TensorAssert.Equal(fixture["permute"], x.Permute(2, 0, 1), "permute");
        TensorAssert.Equal(fixture["transpose"], x.Transpose(0, 2), "transpose");
        TensorAssert.Equal(fixture["flip"], x.Flip(2), "flip");
        TensorAssert.Equal(fixture["flip_01"], x.Flip(0, 1), "flip(0, 1)");
        TensorAssert.Equal(fixture["rot90"], x.Rot90(1, 1, 2), "rot90");
        TensorAssert.Equal(fixture["rot90_k2"], x.Rot90(2, 1, 2), "rot90 k=2");
        TensorAssert.Equal(fixture["rot90_neg"], x.Rot90(-1, 1, 2), "rot90 k=-1");
    }

    [Fact]
    public void NarrowSelectAndRangeIndexersMatchPyTorch()
    {
        using var fixture = TensorFixture.Load("ops/tensor_shape.json");
        using var scope = LibTorch.NewDisposeScope();
        var x = fixture["x"];
        TensorAssert.Equal(fixture["narrow"], x.Narrow(2, 1, 2), "narrow");
        TensorAssert.Equal(fixture["select"], x.Select(1, 2), "select");
        TensorAssert.Equal(fixture["range"], x[0..1], "x[0:1]");
        TensorAssert.Equal(fixture["range_2d"], x[.., 1..3], "x[:, 1:3]");
        TensorAssert.Equal(fixture["range_2d"], x[1..3, 1], "x[:, 1:3] by dim");
        TensorAssert.Equal(fixture["select"].Select(0, 1), x[1].Select(0, 2), "x[1][2]");
        TensorAssert.Equal(x.Narrow(2, 1, 3), x[1.., 2], "x[:, :, 1:] by dim");
        TensorAssert.Equal(x.Narrow(2, 1, 3), x[.., .., 1..], "x[:, :, 1:]");
        TensorAssert.Equal(x.Narrow(1, 0, 2), x[.., ..^1], "x[:, :-1]");
        TensorAssert.Equal(x.Narrow(0, 1, 1), x[^1..], "x[-1:]");
        TensorAssert.Equal(x, x[..], "x[:]");
        // Indexing makes views: writing through one changes the base.
        var y = x.Clone();
        y[1..2].Fill_(-1);
        Assert.All(y.Select(0, 1).ToArray<float>(), v => Assert.Equal(-1f, v));
        TensorAssert.Equal(x.Select(0, 0), y.Select(0, 0));
    }

    [Fact]
    public void MultiRangeIndexerLeavesOnlyItsResultInTheScope()
    {
        using var outer = LibTorch.NewDisposeScope();
        var x = Tensor.Zeros([4, 4, 4]);
        using var scope = LibTorch.NewDisposeScope();
        var view = x[1..3, 1..3, ..2];
        Assert.Equal([2L, 2L, 2L], view.Shape);
        Assert.Equal(1, scope.OwnedCount);
    }

    [Fact]
    public void ReshapeViewAndContiguous()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Arange(24, DType.Float32).Reshape(2, 3, 4);
        var v = x.View(6, 4);
        Assert.Equal([6L, 4L], v.Shape);
        Assert.True(v.SharesStorageWith(x));
        Assert.Equal([24L], x.Reshape(-1).Shape);
        var t = x.Transpose(0, 2);
        Assert.False(t.IsContiguous());
        Assert.True(t.SharesStorageWith(x));
        var c = t.Contiguous();
        Assert.True(c.IsContiguous());
        Assert.False(c.SharesStorageWith(x));
        TensorAssert.Equal(t, c);
        // Reshape of a non-contiguous tensor copies, in row-major order of its logical layout.
        TensorAssert.Equal(c.View(24), t.Reshape(24));
        Assert.Equal(new float[] { 0, 12, 4, 16, 8, 20 }, t.Reshape(4, 6).Select(0, 0).ToArray<float>());
    }

    [Fact]
    public void CatStackSplitChunkMatchPyTorch()
    {
        using var fixture = TensorFixture.Load("ops/tensor_shape.json");
        using var scope = LibTorch.NewDisposeScope();
        var x = fixture["x"];
        TensorAssert.Equal(fixture["cat"], Tensor.Cat([x, x * 2], 1), "cat");
        TensorAssert.Equal(fixture["stack"], Tensor.Stack([x, x * 2], 3), "stack");

        var parts = x.Split(3, 2);
        Assert.Equal(2, parts.Length);
        Assert.Equal([2L, 3L, 3L], parts[0].Shape);
        Assert.Equal([2L, 3L, 1L], parts[1].Shape);
        TensorAssert.Equal(x, Tensor.Cat(parts, 2));
        var sized = x.Split([1, 2], 1);
        Assert.Equal([2L, 1L, 4L], sized[0].Shape);
        Assert.Equal([2L, 2L, 4L], sized[1].Shape);
        TensorAssert.Equal(x.Narrow(1, 1, 2), sized[1]);
        var chunks = x.Chunk(3, 1);
        Assert.Equal(3, chunks.Length);
        for (int i = 0; i < 3; i++) TensorAssert.Equal(x.Select(1, i).Unsqueeze(1), chunks[i]);
    }
}
