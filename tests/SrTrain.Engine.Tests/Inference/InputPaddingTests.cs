using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Inference;

namespace SrTrain.Engine.Tests.Inference;

public class InputPaddingTests
{
    [Fact]
    public void PadsToTheArchsMultipleAndCropsTheOutputBack()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Rand([1, 3, 5, 7]);
        long[]? seen = null;
        var y = InputPadding.Run(t => { seen = t.Shape; return F.Interpolate(t, 2.0); }, x, new InputRule(4), scale: 2);
        Assert.Equal([1L, 3, 8, 8], seen!);
        Assert.Equal([1L, 3, 10, 14], y.Shape);
        Assert.Equal(0, (y - F.Interpolate(x, 2.0)).Abs().Max().Item());   // nearest x2: the padding never reaches the kept region
    }

    [Fact]
    public void AnArchThatTakesAnySizeRunsUnpadded()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Rand([1, 3, 5, 7]);
        long[]? seen = null;
        InputPadding.Run(t => { seen = t.Shape; return t; }, x, InputRule.AnySize, scale: 1);
        Assert.Equal([1L, 3, 5, 7], seen!);
    }
}
