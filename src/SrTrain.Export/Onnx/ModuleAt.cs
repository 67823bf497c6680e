using SrTrain.Torch.Nn;

namespace SrTrain.Export.Onnx;

/// <summary>A module with its dotted state-dict path (<c>body.3.rdb1</c>); <c>this["conv1"]</c> walks to a
/// registered child, so arch graphs read like the arch's Forward.</summary>
public readonly record struct ModuleAt(Module Module, string Path)
{
    /// <summary>The registered child <paramref name="name"/>; a missing one names this module.</summary>
    public ModuleAt this[string name]
    {
        get
        {
            foreach (var (n, child) in Module.NamedChildren())
                if (n == name) return new ModuleAt(child, Join(name));
            throw new OnnxExportException($"module '{Describe()}' ({Module.GetType().Name}) has no child '{name}' that the ONNX graph expects");
        }
    }

    /// <summary>True when a child <paramref name="name"/> is registered.</summary>
    public bool Has(string name) => Module.NamedChildren().Any(c => c.Name == name);

    /// <summary>The module as <typeparamref name="T"/>, or an error naming the path and both types.</summary>
    public T As<T>() where T : Module =>
        Module as T ?? throw new OnnxExportException($"module '{Describe()}' is a {Module.GetType().Name}, the ONNX graph expects a {typeof(T).Name}");

    /// <summary>The registered children in order.</summary>
    public IEnumerable<ModuleAt> Children()
    {
        var self = this;
        return Module.NamedChildren().Select(c => new ModuleAt(c.Module, self.Join(c.Name)));
    }

    /// <summary>The dotted path, or "(root)".</summary>
    public string Describe() => Path.Length == 0 ? "(root)" : Path;

    private string Join(string name) => Path.Length == 0 ? name : Path + "." + name;
}
