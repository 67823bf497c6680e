using System.Collections;
using System.Globalization;

namespace SrTrain.Engine.Checkpoints;

/// <summary>Typed reads from a loaded checkpoint tree (dicts keyed by string), with errors naming the
/// file and the key when a training state is not what SrTrain wrote.</summary>
internal static class TreeAccess
{
    public static IDictionary Map(object? tree, string file) =>
        tree as IDictionary ?? throw new InvalidDataException($"{file}: expected a dict at the top level, found {tree?.GetType().Name ?? "None"}");

    private static object? Get(IDictionary map, string key, string file) =>
        map.Contains(key) ? map[key] : throw new InvalidDataException($"{file}: training state has no '{key}' entry");

    public static long Long(IDictionary map, string key, string file) => Get(map, key, file) switch
    {
        long l => l,
        int i => i,
        var v => throw new InvalidDataException($"{file}: '{key}' should be an integer, found {Convert.ToString(v, CultureInfo.InvariantCulture)}"),
    };

    public static IReadOnlyList<object?> List(IDictionary map, string key, string file) => Get(map, key, file) switch
    {
        IList l => l.Cast<object?>().ToList(),
        var v => throw new InvalidDataException($"{file}: '{key}' should be a list, found {v?.GetType().Name ?? "None"}"),
    };

    public static bool TryGetValue(this IDictionary map, string key, out object? value)
    {
        value = map.Contains(key) ? map[key] : null;
        return map.Contains(key);
    }
}
