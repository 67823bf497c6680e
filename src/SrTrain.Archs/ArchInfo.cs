using System.Reflection;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch.Nn;
using Module = SrTrain.Torch.Nn.Module;

namespace SrTrain.Archs;

/// <summary>What the CLI needs to know about a registered arch: its option parameters (with defaults, for
/// <c>srtrain list archs</c>), the option that sets its scale and the scales it supports.</summary>
public sealed record ArchInfo(string Name, Type Type, IReadOnlyList<OptionParameter> Parameters,
                              string? ScaleKey, IReadOnlyList<int> SupportedScales)
{
    /// <summary>The arch registered as <paramref name="name"/> (an unknown name is an error listing the valid ones).</summary>
    public static ArchInfo Get(string name)
    {
        TypeRegistry.Register(typeof(ArchInfo).Assembly);
        return From(TypeRegistry.Get(RegistryKind.Arch, name, "arch"));
    }

    /// <summary>Every registered arch matching <paramref name="pattern"/> ('*' wildcard), by name.</summary>
    public static IReadOnlyList<ArchInfo> List(string pattern = "*")
    {
        TypeRegistry.Register(typeof(ArchInfo).Assembly);
        return TypeRegistry.List(RegistryKind.Arch, pattern).Select(From).ToList();
    }

    private static ArchInfo From(RegisteredType t)
    {
        var attr = t.Type.GetCustomAttribute<ScaleOptionAttribute>();
        return new ArchInfo(t.Name, t.Type, t.Parameters, attr?.Key, attr?.SupportedScales ?? []);
    }

    /// <summary>True for generators with a scale option; false for discriminators and feature extractors.</summary>
    public bool HasScale => ScaleKey is not null;

    /// <summary>Builds the arch from <paramref name="options"/> (BasicSR's keys), setting the scale option
    /// to <paramref name="scale"/> when given. A scale the arch cannot do, or a scale for an arch without
    /// one, is an error that says so.</summary>
    public Module Create(IEnumerable<KeyValuePair<string, object?>> options, int? scale = null, string where = "network_g")
    {
        var section = options.Where(p => p.Key != "type").Prepend(new("type", Name)).ToList();
        Dictionary<string, object?>? injected = null;
        if (scale is { } s)
        {
            if (ScaleKey is null) throw new OptionException($"{where}: {Name} has no scale option; it cannot be built for scale {s}");
            if (SupportedScales.Count > 0 && !SupportedScales.Contains(s))
                throw new OptionException($"{where}: {Name} supports scale {string.Join(", ", SupportedScales)}, not {s}");
            injected = new() { [ScaleKey] = s };
        }
        return TypeRegistry.Create<Module>(RegistryKind.Arch, section, where, injected);
    }
}
