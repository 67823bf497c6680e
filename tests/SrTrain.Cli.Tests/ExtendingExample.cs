// The worked example of docs/extending.md: an arch, a loss and a dataset, each one class with one registry
// attribute. The test project compiles this file and ExtendingExampleTests trains with all three through
// `srtrain train`, so the example in the docs is known to work. (Shipped types live in src/SrTrain.Archs,
// src/SrTrain.Losses and src/SrTrain.Data, which the registry scans by itself.)
using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Data;
using SrTrain.Data.Datasets;
using SrTrain.Data.Transforms;
using SrTrain.Torch.Nn;

namespace SrTrain.Cli.Tests.Extending;

/// <summary>TinySR: conv + ReLU, a few residual convs, a sub-pixel upsampler, and the bilinear-upsampled input
/// added back (so the network learns only the residual).
/// <c>network_g: {type: TinySR, num_feat: 16, num_conv: 2, upscale: 4}</c>.</summary>
[Arch("TinySR")]
public sealed class TinySr : Module
{
    private readonly Conv2d convFirst;
    private readonly Sequential body;
    private readonly Conv2d convUp;
    private readonly int upscale;

    /// <param name="numInCh">Input channels (3 for RGB).</param>
    /// <param name="numFeat">Feature channels.</param>
    /// <param name="numConv">3x3 convs in the body.</param>
    /// <param name="upscale">Upscaling factor; the file's <c>scale</c> must equal it.</param>
    public TinySr(int numInCh = 3, int numFeat = 16, int numConv = 2, int upscale = 4)
    {
        if (upscale < 1) throw new ArgumentException($"upscale must be >= 1, got {upscale}");
        this.upscale = upscale;
        // Registration order = state-dict order: conv_first.weight, body.0.weight, ..., conv_up.bias.
        convFirst = Register("conv_first", new Conv2d(numInCh, numFeat, 3, padding: 1));
        body = Register("body", Sequential.Of(numConv, _ => new Conv2d(numFeat, numFeat, 3, padding: 1)));
        convUp = Register("conv_up", new Conv2d(numFeat, numInCh * upscale * upscale, 3, padding: 1));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();      // frees every temporary; the result moves out
        var feat = F.Relu(convFirst.Forward(x));
        for (int i = 0; i < body.Count; i++) feat = feat + F.Relu(body[i].Forward(feat));
        var residual = F.PixelShuffle(convUp.Forward(feat), upscale);
        var baseImage = F.Interpolate(x, upscale, InterpolationMode.Bilinear);
        return (baseImage + residual).MoveToOuterScope();
    }
}

/// <summary>L1 loss plus an L1 loss on horizontal and vertical image gradients, which penalises blurred edges:
/// <c>pixel_opt: {type: EdgeAwareL1Loss, loss_weight: 1.0, edge_weight: 0.5}</c>.</summary>
[Loss("EdgeAwareL1Loss")]
public sealed class EdgeAwareL1Loss(double lossWeight = 1.0, double edgeWeight = 0.5) : IPixelLoss
{
    public Tensor Forward(Tensor prediction, Tensor target, Tensor? weight = null)
    {
        if (weight is not null) throw new NotSupportedException("EdgeAwareL1Loss takes no per-pixel weight");
        var l1 = F.L1Loss(prediction, target);
        var edges = F.L1Loss(DiffX(prediction), DiffX(target)) + F.L1Loss(DiffY(prediction), DiffY(target));
        return (l1 + edges * edgeWeight) * lossWeight;    // the engine's scope disposes the temporaries
    }

    private static Tensor DiffX(Tensor x) => x.Slice(3, 1, x.Shape[3]) - x.Slice(3, 0, x.Shape[3] - 1);
    private static Tensor DiffY(Tensor x) => x.Slice(2, 1, x.Shape[2]) - x.Slice(2, 0, x.Shape[2] - 1);
}

/// <summary>HR images only; the LQ is the MATLAB-bicubic downscaled patch plus Gaussian noise of
/// <c>noise_sigma</c> (in 8-bit levels), a simple degradation model:
/// <c>datasets.train: {type: NoisyBicubicDataset, dataroot_gt: ..., gt_size: 32, noise_sigma: 5}</c>.
/// The engine injects <c>scale</c> and <c>phase</c>; loader keys (batch_size_per_gpu, ...) never reach here.</summary>
[Dataset("NoisyBicubicDataset")]
public sealed class NoisyBicubicDataset : IImageDataset
{
    private readonly List<string> paths;
    private readonly int scale;
    private readonly int? gtSize;
    private readonly bool train, useHflip, useRot;
    private readonly double sigma;

    public NoisyBicubicDataset(string datarootGt, int scale = 4, string phase = "train", int? gtSize = null,
                               bool useHflip = false, bool useRot = false, double noiseSigma = 5, string? name = null)
    {
        if (phase == "train" && gtSize is null) throw new ArgumentException("gt_size is required for training");
        if (gtSize is { } g && g % scale != 0) throw new ArgumentException($"gt_size {g} is not divisible by scale {scale}");
        if (noiseSigma < 0) throw new ArgumentException($"noise_sigma must be >= 0, got {noiseSigma}");
        paths = ImageFolder.List(datarootGt, "dataroot_gt");
        (this.scale, this.gtSize, train, this.useHflip, this.useRot, sigma) = (scale, gtSize, phase == "train", useHflip, useRot, noiseSigma / 255.0);
    }

    public int Count => paths.Count;

    /// <summary>Thread-safe: loader workers call it at once, each with the sample's own generator.</summary>
    public Sample Get(int index, SampleRng rng)
    {
        var gt = ImageIO.Read(paths[index]);
        gt = train
            ? Augment.Apply(PairedRandomCrop.Single(gt, gtSize!.Value, rng, paths[index]), Augment.Choice.Draw(useHflip, useRot, rng))
            : ModCrop.Apply(gt, scale);
        var lq = Imresize.Downscale(gt, scale);
        var data = lq.Data;
        for (int i = 0; i < data.Length; i++)
            data[i] = Math.Clamp(data[i] + (float)(sigma * Gaussian(rng)), 0f, 1f);
        return new Sample(lq, gt, paths[index], paths[index]);
    }

    /// <summary>A standard normal sample (Box-Muller) from the sample's generator, so runs are reproducible.</summary>
    private static double Gaussian(SampleRng rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
