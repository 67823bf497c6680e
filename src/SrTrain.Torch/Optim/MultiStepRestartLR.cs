using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>BasicSR's MultiStepRestartLR (basicsr/models/lr_scheduler.py): like
/// <see cref="MultiStepLR"/>, and at each restart epoch the lr jumps back to
/// initial_lr * restart_weight. BasicSR builds it for both `type: MultiStepLR` and
/// `type: MultiStepRestartLR`. Chainable: between events each group keeps its current lr.</summary>
public sealed class MultiStepRestartLR : LrScheduler
{
    private Dictionary<long, int> milestones;
    private long[] restarts;
    private double[] restartWeights;

    public MultiStepRestartLR(Optimizer optimizer, IEnumerable<long> milestones, double gamma = 0.1,
                              IEnumerable<long>? restarts = null, IEnumerable<double>? restartWeights = null, long lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        this.milestones = CountMilestones(milestones);
        Gamma = gamma;
        this.restarts = restarts?.ToArray() ?? [0];
        this.restartWeights = restartWeights?.ToArray() ?? [1];
        CheckRestarts(this.restarts, this.restartWeights);
        InitialStep();
    }

    /// <summary>Decay factor applied at each milestone.</summary>
    public double Gamma { get; private set; }

    /// <summary>Epochs at which the lr restarts from initial_lr * weight.</summary>
    public IReadOnlyList<long> Restarts => restarts;

    /// <summary>The weight of each restart.</summary>
    public IReadOnlyList<double> RestartWeights => restartWeights;

    public override IReadOnlyList<double> GetLr()
    {
        var groups = Optimizer.ParamGroups;
        int restart = Array.IndexOf(restarts, LastEpoch);
        if (restart >= 0)
        {
            double weight = restartWeights[restart];
            return groups.Select(g => g.InitialLr!.Value * weight).ToArray();
        }
        if (!milestones.TryGetValue(LastEpoch, out var count)) return groups.Select(g => g.Lr).ToArray();
        return groups.Select(g => g.Lr * Math.Pow(Gamma, count)).ToArray();
    }

    private static void CheckRestarts(long[] restarts, double[] weights)
    {
        if (restarts.Length != weights.Length)
            throw new ArgumentException($"MultiStepRestartLR: {restarts.Length} restarts but {weights.Length} restart_weights; give one weight per restart");
    }

    protected override void WriteHyperParameters(Dictionary<string, object?> state)
    {
        state["milestones"] = MilestonesToState(milestones);
        state["gamma"] = Gamma;
        state["restarts"] = StateTree.Boxed(restarts);
        state["restart_weights"] = StateTree.Boxed(restartWeights);
    }

    protected override void ReadHyperParameters(IDictionary state)
    {
        var r = StateTree.Has(state, "restarts") ? StateTree.AsLongs(state["restarts"], "restarts").ToArray() : restarts;
        var w = StateTree.Has(state, "restart_weights") ? StateTree.AsDoubles(state["restart_weights"], "restart_weights").ToArray() : restartWeights;
        CheckRestarts(r, w);
        if (StateTree.Has(state, "milestones")) milestones = MilestonesFromState(state["milestones"]);
        if (StateTree.Has(state, "gamma")) Gamma = StateTree.AsDouble(state["gamma"], "gamma");
        (restarts, restartWeights) = (r, w);
    }
}
