using System.Reflection;

namespace SrTrain.Abstractions.Registry;

/// <summary>One constructor parameter as an option key.</summary>
public sealed record OptionParameter(string Key, Type Type, bool HasDefault, object? Default, ParameterInfo Info)
{
    /// <summary>"num_feat: int = 64" style description.</summary>
    public override string ToString() =>
        $"{Key}: {OptionConversion.Describe(Type)}" + (HasDefault ? $" = {FormatDefault(Default)}" : " (required)");

    /// <summary>A default value as YAML would spell it (~, true, 'text', snake_case enum names).</summary>
    public static string FormatDefault(object? v) => v switch
    {
        null => "~",
        bool b => b ? "true" : "false",
        string s => $"'{s}'",
        Enum e => NameMatching.ToSnakeCase(e.ToString()),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>A type found in the registry: its kind, <c>type:</c> name, CLR type and option parameters
/// (those of its public constructor with the most parameters).</summary>
public sealed class RegisteredType
{
    internal RegisteredType(RegistryKind kind, string name, Type type)
    {
        (Kind, Name, Type) = (kind, name, type);
        Constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
                          .OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
                      ?? throw new InvalidOperationException($"{type.FullName} is registered as {kind} '{name}' but has no public constructor");
        Parameters = ConstructorBinder.ParametersOf(Constructor);
    }

    public RegistryKind Kind { get; }
    public string Name { get; }
    public Type Type { get; }
    public ConstructorInfo Constructor { get; }
    public IReadOnlyList<OptionParameter> Parameters { get; }

    /// <summary>Builds an instance from an option section (see <c>ConstructorBinder.Bind</c>).</summary>
    public object Create(IEnumerable<KeyValuePair<string, object?>> section, string where,
                         IReadOnlyDictionary<string, object?>? injected = null, IReadOnlySet<string>? ignoredKeys = null) =>
        ConstructorBinder.Bind(Constructor, Parameters, section, where,
                               $"{Kind.ToString().ToLowerInvariant()} type {Name}", injected, ignoredKeys);

    /// <summary>"RRDBNet(num_in_ch: int = 3, ...)".</summary>
    public override string ToString() => $"{Name}({string.Join(", ", Parameters)})";
}
