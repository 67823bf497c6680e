namespace SrTrain.Torch.Tests;

/// <summary>Sum/Mean/Max/Min/Std/Var over all elements and per dim against PyTorch (fixture
/// tests/fixtures/ops/tensor_math.json; regenerate with <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class TensorReductionTests
{
    [Fact]
    public void AllElementReductionsMatchPyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_math.json");
        using var scope = LibTorch.NewDisposeScope();
        var m = f["m"];
        TensorAssert.Close(f["sum"], m.Sum(), what: "sum");
        TensorAssert.Close(f["mean"], m.Mean(), what: "mean");
        TensorAssert.Equal(f["max"], m.Max(), "max");
        TensorAssert.Equal(f["min"], m.Min(), "min");
        TensorAssert.Close(f["std"], m.Std(), what: "std (unbiased)");
        TensorAssert.Close(f["var"], m.Var(), what: "var (unbiased)");
        TensorAssert.Close(f["std_biased"], m.Std(unbiased: false), what: "std (biased)");
        TensorAssert.Close(f["var_biased"], m.Var(unbiased: false), what: "var (biased)");
        Assert.Equal(0, m.Sum().Dim);
    }

    [Fact]
    public void PerDimReductionsMatchPyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_math.json");
        using var scope = LibTorch.NewDisposeScope();
        var m = f["m"];
        TensorAssert.Close(f["sum_12"], m.Sum([1, 2]), what: "sum(1, 2)");
        TensorAssert.Close(f["mean_2_keep"], m.Mean([2], keepDim: true), what: "mean(2, keepdim)");
        TensorAssert.Close(f["std_1"], m.Std([1]), what: "std(1)");
        TensorAssert.Close(f["var_02"], m.Var([0, 2]), what: "var(0, 2)");
        var (maxValues, maxIndices) = m.Max(1);
        TensorAssert.Equal(f["max_1_values"], maxValues, "max(1).values");
        TensorAssert.Equal(f["max_1_indices"], maxIndices, "max(1).indices");
        Assert.Equal(DType.Int64, maxIndices.DType);
        var (minValues, minIndices) = m.Min(2);
        TensorAssert.Equal(f["min_2_values"], minValues, "min(2).values");
        TensorAssert.Equal(f["min_2_indices"], minIndices, "min(2).indices");
        TensorAssert.Equal(f["max_1_indices"], m.ArgMax(1), "argmax(1)");
        Assert.Equal([2L, 1L, 4L], m.Max(1, keepDim: true).Values.Shape);
    }
}
