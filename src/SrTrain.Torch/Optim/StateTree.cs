using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>Reads the loosely typed trees of optimizer and scheduler state dicts (what
/// <c>StateDict()</c> builds or a .pth reader returns: dictionaries, lists, tensors, numbers),
/// with errors that name the key path that is missing or has the wrong type.</summary>
internal static class StateTree
{
    /// <summary>The entry <paramref name="key"/> of a string-keyed dictionary, or throws naming <paramref name="path"/>.</summary>
    internal static object? Get(IDictionary dict, string key, string path) =>
        dict.Contains(key) ? dict[key] : throw new KeyNotFoundException($"state dict has no '{Join(path, key)}' entry");

    internal static bool Has(IDictionary dict, string key) => dict.Contains(key);

    internal static IDictionary AsDict(object? value, string path) =>
        value as IDictionary ?? throw new InvalidDataException($"state dict entry '{path}' should be a dictionary, found {Describe(value)}");

    internal static IList AsList(object? value, string path) =>
        value as IList ?? throw new InvalidDataException($"state dict entry '{path}' should be a list, found {Describe(value)}");

    internal static double AsDouble(object? value, string path) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        Tensor t when t.NumEl == 1 => t.Item(),
        _ => throw new InvalidDataException($"state dict entry '{path}' should be a number, found {Describe(value)}"),
    };

    internal static long AsLong(object? value, string path)
    {
        double d = AsDouble(value, path);
        if (d != Math.Floor(d)) throw new InvalidDataException($"state dict entry '{path}' should be an integer, found {d}");
        return (long)d;
    }

    internal static bool AsBool(object? value, string path) => value switch
    {
        bool b => b,
        long or int => AsLong(value, path) != 0,
        _ => throw new InvalidDataException($"state dict entry '{path}' should be a bool, found {Describe(value)}"),
    };

    internal static List<double> AsDoubles(object? value, string path)
    {
        var list = AsList(value, path);
        var result = new List<double>(list.Count);
        for (int i = 0; i < list.Count; i++) result.Add(AsDouble(list[i], $"{path}[{i}]"));
        return result;
    }

    internal static List<long> AsLongs(object? value, string path)
    {
        var list = AsList(value, path);
        var result = new List<long>(list.Count);
        for (int i = 0; i < list.Count; i++) result.Add(AsLong(list[i], $"{path}[{i}]"));
        return result;
    }

    /// <summary>A dictionary key as an integer: keys may arrive as long, int or their string form.</summary>
    internal static long KeyAsLong(object key, string path) => key switch
    {
        long l => l,
        int i => i,
        string s when long.TryParse(s, out var l) => l,
        _ => throw new InvalidDataException($"state dict key '{key}' under '{path}' should be a parameter index"),
    };

    internal static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    internal static string Describe(object? value) => value switch
    {
        null => "null",
        Tensor t => t.ToString(),
        _ => $"{value.GetType().Name} '{value}'",
    };

    internal static List<object?> Boxed(IEnumerable<double> values) => values.Select(v => (object?)v).ToList();

    internal static List<object?> Boxed(IEnumerable<long> values) => values.Select(v => (object?)v).ToList();
}
