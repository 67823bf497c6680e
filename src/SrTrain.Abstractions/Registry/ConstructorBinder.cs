using System.Reflection;

namespace SrTrain.Abstractions.Registry;

/// <summary>Binds an option section to a constructor: keys are the parameters' names in snake_case.
/// Used for registered types (archs, losses, ...) and for the typed option records alike, so every
/// section of an option file is strict in the same way.</summary>
public static class ConstructorBinder
{
    /// <summary>Option warnings (keys accepted but without effect) raised on this thread since the last
    /// <see cref="TakeWarnings"/>.</summary>
    [ThreadStatic] private static List<string>? warnings;

    /// <summary>Returns and clears the warnings collected while binding.</summary>
    public static IReadOnlyList<string> TakeWarnings()
    {
        var w = warnings ?? [];
        warnings = null;
        return w;
    }

    internal static void Warn(string message) => (warnings ??= []).Add(message);

    /// <summary>The constructor's parameters as option keys.</summary>
    public static IReadOnlyList<OptionParameter> ParametersOf(ConstructorInfo constructor) =>
        constructor.GetParameters()
            .Select(p => new OptionParameter(NameMatching.ToSnakeCase(p.Name!), p.ParameterType, p.HasDefaultValue,
                                             p.HasDefaultValue ? p.DefaultValue : null, p))
            .ToList();

    /// <summary>The public constructor with the most parameters.</summary>
    public static ConstructorInfo PrimaryConstructor(Type type) =>
        type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
        ?? throw new InvalidOperationException($"{type.FullName} has no public constructor");

    /// <summary>Builds <paramref name="type"/> from a section.</summary>
    public static object Bind(Type type, IEnumerable<KeyValuePair<string, object?>> section, string where)
    {
        var ctor = PrimaryConstructor(type);
        return Bind(ctor, ParametersOf(ctor), section, where, $"section '{where}'", null, null);
    }

    /// <summary>Binds keys to parameters; <paramref name="injected"/> values (from the engine, e.g.
    /// <c>scale</c>) are used for parameters that exist and override the section; keys in
    /// <paramref name="ignoredKeys"/> are skipped (consumed elsewhere). An unknown key is an error
    /// naming it, the section and the nearest valid key; a key whose parameter carries
    /// <see cref="NoEffectAttribute"/> is accepted with a warning.</summary>
    public static object Bind(ConstructorInfo ctor, IReadOnlyList<OptionParameter> parameters,
                              IEnumerable<KeyValuePair<string, object?>> section, string where, string what,
                              IReadOnlyDictionary<string, object?>? injected, IReadOnlySet<string>? ignoredKeys)
    {
        var byKey = parameters.ToDictionary(p => p.Key);
        var values = new Dictionary<string, object?>();
        foreach (var (key, value) in section)
        {
            if (key == "type" && !byKey.ContainsKey("type")) continue;
            if (ignoredKeys?.Contains(key) ?? false) continue;
            if (!byKey.TryGetValue(key, out var parameter))
                throw new OptionException(
                    $"{where}: unknown key '{key}' for {what}{NameMatching.Suggestion(key, byKey.Keys)}; " +
                    $"valid keys: {string.Join(", ", byKey.Keys)}");
            if (parameter.Info.GetCustomAttribute<NoEffectAttribute>() is { } noEffect && value is not null)
                Warn($"{where}.{key} has no effect in SrTrain: {noEffect.Reason}");
            values[key] = value;
        }
        if (injected is not null)
            foreach (var (key, value) in injected)
                if (byKey.ContainsKey(key)) values[key] = value;

        var args = new object?[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (values.TryGetValue(p.Key, out var raw))
            {
                args[i] = OptionConversion.Convert(raw, p.Type, $"{where}.{p.Key}");
                // `key: ~` for a parameter declared non-nullable would reach the constructor as null and fail there.
                if (args[i] is null && !p.Type.IsValueType && new NullabilityInfoContext().Create(p.Info).WriteState == NullabilityState.NotNull)
                    throw new OptionException($"{where}.{p.Key}: a value of type {OptionConversion.Describe(p.Type)} is required, got null (~)");
            }
            else if (p.HasDefault) args[i] = p.Default;
            else throw new OptionException($"{where}: {what} needs '{p.Key}' ({OptionConversion.Describe(p.Type)})");
        }
        try
        {
            return ctor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is OptionException or Torch.TorchOutOfMemoryException)
        {
            // An allocation that failed is not a bad option: it keeps its type, so the CLI gives its advice.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
            throw;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new OptionException($"{where}: {what} rejected its options: {e.InnerException.Message}");
        }
    }
}

/// <summary>Marks an option key that BasicSR files use but that changes nothing in SrTrain; it is
/// accepted with a warning that gives <see cref="Reason"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class NoEffectAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}

/// <summary>One line of documentation for an option key, shown by <c>srtrain options --schema</c>.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Class)]
public sealed class OptionDocAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}
