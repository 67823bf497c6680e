using System.Collections;
using System.Globalization;

namespace SrTrain.Abstractions.Registry;

/// <summary>Converts option values as parsed from YAML (strings, numbers, bools, null, lists of
/// values, string-keyed maps) to the .NET type a constructor parameter asks for. YAML 1.1 forms
/// such as <c>1e-4</c>, <c>!!float 2e5</c> (already stripped of the tag) and <c>~</c> are accepted.</summary>
public static class OptionConversion
{
    /// <summary>Converts <paramref name="value"/> to <paramref name="target"/>; <paramref name="where"/>
    /// names the key in error messages (e.g. "network_g.num_feat").</summary>
    public static object? Convert(object? value, Type target, string where)
    {
        var underlying = Nullable.GetUnderlyingType(target);
        if (value is null || (value is string s0 && IsNull(s0)))
        {
            if (underlying is not null || !target.IsValueType) return null;
            throw new OptionException($"{where}: a value of type {Describe(target)} is required, got null");
        }
        target = underlying ?? target;
        try
        {
            if (target == typeof(object)) return value;
            if (target.IsInstanceOfType(value) && target != typeof(string)) return value;
            if (target == typeof(string)) return value is string str ? str : System.Convert.ToString(value, CultureInfo.InvariantCulture);
            if (target == typeof(bool)) return ToBool(value, where);
            if (target == typeof(int)) return checked((int)ToLong(value, where));
            if (target == typeof(long)) return ToLong(value, where);
            if (target == typeof(double)) return ToDouble(value, where);
            if (target == typeof(float)) return (float)ToDouble(value, where);
            if (target.IsEnum) return ToEnum(value, target, where);
            if (target.IsArray) return ToArray(value, target.GetElementType()!, where);
            if (target == typeof(Dictionary<string, object?>) || target == typeof(IReadOnlyDictionary<string, object?>))
                return AsMap(value, where).ToDictionary(p => p.Key, p => p.Value);
            if (target.IsGenericType)
            {
                var def = target.GetGenericTypeDefinition();
                var args = target.GetGenericArguments();
                if (def == typeof(List<>) || def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>))
                {
                    var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args[0]))!;
                    foreach (var item in AsList(value, where)) list.Add(Convert(item, args[0], where));
                    return list;
                }
                if ((def == typeof(Dictionary<,>) || def == typeof(IReadOnlyDictionary<,>) || def == typeof(IDictionary<,>)) && args[0] == typeof(string))
                {
                    var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
                    foreach (var (k, v) in AsMap(value, where)) dict[k] = Convert(v, args[1], $"{where}.{k}");
                    return dict;
                }
            }
        }
        catch (OptionException) { throw; }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw new OptionException($"{where}: cannot read '{Show(value)}' as {Describe(target)}");
        }
        // A nested option record (a class or record with a public constructor) binds from a mapping.
        if (target.IsClass && target != typeof(string) && value is not string && IsMapping(value))
            return ConstructorBinder.Bind(target, AsMap(value, where), where);
        throw new OptionException($"{where}: cannot read {Describe(value)} '{Show(value)}' as {Describe(target)}");
    }

    private static bool IsMapping(object value) => value is IDictionary or IEnumerable<KeyValuePair<string, object?>>;

    private static bool IsNull(string s) => s is "~" or "null" or "Null" or "NULL" or "None";

    private static bool ToBool(object value, string where) => value switch
    {
        bool b => b,
        string s when s.ToLowerInvariant() is "true" or "yes" or "on" => true,
        string s when s.ToLowerInvariant() is "false" or "no" or "off" => false,
        _ => throw new OptionException($"{where}: '{Show(value)}' is not a boolean (true/false)"),
    };

    private static long ToLong(object value, string where)
    {
        switch (value)
        {
            case long l: return l;
            case int i: return i;
            case double d when d == Math.Floor(d) && Math.Abs(d) < 9e18: return (long)d;
            case string s:
                if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l2)) return l2;
                // BasicSR files write counts such as total_iter: !!float 4e5.
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d2) && d2 == Math.Floor(d2) && Math.Abs(d2) < 9e18)
                    return (long)d2;
                break;
        }
        throw new OptionException($"{where}: '{Show(value)}' is not an integer");
    }

    private static double ToDouble(object value, string where) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        string s when s.ToLowerInvariant() is ".inf" or "inf" => double.PositiveInfinity,
        string s when s.ToLowerInvariant() is "-.inf" or "-inf" => double.NegativeInfinity,
        _ => throw new OptionException($"{where}: '{Show(value)}' is not a number"),
    };

    private static object ToEnum(object value, Type target, string where)
    {
        var text = System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        foreach (var name in Enum.GetNames(target))
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(NameMatching.ToSnakeCase(name), text, StringComparison.OrdinalIgnoreCase))
                return Enum.Parse(target, name);
        var valid = Enum.GetNames(target).Select(NameMatching.ToSnakeCase).ToList();
        throw new OptionException($"{where}: '{text}' is not one of {string.Join(", ", valid)}{NameMatching.Suggestion(text, valid)}");
    }

    private static Array ToArray(object value, Type element, string where)
    {
        var items = AsList(value, where);
        var array = Array.CreateInstance(element, items.Count);
        for (int i = 0; i < items.Count; i++) array.SetValue(Convert(items[i], element, $"{where}[{i}]"), i);
        return array;
    }

    /// <summary>A YAML sequence as a list; a single scalar counts as a one-element list.</summary>
    public static IReadOnlyList<object?> AsList(object? value, string where) => value switch
    {
        null => [],
        string s => [s],
        IEnumerable<object?> e and not IDictionary => e.ToList(),
        IEnumerable e and not IDictionary => e.Cast<object?>().ToList(),
        _ => [value],
    };

    /// <summary>A YAML mapping as string-keyed pairs.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> AsMap(object? value, string where) => value switch
    {
        IEnumerable<KeyValuePair<string, object?>> m => m,
        IDictionary d => d.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(k.ToString()!, d[k])),
        _ => throw new OptionException($"{where}: expected a mapping of key: value, got '{Show(value)}'"),
    };

    /// <summary>A value as the option file would write it ([1, 2], {x: 1}), for messages.</summary>
    private static string Show(object? value) => value switch
    {
        null => "~",
        string s => s,
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => $"{k}: {Show(d[k])}")) + "}",
        IEnumerable<KeyValuePair<string, object?>> m => "{" + string.Join(", ", m.Select(kv => $"{kv.Key}: {Show(kv.Value)}")) + "}",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string => "text",
        IDictionary => "a mapping",
        IEnumerable => "a list",
        _ => value.GetType().Name,
    };

    /// <summary>A readable name of a parameter type for messages and the schema.</summary>
    public static string Describe(Type t)
    {
        var u = Nullable.GetUnderlyingType(t);
        if (u is not null) return Describe(u) + "?";
        if (t == typeof(int) || t == typeof(long)) return "int";
        if (t == typeof(double) || t == typeof(float)) return "float";
        if (t == typeof(bool)) return "bool";
        if (t == typeof(string)) return "str";
        if (t.IsEnum) return string.Join("|", Enum.GetNames(t).Select(NameMatching.ToSnakeCase));
        if (t.IsArray) return $"list[{Describe(t.GetElementType()!)}]";
        if (t.IsGenericType && t.GetGenericArguments().Length == 1) return $"list[{Describe(t.GetGenericArguments()[0])}]";
        if (t.IsGenericType && t.GetGenericArguments().Length == 2) return $"map[str, {Describe(t.GetGenericArguments()[1])}]";
        return t.Name;
    }
}

/// <summary>An option file that cannot be used as written; the message names the key and the fix.</summary>
public sealed class OptionException(string message) : Exception(message);
