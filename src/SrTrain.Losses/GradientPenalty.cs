using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Losses;

/// <summary>Penalties on the discriminator's input gradient, for the GAN family.</summary>
public static class GradientPenalty
{
    /// <summary>WGAN-GP (Gulrajani et al., 2017, eq. 3): E[(||grad_x D(x_hat)||_2 - 1)^2] at random points
    /// x_hat = a x_r + (1 - a) x_f, a ~ U[0, 1] per sample, the norm taken over each sample's whole gradient
    /// (BasicSR's gradient_penalty_loss takes it over channels per pixel instead). Differentiable with
    /// respect to the discriminator's weights. <paramref name="alpha"/> (N, 1, 1, 1) may be given for
    /// reproducibility; otherwise it is drawn from the global generator.</summary>
    public static Tensor WganGp(Func<Tensor, Tensor> discriminator, Tensor realData, Tensor fakeData, Tensor? alpha = null)
    {
        using var scope = LibTorch.NewDisposeScope();
        long n = realData.Size(0);
        alpha ??= Tensor.Rand([n, 1, 1, 1], realData.DType, realData.Device);
        var interpolates = (alpha * realData.Detach() + (1.0 - alpha) * fakeData.Detach()).Detach().RequiresGrad_();
        var output = discriminator(interpolates);
        var grad = Autograd.Grad(output, interpolates, output.OnesLike(), retainGraph: true, createGraph: true);
        var norm = grad.Reshape(n, -1).Square().Sum([1]).Sqrt();
        return (norm - 1.0).Square().Mean().MoveToOuterScope();
    }

    /// <summary>WGAN-GP with a discriminator module.</summary>
    public static Tensor WganGp(Module discriminator, Tensor realData, Tensor fakeData, Tensor? alpha = null) =>
        WganGp(discriminator.Forward, realData, fakeData, alpha);

    /// <summary>R1 regularisation (Mescheder et al., 2018): E[||grad_x D(x_r)||^2] over real images, as
    /// BasicSR's r1_penalty (without the gamma/2 factor, which the caller applies). <paramref name="realImg"/>
    /// must require grad and <paramref name="realPred"/> = D(realImg) must still hold its graph.</summary>
    public static Tensor R1(Tensor realPred, Tensor realImg)
    {
        if (!realImg.RequiresGrad)
            throw new ArgumentException("R1 penalty: the real images must require grad before the discriminator sees them (RequiresGrad_())");
        using var scope = LibTorch.NewDisposeScope();
        var grad = Autograd.Grad(realPred.Sum(), realImg, retainGraph: true, createGraph: true);
        return grad.Square().Reshape(grad.Size(0), -1).Sum([1]).Mean().MoveToOuterScope();
    }
}
