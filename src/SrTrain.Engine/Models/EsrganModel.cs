using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Losses;
using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>ESRGAN training (Wang et al. 2018; BasicSR's ESRGANModel): a relativistic average
/// discriminator (ESRGAN eq. 1-2, <see cref="RelativisticAverageGan"/>) judges whether real data is more realistic
/// than the average fake and vice versa. Generator step with D frozen, then the D step with separate real and fake
/// backward passes. Under gradient accumulation the averages E[C(x_r)] and E[C(x_f)] are those of the whole
/// accumulated batch (<see cref="RelativisticBatchMeans"/>), so K micro-batches train as one batch of K*n would.</summary>
[Model("ESRGANModel")]
public sealed class EsrganModel(ExperimentOptions options, Device device) : SrganModel(options, device)
{
    private RelativisticBatchMeans? batchMeans;

    /// <summary>Accumulating, first predicts the whole batch without gradients (one more G and D forward per
    /// micro-batch) for the relativistic averages, then runs the micro-batches.</summary>
    public override void OptimizeAccumulated(long currentIter, IReadOnlyList<SrBatch> microBatches)
    {
        if (microBatches.Count == 1)
        {
            base.OptimizeAccumulated(currentIter, microBatches);
            return;
        }
        using var scope = LibTorch.NewDisposeScope();
        batchMeans = RelativisticBatchMeans.Predict(microBatches, lq => Forward(NetG, lq), x => Forward(NetD, x));
        try
        {
            base.OptimizeAccumulated(currentIter, microBatches);
        }
        finally
        {
            batchMeans = null;
        }
    }

    /// <summary>L_G^Ra = -E[log(1 - D_Ra(x_r, x_f))] - E[log D_Ra(x_f, x_r)] (ESRGAN eq. 3), both halves averaged.</summary>
    protected override Tensor GeneratorGanLoss(Tensor output)
    {
        var realPred = Forward(NetD, Gt).Detach();
        var fakePred = Forward(NetD, output);
        if (batchMeans is { } m)
        {
            // The real half is a mean over the whole batch that reaches this micro-batch's fakes only through E[C(x_f)]:
            // its gradient for them is the full-batch one, not 1/K of it. Backpropagated with the 1/K of every
            // micro-batch, it is weighted K here; the value stays the half's (K*l - (K-1)*l), so the logged mean is right.
            var lRealAll = GanLoss.Forward(m.RealAll - m.FakeMean(Micro.Index, fakePred), targetIsReal: false, isDiscriminator: false);
            var lRealWeighted = lRealAll * Micro.Count - lRealAll.Detach() * (Micro.Count - 1);
            var lFake = GanLoss.Forward(fakePred - m.RealMean, targetIsReal: true, isDiscriminator: false);
            return (lRealWeighted + lFake) / 2.0;
        }
        var (lReal, lFakeTerm) = RelativisticAverageGan.GeneratorLoss(GanLoss, realPred, fakePred);
        return (lReal + lFakeTerm) / 2.0;
    }

    /// <summary>L_D^Ra = -E[log D_Ra(x_r, x_f)] - E[log(1 - D_Ra(x_f, x_r))] (ESRGAN eq. 2), real half first,
    /// each half backpropagated on its own and weighted 0.5 as BasicSR does; returns their detached sum.</summary>
    protected override Tensor DiscriminatorBackward(Tensor output)
    {
        // BasicSR predicts the fakes twice: once (detached) for the real half's mean, again on the detached output for
        // the fake half. The extra forward is kept: it moves D's batch-norm statistics and spectral-norm vectors as BasicSR's does.
        // Accumulating, the means are the whole batch's, predicted before the micro-batches.
        var fakeForReal = batchMeans?.FakeAll ?? Forward(NetD, output).Detach();
        var realD = Forward(NetD, Gt);
        var lDReal = RelativisticAverageGan.DiscriminatorRealTerm(GanLoss, realD, fakeForReal) * 0.5;
        Backward("net_d", lDReal);
        var fakeD = Forward(NetD, output.Detach());
        var lDFake = RelativisticAverageGan.DiscriminatorFakeTerm(GanLoss, batchMeans?.RealAll ?? realD, fakeD) * 0.5;
        Backward("net_d", lDFake);
        Log("l_d_real", lDReal);
        Log("l_d_fake", lDFake);
        Log("out_d_real", realD.Detach().Mean());
        Log("out_d_fake", fakeD.Detach().Mean());
        return lDReal.Detach() + lDFake.Detach();
    }
}
