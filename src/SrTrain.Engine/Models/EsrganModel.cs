using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>ESRGAN training (Wang et al. 2018; BasicSR's ESRGANModel): a relativistic average
/// discriminator (ESRGAN eq. 1-2) judges whether real data is more realistic than the average fake and
/// vice versa. Generator step with D frozen, then the D step with separate real and fake backward passes.</summary>
[Model("ESRGANModel")]
public sealed class EsrganModel(ExperimentOptions options, Device device) : SrganModel(options, device)
{
    /// <summary>L_G^Ra = -E[log(1 - D_Ra(x_r, x_f))] - E[log D_Ra(x_f, x_r)] (ESRGAN eq. 3), both halves averaged.</summary>
    protected override Tensor GeneratorGanLoss(Tensor output)
    {
        var realPred = Forward(NetD, Gt).Detach();
        var fakePred = Forward(NetD, output);
        var lReal = GanLoss.Forward(realPred - fakePred.Mean(), targetIsReal: false, isDiscriminator: false);
        var lFake = GanLoss.Forward(fakePred - realPred.Mean(), targetIsReal: true, isDiscriminator: false);
        return (lReal + lFake) / 2.0;
    }

    /// <summary>L_D^Ra = -E[log D_Ra(x_r, x_f)] - E[log(1 - D_Ra(x_f, x_r))] (ESRGAN eq. 2), real half first,
    /// each half backpropagated on its own and weighted 0.5 as BasicSR does.</summary>
    protected override void DiscriminatorBackward(Tensor output)
    {
        var fakeForReal = Forward(NetD, output).Detach();
        var realD = Forward(NetD, Gt);
        var lDReal = GanLoss.Forward(realD - fakeForReal.Mean(), targetIsReal: true, isDiscriminator: true) * 0.5;
        lDReal.Backward();
        var fakeD = Forward(NetD, output.Detach());
        var lDFake = GanLoss.Forward(fakeD - realD.Detach().Mean(), targetIsReal: false, isDiscriminator: true) * 0.5;
        lDFake.Backward();
        Log("l_d_real", lDReal);
        Log("l_d_fake", lDFake);
        Log("out_d_real", realD.Detach().Mean());
        Log("out_d_fake", fakeD.Detach().Mean());
    }
}
