using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>Cosine annealing from each group's initial lr to eta_min over T_max epochs, bouncing
/// back after (Loshchilov &amp; Hutter, SGDR eq. 5, without restarts);
/// torch.optim.lr_scheduler.CosineAnnealingLR of torch 1.13, in its recursive (chainable) form
/// so the values equal torch's to the last bit.</summary>
public sealed class CosineAnnealingLR : LrScheduler
{
    public CosineAnnealingLR(Optimizer optimizer, long tMax, double etaMin = 0, long lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "CosineAnnealingLR T_max must be > 0");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>Epochs of one half cosine (PyTorch: T_max).</summary>
    public long TMax { get; private set; }

    /// <summary>The lowest lr (PyTorch: eta_min).</summary>
    public double EtaMin { get; private set; }

    public override IReadOnlyList<double> GetLr()
    {
        var groups = Optimizer.ParamGroups;
        var result = new double[groups.Count];
        long e = LastEpoch;
        for (int i = 0; i < result.Length; i++)
        {
            double lr = groups[i].Lr, baseLr = BaseLrs[i];
            // The same expressions, in the same order, as torch's get_lr.
            if (e == 0)
                result[i] = lr;
            else if (StepCount == 1 && e > 0)
                result[i] = EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(e * Math.PI / TMax)) / 2;
            else if ((e - 1 - TMax) % (2 * TMax) == 0)
                result[i] = lr + (baseLr - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            else
                result[i] = (1 + Math.Cos(Math.PI * e / TMax)) / (1 + Math.Cos(Math.PI * (e - 1) / TMax)) * (lr - EtaMin) + EtaMin;
        }
        return result;
    }

    protected override void WriteHyperParameters(Dictionary<string, object?> state)
    {
        state["T_max"] = TMax;
        state["eta_min"] = EtaMin;
    }

    protected override void ReadHyperParameters(IDictionary state)
    {
        if (StateTree.Has(state, "T_max"))
        {
            var tMax = StateTree.AsLong(state["T_max"], "T_max");
            TMax = tMax > 0 ? tMax : throw new InvalidDataException($"scheduler state dict entry 'T_max' must be > 0, found {tMax}");
        }
        if (StateTree.Has(state, "eta_min")) EtaMin = StateTree.AsDouble(state["eta_min"], "eta_min");
    }
}
