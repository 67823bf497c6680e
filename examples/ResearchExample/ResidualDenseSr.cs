using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace ResearchExample;

/// <summary>A research arch defined outside SrTrain: a few densely connected 3x3 convs (each sees the input and all
/// earlier outputs), a sub-pixel upsampler, and the bicubic-upsampled input added back.
/// <c>network_g: {type: ResidualDenseSR, num_feat: 16, num_layers: 3, upscale: 2}</c>.</summary>
[Arch("ResidualDenseSR")]
public sealed class ResidualDenseSr : Module
{
    private readonly Conv2d head;
    private readonly Sequential layers;
    private readonly Conv2d tail;
    private readonly int upscale;

    public ResidualDenseSr(int numInCh = 3, int numFeat = 16, int numLayers = 3, int growth = 8, int upscale = 2)
    {
        this.upscale = upscale;
        head = Register("head", new Conv2d(numInCh, numFeat, 3, padding: 1));
        layers = Register("layers", Sequential.Of(numLayers, i => new Conv2d(numFeat + i * growth, growth, 3, padding: 1)));
        tail = Register("tail", new Conv2d(numFeat + numLayers * growth, numInCh * upscale * upscale, 3, padding: 1));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var features = F.Relu(head.Forward(x));
        for (int i = 0; i < layers.Count; i++)
            features = Tensor.Cat([features, F.LeakyRelu(layers[i].Forward(features), 0.2)], 1);
        var residual = F.PixelShuffle(tail.Forward(features), upscale);
        return (F.Interpolate(x, upscale, InterpolationMode.Bicubic) + residual).MoveToOuterScope();
    }
}
