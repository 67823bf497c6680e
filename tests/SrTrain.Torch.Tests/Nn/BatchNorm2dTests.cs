using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests.Nn;

/// <summary>Train-mode BatchNorm2d updates running_mean / running_var (unbiased) / num_batches_tracked
/// like PyTorch's, then normalises with them in eval mode. Reference: tests/fixtures/nn/batchnorm.json,
/// regenerate with <c>/usr/bin/python3 tests/fixtures/make_nn.py</c>.</summary>
public class BatchNorm2dTests
{
    [Fact]
    public void RunningStatisticsFollowPyTorchOverSeveralSteps()
    {
        using var fx = TensorFixture.Load("nn/batchnorm.json");
        using var bn = new BatchNorm2d(3, momentum: 0.2);
        using var scope = LibTorch.NewDisposeScope();
        for (int step = 0; step < 3; step++)
        {
            TensorAssert.Close(fx[$"y{step}"], bn.Forward(fx[$"x{step}"]), Tolerance.Layer, what: $"output {step}");
            TensorAssert.Close(fx[$"running_mean{step}"], bn.RunningMean!, Tolerance.Layer, what: $"running_mean {step}");
            TensorAssert.Close(fx[$"running_var{step}"], bn.RunningVar!, Tolerance.Layer, what: $"running_var {step}");
            TensorAssert.Equal(fx[$"num_batches_tracked{step}"], bn.NumBatchesTracked!, $"num_batches_tracked {step}");
        }
        bn.Eval();
        TensorAssert.Close(fx["y_eval"], bn.Forward(fx["x0"]), Tolerance.Layer, what: "eval output");
        Assert.Equal(3, bn.NumBatchesTracked!.ItemInt64()); // eval does not count batches
    }

    [Fact]
    public void RejectsNonNchwInputNamingTheShape()
    {
        using var bn = new BatchNorm2d(3);
        using var x = Tensor.Zeros([2, 3]);
        var ex = Assert.Throws<ArgumentException>(() => bn.Forward(x));
        Assert.Contains("[2, 3]", ex.Message);
    }
}
