using System.Reflection;

namespace SrTrain.Core.Registry;

/// <summary>One constructor parameter as an option key.</summary>
public sealed record OptionParameter(string Key, Type Type, bool HasDefault, object? Default, ParameterInfo Info)
{
    /// <summary>"num_feat: int = 64" style description.</summary>
    public override string ToString() =>
        $"{Key}: {OptionConversion.Describe(Type)}" + (HasDefault ? $" = {FormatDefault(Default)}" : " (required)");

    private static string FormatDefault(object? v) => v switch
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
        Parameters = Constructor.GetParameters()
            .Select(p => new OptionParameter(NameMatching.ToSnakeCase(p.Name!), p.ParameterType, p.HasDefaultValue,
                                             p.HasDefaultValue ? p.DefaultValue : null, p))
            .ToList();
    }

    public RegistryKind Kind { get; }
    public string Name { get; }
    public Type Type { get; }
    public ConstructorInfo Constructor { get; }
    public IReadOnlyList<OptionParameter> Parameters { get; }

    /// <summary>Builds an instance from an option section. Keys bind to constructor parameters by
    /// snake_case name; <paramref name="injected"/> values (from the engine, e.g. <c>scale</c>) are used
    /// for parameters that exist and override the section; keys in <paramref name="ignoredKeys"/> are
    /// skipped (consumed elsewhere). An unknown key is an error naming it and the nearest valid key.</summary>
    public object Create(IEnumerable<KeyValuePair<string, object?>> section, string where,
                         IReadOnlyDictionary<string, object?>? injected = null, IReadOnlySet<string>? ignoredKeys = null)
    {
        var byKey = Parameters.ToDictionary(p => p.Key);
        var values = new Dictionary<string, object?>();
        foreach (var (key, value) in section)
        {
            if (key == "type" || (ignoredKeys?.Contains(key) ?? false)) continue;
            if (!byKey.ContainsKey(key))
                throw new OptionException(
                    $"{where}: unknown key '{key}' for {Kind.ToString().ToLowerInvariant()} type {Name}{NameMatching.Suggestion(key, byKey.Keys)}; " +
                    $"valid keys: {string.Join(", ", byKey.Keys)}");
            values[key] = value;
        }
        if (injected is not null)
            foreach (var (key, value) in injected)
                if (byKey.ContainsKey(key)) values[key] = value;

        var args = new object?[Parameters.Count];
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (values.TryGetValue(p.Key, out var raw)) args[i] = OptionConversion.Convert(raw, p.Type, $"{where}.{p.Key}");
            else if (p.HasDefault) args[i] = p.Default;
            else throw new OptionException($"{where}: {Name} needs '{p.Key}' ({OptionConversion.Describe(p.Type)})");
        }
        try
        {
            return Constructor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new OptionException($"{where}: {Name} rejected its options: {e.InnerException.Message}");
        }
    }

    /// <summary>"RRDBNet(num_in_ch: int = 3, ...)".</summary>
    public override string ToString() => $"{Name}({string.Join(", ", Parameters)})";
}
