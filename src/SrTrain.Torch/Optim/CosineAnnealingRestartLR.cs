using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>BasicSR's CosineAnnealingRestartLR (basicsr/models/lr_scheduler.py): consecutive cosine
/// cycles of the given periods; cycle i anneals from initial_lr * restart_weights[i] towards
/// eta_min (SGDR, Loshchilov &amp; Hutter, eq. 5). Closed form, so it ignores the groups' current lr.
/// Epochs past the sum of the periods are an error (BasicSR fails there too).</summary>
public sealed class CosineAnnealingRestartLR : LrScheduler
{
    private long[] periods;
    private double[] restartWeights;
    private long[] cumulativePeriod;

    public CosineAnnealingRestartLR(Optimizer optimizer, IEnumerable<long> periods, IEnumerable<double>? restartWeights = null,
                                    double etaMin = 0, long lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(periods);
        this.periods = periods.ToArray();
        this.restartWeights = restartWeights?.ToArray() ?? [1];
        cumulativePeriod = Check(this.periods, this.restartWeights);
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>Length of each cosine cycle, in epochs (iterations).</summary>
    public IReadOnlyList<long> Periods => periods;

    /// <summary>The peak of each cycle as a fraction of initial_lr.</summary>
    public IReadOnlyList<double> RestartWeights => restartWeights;

    /// <summary>The lowest lr.</summary>
    public double EtaMin { get; private set; }

    public override IReadOnlyList<double> GetLr()
    {
        // The cycle holding LastEpoch: the first whose cumulative end is >= it.
        int idx = Array.FindIndex(cumulativePeriod, end => LastEpoch <= end);
        if (idx < 0)
            throw new InvalidOperationException(
                $"CosineAnnealingRestartLR: iteration {LastEpoch} is past the end of its periods (they sum to {cumulativePeriod[^1]}); lengthen 'periods' to cover total_iter");
        double weight = restartWeights[idx];
        long nearestRestart = idx == 0 ? 0 : cumulativePeriod[idx - 1];
        double phase = (double)(LastEpoch - nearestRestart) / periods[idx];
        return BaseLrs.Select(b => EtaMin + weight * 0.5 * (b - EtaMin) * (1 + Math.Cos(Math.PI * phase))).ToArray();
    }

    private static long[] Check(long[] periods, double[] weights)
    {
        if (periods.Length == 0) throw new ArgumentException("CosineAnnealingRestartLR needs at least one period");
        if (periods.Length != weights.Length)
            throw new ArgumentException($"CosineAnnealingRestartLR: {periods.Length} periods but {weights.Length} restart_weights; give one weight per period");
        if (periods.Any(p => p <= 0)) throw new ArgumentException($"CosineAnnealingRestartLR periods must be > 0, found [{string.Join(", ", periods)}]");
        var cumulative = new long[periods.Length];
        long sum = 0;
        for (int i = 0; i < periods.Length; i++) cumulative[i] = sum += periods[i];
        return cumulative;
    }

    protected override void WriteHyperParameters(Dictionary<string, object?> state)
    {
        state["periods"] = StateTree.Boxed(periods);
        state["restart_weights"] = StateTree.Boxed(restartWeights);
        state["eta_min"] = EtaMin;
        state["cumulative_period"] = StateTree.Boxed(cumulativePeriod);
    }

    protected override void ReadHyperParameters(IDictionary state)
    {
        var p = StateTree.Has(state, "periods") ? StateTree.AsLongs(state["periods"], "periods").ToArray() : periods;
        var w = StateTree.Has(state, "restart_weights") ? StateTree.AsDoubles(state["restart_weights"], "restart_weights").ToArray() : restartWeights;
        cumulativePeriod = Check(p, w);
        (periods, restartWeights) = (p, w);
        if (StateTree.Has(state, "eta_min")) EtaMin = StateTree.AsDouble(state["eta_min"], "eta_min");
    }
}
