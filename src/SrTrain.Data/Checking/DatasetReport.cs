namespace SrTrain.Data.Checking;

/// <summary>The number of images found under one data root of a dataset section.</summary>
public sealed record RootCount(string Set, string Key, string Root, int Images);

/// <summary>What <see cref="DatasetInspector"/> found in the dataset sections of an option file.</summary>
public sealed class DatasetReport
{
    /// <summary>Images found per data root.</summary>
    public List<RootCount> Roots { get; } = [];

    /// <summary>Every problem found, blocking or not.</summary>
    public List<DatasetFinding> Findings { get; } = [];

    /// <summary>Images inspected (decoded in full, or their headers read).</summary>
    public int ImagesInspected { get; set; }

    /// <summary>True when nothing found stops training.</summary>
    public bool CanTrain => !Findings.Any(f => f.Blocking);

    /// <summary>Throws an <see cref="InvalidDataException"/> listing the blocking findings (the first
    /// <paramref name="max"/> of each kind) when there are any.</summary>
    public void ThrowIfBlocking(int max = 5)
    {
        var blocking = Findings.Where(f => f.Blocking).ToList();
        if (blocking.Count == 0) return;
        var lines = blocking.GroupBy(f => (f.Set, f.Kind)).SelectMany(g =>
            g.Take(max).Select(f => f.ToString()).Concat(g.Count() > max ? [$"{g.Key.Set}: ... {g.Count() - max} more {DatasetFinding.Label(g.Key.Kind)}"] : []));
        throw new InvalidDataException(
            $"the datasets cannot be trained on ({blocking.Count} problem(s); `srtrain check -opt FILE` reports them all):\n  " + string.Join("\n  ", lines));
    }
}
