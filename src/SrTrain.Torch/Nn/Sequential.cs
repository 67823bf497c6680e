namespace SrTrain.Torch.Nn;

/// <summary>Runs its children in order (PyTorch: nn.Sequential); children are named "0", "1", ...
/// so state-dict keys match PyTorch's (<c>body.3.conv1.weight</c>).</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> layers = [];

    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>A sequence of <paramref name="count"/> modules built by <paramref name="make"/>(index).</summary>
    public static Sequential Of(int count, Func<int, Module> make) => new(Enumerable.Range(0, count).Select(make).ToArray());

    public Sequential Append(Module module)
    {
        Register(layers.Count.ToString(), module);
        layers.Add(module);
        return this;
    }

    public int Count => layers.Count;
    public Module this[int index] => layers[index];

    /// <summary>Intermediate results belong to the enclosing dispose scope, like any op result.</summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers) x = layer.Forward(x);
        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}

/// <summary>An indexable list of modules registered as "0", "1", ... (PyTorch: nn.ModuleList); it has no Forward.</summary>
public sealed class ModuleList : Module
{
    private readonly List<Module> items = [];

    public ModuleList(params Module[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    public ModuleList Append(Module module)
    {
        Register(items.Count.ToString(), module);
        items.Add(module);
        return this;
    }

    public int Count => items.Count;
    public Module this[int index] => items[index];
    public IEnumerable<Module> Items => items;
}
