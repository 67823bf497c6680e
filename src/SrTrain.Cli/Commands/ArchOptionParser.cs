namespace SrTrain.Cli.Commands;

/// <summary>The <c>--arch-opt key=value</c> options of <c>infer</c> and <c>interp</c>.</summary>
public static class ArchOptionParser
{
    /// <summary>Parses <c>key=value</c> pairs of <c>--arch-opt</c>; values stay strings and are converted
    /// to the constructor's types by the registry (so <c>num_block=23</c> binds an int).</summary>
    public static List<KeyValuePair<string, object?>> Parse(IEnumerable<string>? pairs)
    {
        var result = new List<KeyValuePair<string, object?>>();
        foreach (var pair in pairs ?? [])
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--arch-opt '{pair}': expected key=value, e.g. num_block=23");
            var key = pair[..eq].Trim();
            if (result.Any(p => p.Key == key)) throw new ArgumentException($"--arch-opt: '{key}' is given twice");
            result.Add(new(key, pair[(eq + 1)..].Trim()));
        }
        return result;
    }
}
