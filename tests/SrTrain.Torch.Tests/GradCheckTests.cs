namespace SrTrain.Torch.Tests;

/// <summary>Finite-difference (float64) checks of the gradients of conv2d, batch_norm, interpolate,
/// pixel_shuffle and the losses, independent of any PyTorch fixture.</summary>
public class GradCheckTests
{
    // Inputs come from a local generator, not libtorch's global one (other test classes seed it).
    private readonly Random rng = new(42);

    private Tensor R(params long[] shape) => Tensor.From(GradCheck.Normal(rng, shape.Aggregate(1L, (a, b) => a * b)), shape);

    private Tensor U(double lo, double hi, params long[] shape) =>
        Tensor.From(Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => lo + (hi - lo) * rng.NextDouble()).ToArray(), shape);

    [Fact]
    public void DetectsAWrongGradient()
    {
        using var scope = LibTorch.NewDisposeScope();
        // x.detach() * x has autograd gradient x, but its true derivative is 2x.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GradCheck.Check("wrong", a => a[0].Detach() * a[0], [R(5)]));
        GradCheck.Check("right", a => a[0] * a[0], [R(5)]);
    }

    [Fact]
    public void Conv2d()
    {
        using var scope = LibTorch.NewDisposeScope();
        GradCheck.Check("conv2d", a => F.Conv2d(a[0], a[1], a[2], stride: 2, padding: 1, dilation: 1),
                        [R(2, 2, 5, 5), R(3, 2, 3, 3), R(3)]);
        GradCheck.Check("conv2d grouped dilated", a => F.Conv2d(a[0], a[1], null, padding: 2, dilation: 2, groups: 2),
                        [R(1, 4, 5, 5), R(2, 2, 3, 3)]);
    }

    [Fact]
    public void BatchNormTrainingAndEval()
    {
        using var scope = LibTorch.NewDisposeScope();
        GradCheck.Check("batch_norm train", a => F.BatchNorm(a[0], null, null, a[1], a[2], training: true),
                        [R(3, 2, 3, 3), R(2), R(2)]);
        var mean = R(2);
        var variance = U(0.5, 1.5, 2);
        GradCheck.Check("batch_norm eval", a => F.BatchNorm(a[0], mean, variance, a[1], a[2], training: false),
                        [R(3, 2, 3, 3), R(2), R(2)]);
    }

    [Theory]
    [InlineData(InterpolationMode.Bilinear, false)]
    [InlineData(InterpolationMode.Bilinear, true)]
    [InlineData(InterpolationMode.Bicubic, false)]
    [InlineData(InterpolationMode.Bicubic, true)]
    public void Interpolate(InterpolationMode mode, bool alignCorners)
    {
        using var scope = LibTorch.NewDisposeScope();
        GradCheck.Check($"{mode} size", a => F.Interpolate(a[0], (7, 5), mode, alignCorners), [R(1, 2, 4, 4)]);
        GradCheck.Check($"{mode} x1.5", a => F.Interpolate(a[0], 1.5, mode, alignCorners), [R(1, 2, 4, 4)]);
        GradCheck.Check($"{mode} x0.6", a => F.Interpolate(a[0], 0.6, mode, alignCorners), [R(1, 1, 6, 5)]);
    }

    [Fact]
    public void PixelShuffleAndUnshuffle()
    {
        using var scope = LibTorch.NewDisposeScope();
        GradCheck.Check("pixel_shuffle", a => F.PixelShuffle(a[0], 2), [R(1, 8, 2, 3)]);
        GradCheck.Check("pixel_unshuffle", a => F.PixelUnshuffle(a[0], 2), [R(1, 2, 4, 2)]);
    }

    [Theory]
    [InlineData(Reduction.None)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void Losses(Reduction r)
    {
        using var scope = LibTorch.NewDisposeScope();
        Tensor[] Pair() => [R(2, 3, 4), R(2, 3, 4)];
        GradCheck.Check("l1_loss", a => F.L1Loss(a[0], a[1], r), Pair());
        GradCheck.Check("mse_loss", a => F.MseLoss(a[0], a[1], r), Pair());
        GradCheck.Check("smooth_l1_loss", a => F.SmoothL1Loss(a[0], a[1], r, beta: 0.5), Pair());
        var probability = U(0, 1, 2, 3, 4);
        GradCheck.Check("bce_with_logits", a => F.BinaryCrossEntropyWithLogits(a[0], a[1], a[2], a[3], r),
                        [R(2, 3, 4), probability, U(0.5, 1.5, 3, 1), U(0.5, 1.5, 4)],
                        check: [true, true, false, false]);
    }
}
