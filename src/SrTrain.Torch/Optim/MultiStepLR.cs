using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>Multiplies each group's lr by gamma at every milestone (once per repetition of a
/// milestone); torch.optim.lr_scheduler.MultiStepLR of torch 1.13, chainable form.</summary>
public sealed class MultiStepLR : LrScheduler
{
    private Dictionary<long, int> milestones;

    public MultiStepLR(Optimizer optimizer, IEnumerable<long> milestones, double gamma = 0.1, long lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        this.milestones = CountMilestones(milestones);
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>Decay factor applied at each milestone.</summary>
    public double Gamma { get; private set; }

    /// <summary>The milestones, each repeated as often as it was given.</summary>
    public IReadOnlyList<long> Milestones => milestones.SelectMany(e => Enumerable.Repeat(e.Key, e.Value)).Order().ToArray();

    public override IReadOnlyList<double> GetLr()
    {
        var groups = Optimizer.ParamGroups;
        if (!milestones.TryGetValue(LastEpoch, out var count)) return groups.Select(g => g.Lr).ToArray();
        return groups.Select(g => g.Lr * Math.Pow(Gamma, count)).ToArray();
    }

    protected override void WriteHyperParameters(Dictionary<string, object?> state)
    {
        state["milestones"] = MilestonesToState(milestones);
        state["gamma"] = Gamma;
    }

    protected override void ReadHyperParameters(IDictionary state)
    {
        if (StateTree.Has(state, "milestones")) milestones = MilestonesFromState(state["milestones"]);
        if (StateTree.Has(state, "gamma")) Gamma = StateTree.AsDouble(state["gamma"], "gamma");
    }
}
