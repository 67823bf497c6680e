using SrTrain.Engine.Inference;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Tests.Inference;

public class InferenceTests
{
    /// <summary>A tiny x2 SR net: 3 convs (receptive field 7 LQ pixels) and a pixel shuffle.</summary>
    private static Sequential TinyNet()
    {
        LibTorch.ManualSeed(3);
        return new Sequential(new Conv2d(3, 8, 3, padding: 1), new LeakyReLU(0.2), new Conv2d(8, 8, 3, padding: 1),
                              new LeakyReLU(0.2), new Conv2d(8, 12, 3, padding: 1), new PixelShuffle(2));
    }

    [Fact]
    public void TiledOutputEqualsUntiledWhenPadCoversReceptiveField()
    {
        using var net = TiledNetScope(out var run);
        using var scope = LibTorch.NewDisposeScope();
        var lq = Tensor.Rand([1, 3, 37, 29]);
        var whole = run(lq);
        var tiled = TiledInference.Run(run, lq, tile: 10, tilePad: 4, scale: 2);
        Assert.Equal(whole.Shape, tiled.Shape);
        // Same net, same machine, but tiles of another size may take other conv kernels: the network tolerance.
        TensorAssert.Close(whole, tiled, Tolerance.Network, "tiles with enough context must reproduce the whole-image output");
        // With too little context the seams show: the test would notice a broken overlap.
        var seamy = TiledInference.Run(run, lq, tile: 10, tilePad: 0, scale: 2);
        Assert.True(Tolerance.Network.Worst(whole, seamy).Ratio > 1, "tiles without context should show seams");
    }

    [Fact]
    public void SelfEnsembleIsTheMeanOfTheEightTransformedOutputs()
    {
        using var net = TiledNetScope(out var run);
        using var scope = LibTorch.NewDisposeScope();
        var lq = Tensor.Rand([1, 3, 9, 7]);
        var ensemble = SelfEnsemble.Run(run, lq);

        // Independently: hflip/vflip/transpose combinations written out by hand.
        var outputs = new List<Tensor>();
        foreach (var t in new[] { false, true })
        foreach (var h in new[] { false, true })
        foreach (var v in new[] { false, true })
        {
            var x = lq;
            if (v) x = x.Flip(3);
            if (h) x = x.Flip(2);
            if (t) x = x.Permute(0, 1, 3, 2);
            var y = run(x);
            if (t) y = y.Permute(0, 1, 3, 2);
            if (h) y = y.Flip(2);
            if (v) y = y.Flip(3);
            outputs.Add(y);
        }
        var expected = Tensor.Stack(outputs).Mean([0]);
        TensorAssert.Close(expected, ensemble, Tolerance.Layer, what: "self-ensemble");
        Assert.Equal([1L, 3, 18, 14], ensemble.Shape);
    }

    private static Sequential TiledNetScope(out Func<Tensor, Tensor> run)
    {
        var net = TinyNet();
        net.Eval();
        run = x =>
        {
            using var _ = LibTorch.NoGrad();
            return net.Forward(x);
        };
        return net;
    }
}
