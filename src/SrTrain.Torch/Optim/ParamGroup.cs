using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>A set of parameters that share hyper-parameters (PyTorch: one entry of
/// optimizer.param_groups). <see cref="Lr"/> is what schedulers drive; <see cref="InitialLr"/> is
/// the value the first scheduler attached to the optimizer recorded (PyTorch: 'initial_lr').</summary>
public abstract class ParamGroup
{
    protected ParamGroup(IEnumerable<Tensor> parameters, double lr)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("a parameter group needs at least one parameter", nameof(parameters));
        Lr = lr;
    }

    /// <summary>The parameters this group updates, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Learning rate used by the next <see cref="Optimizer.Step"/>.</summary>
    public double Lr
    {
        get;
        set => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Lr), value, "learning rate must be >= 0");
    }

    /// <summary>The learning rate the schedule starts from (set by the first scheduler, restored on resume).</summary>
    public double? InitialLr { get; set; }

    /// <summary>Checks the hyper-parameters, throwing with the name and value of a bad one.</summary>
    internal abstract void Validate();

    /// <summary>Writes torch's keys for this group's hyper-parameters (all but lr, initial_lr, params).</summary>
    internal abstract void WriteHyperParameters(Dictionary<string, object?> group);

    /// <summary>Reads back what <see cref="WriteHyperParameters"/> wrote; absent keys keep their value.</summary>
    internal abstract void ReadHyperParameters(IDictionary group, string path);

    /// <summary>This group as torch's optimizer.state_dict() packs it, with parameter indices.</summary>
    internal Dictionary<string, object?> ToStateDict(long firstIndex)
    {
        var group = new Dictionary<string, object?> { ["lr"] = Lr };
        WriteHyperParameters(group);
        if (InitialLr is { } initial) group["initial_lr"] = initial;
        group["params"] = StateTree.Boxed(Enumerable.Range(0, Parameters.Count).Select(i => firstIndex + i));
        return group;
    }

    /// <summary>A copy of lr, initial_lr and the hyper-parameters, to undo a failed load.</summary>
    internal Dictionary<string, object?> Snapshot() => ToStateDict(0);

    internal void Restore(Dictionary<string, object?> snapshot)
    {
        Lr = (double)snapshot["lr"]!;
        InitialLr = snapshot.TryGetValue("initial_lr", out var v) ? (double?)v : null;
        ReadHyperParameters(snapshot, "");
    }

    /// <summary>Restores lr, initial_lr and the hyper-parameters, as torch's load_state_dict replaces the group dict.</summary>
    internal void LoadStateDict(IDictionary group, string path)
    {
        Lr = StateTree.AsDouble(StateTree.Get(group, "lr", path), StateTree.Join(path, "lr"));
        InitialLr = StateTree.Has(group, "initial_lr")
            ? StateTree.AsDouble(group["initial_lr"], StateTree.Join(path, "initial_lr"))
            : null;
        ReadHyperParameters(group, path);
        Validate();
    }
}
