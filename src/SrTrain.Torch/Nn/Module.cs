namespace SrTrain.Torch.Nn;

/// <summary>Base of every layer and network (PyTorch: nn.Module). Keeps its parameters, buffers
/// and children in registration order, so dotted state-dict keys (<c>body.0.rdb1.conv1.weight</c>)
/// equal PyTorch's for the same structure. Parameters and buffers belong to the module (never
/// to a <see cref="DisposeScope"/>) and are freed by <see cref="Dispose"/>.</summary>
public abstract class Module : IDisposable
{
    private readonly List<string> parameterNames = [];
    private readonly Dictionary<string, Tensor?> parameters = [];
    private readonly List<string> bufferNames = [];
    private readonly Dictionary<string, Tensor?> buffers = [];
    private readonly HashSet<string> nonPersistentBuffers = [];
    private readonly List<string> childNames = [];
    private readonly Dictionary<string, Module> children = [];

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Runs the module on one input. Containers such as <see cref="ModuleList"/> have none.</summary>
    public virtual Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} has no single-input Forward");

    /// <summary>Registers a trainable parameter under <paramref name="name"/> (null keeps the slot, as
    /// PyTorch's <c>register_parameter(name, None)</c>). The tensor leaves any dispose scope.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.DetachFromDisposeScope();
        if (value.DType.IsFloatingPoint()) value.RequiresGrad = true;
        parameterNames.Add(name);
        parameters[name] = value;
        return value;
    }

    /// <summary>Registers non-trainable state saved in the state dict (running statistics, ...).</summary>
    protected Tensor RegisterBuffer(string name, Tensor value, bool persistent = true)
    {
        CheckName(name);
        value.DetachFromDisposeScope();
        bufferNames.Add(name);
        buffers[name] = value;
        if (!persistent) nonPersistentBuffers.Add(name);
        return value;
    }

    /// <summary>Registers a child module; its keys are prefixed with <paramref name="name"/>.</summary>
    protected T Register<T>(string name, T module) where T : Module
    {
        CheckName(name);
        childNames.Add(name);
        children[name] = module;
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid name '{name}' in {GetType().Name}: must be non-empty without '.'");
        if (parameters.ContainsKey(name) || buffers.ContainsKey(name) || children.ContainsKey(name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'");
    }

    /// <summary>Replaces a registered parameter's tensor (e.g. after weight surgery); the old one is disposed.</summary>
    protected void ReplaceParameter(string name, Tensor value)
    {
        if (!parameters.TryGetValue(name, out var old)) throw new KeyNotFoundException($"{GetType().Name} has no parameter '{name}'");
        value.DetachFromDisposeScope();
        parameters[name] = value;
        old?.Dispose();
    }

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => childNames.Select(n => (n, children[n]));

    /// <summary>This module and all descendants, depth first, with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in NamedChildren())
            foreach (var item in child.NamedModules(Join(prefix, name)))
                yield return item;
    }

    /// <summary>All parameters with dotted names, in state-dict order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "", bool recurse = true)
    {
        foreach (var n in parameterNames)
            if (parameters[n] is { } p) yield return (Join(prefix, n), p);
        if (!recurse) yield break;
        foreach (var (name, child) in NamedChildren())
            foreach (var item in child.NamedParameters(Join(prefix, name)))
                yield return item;
    }

    /// <summary>All parameters in state-dict order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>All buffers (persistent or not) with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        foreach (var n in bufferNames)
            if (buffers[n] is { } b) yield return (Join(prefix, n), b);
        if (!recurse) yield break;
        foreach (var (name, child) in NamedChildren())
            foreach (var item in child.NamedBuffers(Join(prefix, name)))
                yield return item;
    }

    /// <summary>Parameters and persistent buffers by dotted key, in PyTorch's order (each module's
    /// parameters, then its buffers, then its children). The tensors are the module's own: do not dispose them.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>();
        AddState(dict, "");
        return dict;
    }

    private void AddState(Dictionary<string, Tensor> dict, string prefix)
    {
        foreach (var n in parameterNames)
            if (parameters[n] is { } p) dict[Join(prefix, n)] = p;
        foreach (var n in bufferNames)
            if (buffers[n] is { } b && !nonPersistentBuffers.Contains(n)) dict[Join(prefix, n)] = b;
        foreach (var (name, child) in NamedChildren()) child.AddState(dict, Join(prefix, name));
    }

    /// <summary>Copies values from <paramref name="state"/> into this module's parameters and buffers
    /// (converting dtype and device). A shape mismatch is always an error; with <paramref name="strict"/>
    /// missing or unexpected keys are too. Returns the keys that did not match.</summary>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = new List<string>();
        foreach (var (key, target) in own)
        {
            if (!state.TryGetValue(key, out var source)) continue;
            var (ts, ss) = (target.Shape, source.Shape);
            if (!ts.SequenceEqual(ss))
                mismatched.Add($"{key}: checkpoint has shape [{string.Join(", ", ss)}], model has [{string.Join(", ", ts)}]");
        }
        var result = new LoadStateDictResult(missing, unexpected);
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictMismatchException(GetType().Name, result, mismatched);
        using (LibTorch.NoGrad())
            foreach (var (key, target) in own)
                if (state.TryGetValue(key, out var source))
                    target.CopyFrom(source);
        return result;
    }

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public virtual Module Train(bool training = true)
    {
        Training = training;
        foreach (var (_, child) in NamedChildren()) child.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode (PyTorch: eval()).</summary>
    public Module Eval() => Train(false);

    /// <summary>Moves parameters and buffers to <paramref name="device"/> in place (tensor objects keep their
    /// identity, so optimizers holding them stay valid).</summary>
    public Module To(Device device) => Apply(t => t.To(device));

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/> in place.</summary>
    public Module To(DType dtype) => Apply(t => t.DType.IsFloatingPoint() ? t.To(dtype) : t.Alias());

    /// <summary>Converts 4-D parameters to the given memory format (channels_last for faster conv on CPU).</summary>
    public Module To(MemoryFormat format) => Apply(t => t.Dim == 4 ? t.Contiguous(format) : t.Alias());

    private Module Apply(Func<Tensor, Tensor> convert)
    {
        using var scope = LibTorch.NewDisposeScope();
        using (LibTorch.NoGrad())
            foreach (var t in NamedParameters().Concat(NamedBuffers()).Select(p => p.Tensor))
                t.SetData(convert(t));
        return this;
    }

    /// <summary>Drops (default) or zeroes the gradients of all parameters.</summary>
    public void ZeroGrad(bool setToNone = true) => Tensor.ZeroGrad(Parameters().ToList(), setToNone);

    /// <summary>Number of parameter elements (trainable and frozen).</summary>
    public long NumParameters() => Parameters().Sum(p => p.NumEl);

    /// <summary>Freezes or unfreezes every parameter.</summary>
    public void RequiresGrad(bool requiresGrad)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
    }

    /// <summary>Frees every parameter and buffer of this module and its descendants.</summary>
    public void Dispose()
    {
        foreach (var p in parameters.Values) p?.Dispose();
        foreach (var b in buffers.Values) b?.Dispose();
        foreach (var c in children.Values) c.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}

/// <summary>Keys that did not line up when loading a state dict.</summary>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

/// <summary>A state dict that does not fit the module: names every missing, unexpected and mis-shaped key.</summary>
public sealed class StateDictMismatchException(string module, LoadStateDictResult result, IReadOnlyList<string> shapeMismatches)
    : Exception(Describe(module, result, shapeMismatches))
{
    public LoadStateDictResult Result { get; } = result;
    public IReadOnlyList<string> ShapeMismatches { get; } = shapeMismatches;

    private static string Describe(string module, LoadStateDictResult r, IReadOnlyList<string> shapes)
    {
        var parts = new List<string>();
        if (r.MissingKeys.Count > 0) parts.Add($"missing keys: {string.Join(", ", r.MissingKeys)}");
        if (r.UnexpectedKeys.Count > 0) parts.Add($"unexpected keys: {string.Join(", ", r.UnexpectedKeys)}");
        if (shapes.Count > 0) parts.Add($"size mismatch: {string.Join("; ", shapes)}");
        return $"error(s) loading state dict for {module}: {string.Join(". ", parts)}";
    }
}
