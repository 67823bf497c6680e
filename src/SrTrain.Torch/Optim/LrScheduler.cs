using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>Base of the learning-rate schedulers (PyTorch: torch.optim.lr_scheduler._LRScheduler of
/// torch 1.13): on construction it records each group's initial_lr and takes the first step
/// (LastEpoch 0); each <see cref="Step"/> advances <see cref="LastEpoch"/> and writes
/// <see cref="GetLr"/>'s values into the optimizer's groups. Chainable schedulers read the
/// groups' current lr, so anything else that sets lr in between (BasicSR's warm-up) carries over.</summary>
public abstract class LrScheduler
{
    private double[] baseLrs;
    private double[] lastLr = [];

    /// <summary>Records initial_lr and base lrs; the derived constructor then calls <see cref="InitialStep"/>.</summary>
    /// <param name="optimizer">The optimizer whose groups' lr this scheduler drives.</param>
    /// <param name="lastEpoch">-1 for a new schedule; otherwise the epoch to continue from, which
    /// needs each group's initial_lr (restored with the optimizer's state dict).</param>
    protected LrScheduler(Optimizer optimizer, long lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            if (lastEpoch == -1) groups[i].InitialLr ??= groups[i].Lr;
            else if (groups[i].InitialLr is null)
                throw new InvalidOperationException(
                    $"param group {i} has no initial_lr: to resume a schedule at epoch {lastEpoch}, load the optimizer's state dict first (or start at lastEpoch -1)");
        }
        baseLrs = groups.Select(g => g.InitialLr!.Value).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose groups' lr this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Index of the last step taken (PyTorch: last_epoch; BasicSR steps it per iteration).</summary>
    public long LastEpoch { get; private set; }

    /// <summary>Each group's initial_lr when the schedule began (PyTorch: base_lrs).</summary>
    public IReadOnlyList<double> BaseLrs => baseLrs;

    /// <summary>The lr of each group after the last step (PyTorch: get_last_lr()).</summary>
    public IReadOnlyList<double> LastLr => lastLr;

    /// <summary>How many times <see cref="Step"/> ran, counting the one in the constructor (PyTorch: _step_count).</summary>
    protected long StepCount { get; private set; }

    /// <summary>The lr of each group at <see cref="LastEpoch"/>, from the groups' current lr
    /// (PyTorch: get_lr(), as called inside step()).</summary>
    public abstract IReadOnlyList<double> GetLr();

    /// <summary>Advances one epoch (iteration) and sets every group's lr.</summary>
    public void Step()
    {
        StepCount++;
        LastEpoch++;
        var values = GetLr();
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++) groups[i].Lr = values[i];
        lastLr = groups.Select(g => g.Lr).ToArray();
    }

    /// <summary>torch's _initial_step; derived constructors call it last, once their fields are set.</summary>
    protected void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>The scheduler's state with torch's keys (its __dict__ without the optimizer):
    /// hyper-parameters, base_lrs, last_epoch, _step_count, _last_lr.</summary>
    public Dictionary<string, object?> StateDict()
    {
        var state = new Dictionary<string, object?>();
        WriteHyperParameters(state);
        state["base_lrs"] = StateTree.Boxed(baseLrs);
        state["last_epoch"] = LastEpoch;
        state["verbose"] = false;
        state["_step_count"] = StepCount;
        state["_get_lr_called_within_step"] = false;
        state["_last_lr"] = StateTree.Boxed(lastLr);
        return state;
    }

    /// <summary>Restores what <see cref="StateDict"/> (or torch/BasicSR's scheduler.state_dict())
    /// holds; like torch, saved hyper-parameters replace the constructor's. Group lr is not set
    /// here: it comes back with the optimizer's state dict.</summary>
    public void LoadStateDict(IDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var groups = Optimizer.ParamGroups.Count;
        var lastEpoch = StateTree.AsLong(StateTree.Get(state, "last_epoch", ""), "last_epoch");
        var bases = StateTree.Has(state, "base_lrs") ? StateTree.AsDoubles(state["base_lrs"], "base_lrs").ToArray() : baseLrs;
        if (bases.Length != groups)
            throw new InvalidDataException($"scheduler state dict has {bases.Length} base_lrs, the optimizer has {groups} parameter groups");
        var last = StateTree.Has(state, "_last_lr") ? StateTree.AsDoubles(state["_last_lr"], "_last_lr").ToArray() : lastLr;
        var stepCount = StateTree.Has(state, "_step_count") ? StateTree.AsLong(state["_step_count"], "_step_count") : StepCount;
        ReadHyperParameters(state);
        (LastEpoch, baseLrs, lastLr, StepCount) = (lastEpoch, bases, last, stepCount);
    }

    /// <summary>Writes this scheduler's hyper-parameters under torch's (or BasicSR's) attribute names.</summary>
    protected abstract void WriteHyperParameters(Dictionary<string, object?> state);

    /// <summary>Reads back the hyper-parameters present in <paramref name="state"/>, validating them.</summary>
    protected abstract void ReadHyperParameters(IDictionary state);

    /// <summary>Milestones as torch keeps them (a Counter: milestone -> repetitions).</summary>
    private protected static Dictionary<long, int> CountMilestones(IEnumerable<long> milestones)
    {
        var counts = new Dictionary<long, int>();
        foreach (var m in milestones) counts[m] = counts.GetValueOrDefault(m) + 1;
        return counts;
    }

    private protected static Dictionary<long, object?> MilestonesToState(Dictionary<long, int> counts) =>
        counts.ToDictionary(e => e.Key, e => (object?)(long)e.Value);

    /// <summary>Reads milestones saved as a Counter / dict (milestone -> count) or as a plain list.</summary>
    private protected static Dictionary<long, int> MilestonesFromState(object? value)
    {
        if (value is IDictionary dict)
        {
            var counts = new Dictionary<long, int>();
            foreach (DictionaryEntry e in dict)
                counts[StateTree.KeyAsLong(e.Key, "milestones")] = (int)StateTree.AsLong(e.Value, $"milestones[{e.Key}]");
            return counts;
        }
        return CountMilestones(StateTree.AsLongs(value, "milestones"));
    }
}
