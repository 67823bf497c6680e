using SrTrain.Abstractions.Contracts;
using SrTrain.Archs;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Losses;

/// <summary>Perceptual (VGG feature) and style (Gram matrix) losses (Johnson et al., 2016; ESRGAN uses
/// VGG19 conv5_4 before its ReLU, SRGAN relu5_4 after it):
/// <c>perceptual_opt: {type: PerceptualLoss, layer_weights: {conv5_4: 1}, vgg_type: vgg19, use_input_norm: true,
/// range_norm: false, perceptual_weight: 1.0, style_weight: 0, criterion: l1}</c>. The VGG is frozen and in
/// eval mode; the target's features are computed without a graph. State-dict keys follow BasicSR
/// (<c>vgg.vgg_net.conv5_4.weight</c>).</summary>
[Loss("PerceptualLoss")]
public sealed class PerceptualLoss : Module, IPerceptualLoss
{
    private readonly VggFeatureExtractor vgg;

    /// <param name="layerWeights">VGG layer name to weight, e.g. {conv5_4: 1}.</param>
    /// <param name="vggType">vgg11, vgg13, vgg16 or vgg19.</param>
    /// <param name="useInputNorm">Normalise the input with ImageNet's mean and std first (BasicSR's default).</param>
    /// <param name="rangeNorm">Map a [-1, 1] input to [0, 1] first.</param>
    /// <param name="perceptualWeight">Weight of the feature loss (0 turns it off).</param>
    /// <param name="styleWeight">Weight of the Gram-matrix style loss (0 turns it off).</param>
    /// <param name="criterion">Distance between features: l1, l2 or fro (Frobenius norm).</param>
    /// <param name="vggPretrained">Load ImageNet VGG weights (false: random weights, tests only).</param>
    /// <param name="vggPretrainedPath">The VGG weights file; default experiments/pretrained_models/vgg19-dcbb9e9d.pth.</param>
    public PerceptualLoss(Dictionary<string, double> layerWeights, string vggType = "vgg19", bool useInputNorm = true,
                          bool rangeNorm = false, double perceptualWeight = 1.0, double styleWeight = 0.0,
                          PerceptualCriterion criterion = PerceptualCriterion.L1, bool vggPretrained = true,
                          string? vggPretrainedPath = null)
    {
        if (layerWeights.Count == 0) throw new ArgumentException("layer_weights is empty: give at least one VGG layer, e.g. {conv5_4: 1}");
        (LayerWeights, PerceptualWeight, StyleWeight, Criterion) = (layerWeights, perceptualWeight, styleWeight, criterion);
        // Errors about the weights name this loss's keys (vgg_pretrained, vgg_pretrained_path), not the extractor's.
        vgg = Register("vgg", VggFeatureExtractor.WithKeyPrefix("vgg_", [.. layerWeights.Keys], vggType, useInputNorm, rangeNorm,
                                                                requiresGrad: false, pretrained: vggPretrained, pretrainedPath: vggPretrainedPath));
    }

    public IReadOnlyDictionary<string, double> LayerWeights { get; }
    public double PerceptualWeight { get; }
    public double StyleWeight { get; }
    public PerceptualCriterion Criterion { get; }

    /// <summary>The frozen feature extractor.</summary>
    public VggFeatureExtractor Vgg => vgg;

    /// <summary>Keeps the VGG in eval mode whatever the caller asks (its weights are never trained here).</summary>
    public override Module Train(bool training = true)
    {
        base.Train(training);
        vgg.Eval();
        return this;
    }

    /// <summary>(perceptual, style) losses of <paramref name="x"/> against <paramref name="gt"/>, each null when
    /// its weight is 0 (PyTorch/BasicSR: forward returns (percep_loss, style_loss)).</summary>
    public (Tensor? Perceptual, Tensor? Style) Forward(Tensor x, Tensor gt)
    {
        Dictionary<string, Tensor> gtFeatures;
        using (LibTorch.NoGrad()) gtFeatures = Features(gt.Detach());
        var xFeatures = Features(x);

        Tensor? percep = null, style = null;
        using (var scope = LibTorch.NewDisposeScope())
        {
            if (PerceptualWeight > 0)
                percep = WeightedSum(k => Compare(xFeatures[k], gtFeatures[k]), PerceptualWeight).MoveToOuterScope();
            if (StyleWeight > 0)
                style = WeightedSum(k => Compare(Gram(xFeatures[k]), Gram(gtFeatures[k])), StyleWeight).MoveToOuterScope();
        }
        return (percep, style);
    }

    /// <summary>When set, the VGG runs under autocast to this device's dtype (a bf16 training's VGG, the largest
    /// network of an ESRGAN step); its features come back as float32, so the distances and their means stay float32.</summary>
    public (DeviceType Device, DType DType)? FeatureAutocast { get; set; }

    private Dictionary<string, Tensor> Features(Tensor input)
    {
        if (FeatureAutocast is not { } cast) return vgg.Features(input);
        Dictionary<string, Tensor> features;
        using (LibTorch.Autocast(cast.Device, cast.DType)) features = vgg.Features(input);
        return features.ToDictionary(kv => kv.Key, kv => kv.Value.DType == DType.Float32 ? kv.Value : kv.Value.To(DType.Float32));
    }

    private Tensor WeightedSum(Func<string, Tensor> term, double scale)
    {
        Tensor? sum = null;
        foreach (var (layer, weight) in LayerWeights)
        {
            var t = term(layer) * weight;
            sum = sum is null ? t : sum + t;
        }
        return sum! * scale;
    }

    private Tensor Compare(Tensor a, Tensor b) => Criterion switch
    {
        PerceptualCriterion.L1 => F.L1Loss(a, b),
        PerceptualCriterion.L2 => F.MseLoss(a, b),
        _ => (a - b).Norm(),
    };

    /// <summary>Gram matrix of (N, C, H, W) features: F F^T / (C H W), (N, C, C).</summary>
    public static Tensor Gram(Tensor x)
    {
        long n = x.Size(0), c = x.Size(1), h = x.Size(2), w = x.Size(3);
        var f = x.Reshape(n, c, h * w);
        return f.MatMul(f.Transpose(1, 2)) / (c * h * w);
    }
}
