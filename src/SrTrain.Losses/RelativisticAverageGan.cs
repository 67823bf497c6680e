using SrTrain.Abstractions.Contracts;
using SrTrain.Torch;

namespace SrTrain.Losses;

/// <summary>The relativistic average GAN losses of ESRGAN (Wang et al., 2018, eqs. 1-2; Jolicoeur-Martineau,
/// 2018): D_Ra(x_r, x_f) = sigma(C(x_r) - E[C(x_f)]), where C is the discriminator's raw output.
/// With <see cref="GanLoss"/> of type vanilla the two terms are the paper's
/// L_D = -E[log D_Ra(x_r, x_f)] - E[log(1 - D_Ra(x_f, x_r))] and
/// L_G = -E[log(1 - D_Ra(x_r, x_f))] - E[log D_Ra(x_f, x_r)]; BasicSR's ESRGANModel uses half of each.</summary>
public static class RelativisticAverageGan
{
    /// <summary>The discriminator's two terms: Real = loss(C(x_r) - E[C(x_f)], real), Fake = loss(C(x_f) -
    /// E[C(x_r)], fake). Each term's gradient flows through its own predictions only (the other side's
    /// mean is detached), as BasicSR backpropagates them in two passes; the paper's L_D is Real + Fake.</summary>
    public static (Tensor Real, Tensor Fake) DiscriminatorLoss(IGanLoss gan, Tensor realPred, Tensor fakePred)
    {
        using var scope = LibTorch.NewDisposeScope();
        var real = DiscriminatorRealTerm(gan, realPred, fakePred);
        var fake = DiscriminatorFakeTerm(gan, realPred, fakePred);
        return (real.MoveToOuterScope(), fake.MoveToOuterScope());
    }

    /// <summary>The discriminator's real term alone, loss(C(x_r) - E[C(x_f)], real) with E[C(x_f)] detached, for a step
    /// that backpropagates it before predicting the fakes again (BasicSR's ESRGANModel does).</summary>
    public static Tensor DiscriminatorRealTerm(IGanLoss gan, Tensor realPred, Tensor fakePred) =>
        gan.Forward(realPred - fakePred.Detach().Mean(), targetIsReal: true, isDiscriminator: true);

    /// <summary>The discriminator's fake term alone, loss(C(x_f) - E[C(x_r)], fake) with E[C(x_r)] detached.</summary>
    public static Tensor DiscriminatorFakeTerm(IGanLoss gan, Tensor realPred, Tensor fakePred) =>
        gan.Forward(fakePred - realPred.Detach().Mean(), targetIsReal: false, isDiscriminator: true);

    /// <summary>The generator's two terms, with the labels swapped: Real = loss(C(x_r) - E[C(x_f)], fake),
    /// Fake = loss(C(x_f) - E[C(x_r)], real), each scaled by the GAN loss_weight. The generator gets
    /// gradients from both (through C(x_f) in each), which is what makes RaGAN's G loss symmetric;
    /// the paper's L_G is Real + Fake (times loss_weight). Pass the real predictions detached.</summary>
    public static (Tensor Real, Tensor Fake) GeneratorLoss(IGanLoss gan, Tensor realPred, Tensor fakePred)
    {
        using var scope = LibTorch.NewDisposeScope();
        var real = gan.Forward(realPred - fakePred.Mean(), targetIsReal: false, isDiscriminator: false);
        var fake = gan.Forward(fakePred - realPred.Mean(), targetIsReal: true, isDiscriminator: false);
        return (real.MoveToOuterScope(), fake.MoveToOuterScope());
    }
}
