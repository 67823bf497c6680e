using SrTrain.Engine.Training;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Tests.Training;

public class ModelEmaTests
{
    private static Sequential Net() => new(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4));

    [Fact]
    public void AveragesParametersAndCopiesBatchNormStatistics()
    {
        using var live = Net();
        using var ema = Net();
        var averager = new ModelEma(live, ema, decay: 0.75);
        averager.CopyFromNet();
        using var scope = LibTorch.NewDisposeScope();
        var before = ema.StateDict()["0.weight"].Clone();

        live.Train();
        live.Forward(Tensor.Rand([2, 3, 8, 8]));            // moves the running statistics
        using (LibTorch.NoGrad()) live.StateDict()["0.weight"].Add_(1.0);
        averager.Update();

        var expected = before * 0.75 + live.StateDict()["0.weight"] * 0.25;
        TensorAssert.Close(expected, ema.StateDict()["0.weight"], Tolerance.Elementwise, what: "EMA weight");
        TensorAssert.Equal(live.StateDict()["1.running_mean"], ema.StateDict()["1.running_mean"], "running_mean");
        TensorAssert.Equal(live.StateDict()["1.num_batches_tracked"], ema.StateDict()["1.num_batches_tracked"], "num_batches_tracked");
        Assert.False(ema.StateDict()["0.weight"].RequiresGrad);
    }
}
