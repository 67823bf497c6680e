using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>Base of the optimizers (PyTorch: torch.optim.Optimizer): parameter groups, gradient
/// zeroing, and state dicts laid out like torch's, so a training run resumes exactly and a
/// BasicSR training state can be read. Owns its per-parameter state tensors; dispose it to free them.</summary>
public abstract class Optimizer : IDisposable
{
    private readonly ParamGroup[] groups;
    private readonly Tensor[] parameters;
    private readonly int[] groupOfParameter;
    private bool disposed;

    protected Optimizer(IEnumerable<ParamGroup> paramGroups)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        groups = paramGroups.ToArray();
        if (groups.Length == 0) throw new ArgumentException("an optimizer needs at least one parameter group", nameof(paramGroups));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var all = new List<Tensor>();
        var owner = new List<int>();
        for (int g = 0; g < groups.Length; g++)
        {
            groups[g].Validate();
            foreach (var p in groups[g].Parameters)
            {
                if (p.IsDisposed) throw new ObjectDisposedException(nameof(Tensor), $"parameter {all.Count} (group {g}) was disposed");
                if (!seen.Add(p)) throw new ArgumentException($"parameter {all.Count} (group {g}) appears in more than one parameter group");
                all.Add(p);
                owner.Add(g);
            }
        }
        parameters = all.ToArray();
        groupOfParameter = owner.ToArray();
    }

    /// <summary>The parameter groups, in order (PyTorch: optimizer.param_groups).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>Every parameter of every group, in order; state dicts index into this list.</summary>
    protected IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The group that holds parameter <paramref name="index"/>.</summary>
    protected ParamGroup GroupOf(int index) => groups[groupOfParameter[index]];

    /// <summary>Drops (default, as torch 2 does) or zeroes every parameter's gradient in one native call.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        ThrowIfDisposed();
        Tensor.ZeroGrad(parameters, setToNone);
    }

    /// <summary>Updates every parameter that has a gradient; those without one are skipped and get no state.</summary>
    public abstract void Step();

    /// <summary>The optimizer's state as torch's optimizer.state_dict() lays it out:
    /// <c>{"state": {index(long): {name: Tensor | null}}, "param_groups": [{"lr": double, ..., "params": [index(long)]}]}</c>.
    /// The tensors are new handles viewing the live state (no copy, as in torch): clone them to
    /// keep a snapshot; disposing them does not affect the optimizer. "state" is keyed by long, not
    /// string, because torch's load_state_dict matches parameters by integer index.</summary>
    public Dictionary<string, object?> StateDict()
    {
        ThrowIfDisposed();
        var state = new Dictionary<long, object?>();
        for (int i = 0; i < parameters.Length; i++)
            if (ParameterStateToDict(i) is { } entry) state[i] = entry;
        var packedGroups = new List<object?>();
        long first = 0;
        foreach (var g in groups)
        {
            packedGroups.Add(g.ToStateDict(first));
            first += g.Parameters.Count;
        }
        return new Dictionary<string, object?> { ["state"] = state, ["param_groups"] = packedGroups };
    }

    /// <summary>Restores a state dict from <see cref="StateDict"/> (or torch's, read from a .pth):
    /// copies the state tensors (cast to each parameter's dtype and device), and replaces each
    /// group's lr, initial_lr and hyper-parameters with the saved ones, as torch does.</summary>
    public void LoadStateDict(IDictionary stateDict)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(stateDict);
        var savedGroups = StateTree.AsList(StateTree.Get(stateDict, "param_groups", ""), "param_groups");
        if (savedGroups.Count != groups.Length)
            throw new InvalidDataException($"state dict has {savedGroups.Count} parameter groups, the optimizer has {groups.Length}");

        // Saved indices map onto our parameters in group order (torch's id_map).
        var indexMap = new Dictionary<long, int>();
        int next = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            var path = $"param_groups[{g}]";
            var saved = StateTree.AsDict(savedGroups[g], path);
            var ids = StateTree.AsLongs(StateTree.Get(saved, "params", path), $"{path}.params");
            if (ids.Count != groups[g].Parameters.Count)
                throw new InvalidDataException($"state dict group {g} has {ids.Count} parameters, the optimizer's group has {groups[g].Parameters.Count}");
            foreach (var id in ids) indexMap[id] = next++;
        }

        var state = StateTree.AsDict(StateTree.Get(stateDict, "state", ""), "state");
        var entries = new List<(int Index, IDictionary Entry, string Path)>();
        foreach (DictionaryEntry e in state)
        {
            var key = StateTree.KeyAsLong(e.Key, "state");
            var path = $"state[{key}]";
            if (!indexMap.TryGetValue(key, out var index))
                throw new InvalidDataException($"state dict entry '{path}' names no parameter of any group");
            entries.Add((index, StateTree.AsDict(e.Value, path), path));
        }

        // Read every entry before touching the optimizer, so a bad dict leaves it unchanged.
        var loaded = new List<(int Index, IDisposable State)>();
        try
        {
            foreach (var (index, entry, path) in entries) loaded.Add((index, ReadParameterState(index, entry, path)));
            var restored = groups.Select(g => g.Snapshot()).ToArray();
            try
            {
                for (int g = 0; g < groups.Length; g++)
                    groups[g].LoadStateDict(StateTree.AsDict(savedGroups[g], $"param_groups[{g}]"), $"param_groups[{g}]");
            }
            catch
            {
                for (int g = 0; g < groups.Length; g++) groups[g].Restore(restored[g]);
                throw;
            }
        }
        catch
        {
            foreach (var (_, s) in loaded) s.Dispose();
            throw;
        }
        ClearState();
        foreach (var (index, s) in loaded) SetParameterState(index, s);
    }

    /// <summary>Parameter <paramref name="index"/>'s state entries (tensors as new handles), or null when it has none yet.</summary>
    protected abstract Dictionary<string, object?>? ParameterStateToDict(int index);

    /// <summary>Reads one saved state entry into an object that <see cref="SetParameterState"/> installs;
    /// tensors in it are new copies owned by no scope.</summary>
    protected abstract IDisposable ReadParameterState(int index, IDictionary entry, string path);

    /// <summary>Installs what <see cref="ReadParameterState"/> read (the optimizer now owns it).</summary>
    protected abstract void SetParameterState(int index, IDisposable state);

    /// <summary>Disposes and forgets every parameter's state.</summary>
    protected abstract void ClearState();

    /// <summary>A saved state tensor copied to <paramref name="param"/>'s device (and dtype, when
    /// <paramref name="castToParam"/>), checked to have the parameter's shape.</summary>
    protected static Tensor LoadStateTensor(object? value, Tensor param, string path, bool castToParam = true)
    {
        if (value is not Tensor t) throw new InvalidDataException($"state dict entry '{path}' should be a tensor, found {StateTree.Describe(value)}");
        if (castToParam && !t.Shape.SequenceEqual(param.Shape))
            throw new InvalidDataException(
                $"state dict entry '{path}' has shape [{string.Join(", ", t.Shape)}], its parameter has [{string.Join(", ", param.Shape)}]");
        var dtype = castToParam && param.DType.IsFloatingPoint() ? param.DType : t.DType;
        return t.To(dtype, param.Device, copy: true).DetachFromDisposeScope();
    }

    /// <summary>The step count stored as torch 1.13 does: a float32 scalar tensor.</summary>
    protected static Tensor StepTensor(long step) => Tensor.Scalar(step, DType.Float32);

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <summary>Frees the state tensors; the parameters are not touched.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        ClearState();
        GC.SuppressFinalize(this);
    }
}
