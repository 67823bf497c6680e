using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Losses;
using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>ESRGAN training (Wang et al. 2018; BasicSR's ESRGANModel): a relativistic average
/// discriminator (ESRGAN eq. 1-2, <see cref="RelativisticAverageGan"/>) judges whether real data is more realistic
/// than the average fake and vice versa. Generator step with D frozen, then the D step with separate real and fake
/// backward passes.</summary>
[Model("ESRGANModel")]
public sealed class EsrganModel(ExperimentOptions options, Device device) : SrganModel(options, device)
{
    /// <summary>L_G^Ra = -E[log(1 - D_Ra(x_r, x_f))] - E[log D_Ra(x_f, x_r)] (ESRGAN eq. 3), both halves averaged.</summary>
    protected override Tensor GeneratorGanLoss(Tensor output)
    {
        var realPred = Forward(NetD, Gt).Detach();
        var fakePred = Forward(NetD, output);
        var (lReal, lFake) = RelativisticAverageGan.GeneratorLoss(GanLoss, realPred, fakePred);
        return (lReal + lFake) / 2.0;
    }

    /// <summary>L_D^Ra = -E[log D_Ra(x_r, x_f)] - E[log(1 - D_Ra(x_f, x_r))] (ESRGAN eq. 2), real half first,
    /// each half backpropagated on its own and weighted 0.5 as BasicSR does; returns their detached sum.</summary>
    protected override Tensor DiscriminatorBackward(Tensor output)
    {
        // BasicSR predicts the fakes twice: once (detached) for the real half's mean, again on the detached output for
        // the fake half. The extra forward is kept: it moves D's batch-norm statistics and spectral-norm vectors as BasicSR's does.
        var fakeForReal = Forward(NetD, output).Detach();
        var realD = Forward(NetD, Gt);
        var lDReal = RelativisticAverageGan.DiscriminatorRealTerm(GanLoss, realD, fakeForReal) * 0.5;
        lDReal.Backward();
        var fakeD = Forward(NetD, output.Detach());
        var lDFake = RelativisticAverageGan.DiscriminatorFakeTerm(GanLoss, realD, fakeD) * 0.5;
        lDFake.Backward();
        Log("l_d_real", lDReal);
        Log("l_d_fake", lDFake);
        Log("out_d_real", realD.Detach().Mean());
        Log("out_d_fake", fakeD.Detach().Mean());
        return lDReal.Detach() + lDFake.Detach();
    }
}
