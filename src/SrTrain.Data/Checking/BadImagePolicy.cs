using SrTrain.Abstractions.Registry;
using SrTrain.Data.Datasets;

namespace SrTrain.Data.Checking;

/// <summary>What training does with an image that cannot be read mid-run (<c>datasets.train.on_bad_image</c>):
/// <c>fail</c> (the default) stops with the file named; <c>skip</c> replaces the sample with the next readable one
/// and reports each bad file once.</summary>
public static class BadImagePolicy
{
    /// <summary>The option key, read by the data pipeline next to the loader's keys.</summary>
    public const string Key = "on_bad_image";

    /// <summary>The dataset to load from under the section's policy: <paramref name="dataset"/> itself for <c>fail</c>,
    /// a <see cref="SkippingDataset"/> around it for <c>skip</c>.</summary>
    public static IImageDataset Apply(IImageDataset dataset, IReadOnlyDictionary<string, object?> section, string where, Action<string>? report = null)
    {
        var value = section.TryGetValue(Key, out var v) && v is not null ? OptionConversion.Convert(v, typeof(string), $"{where}.{Key}") as string : null;
        return value?.ToLowerInvariant() switch
        {
            null or "fail" => dataset,
            "skip" when dataset is IMultiScaleDataset multi => new SkippingMultiScaleDataset(multi, report ?? Warn),
            "skip" => new SkippingDataset(dataset, report ?? Warn),
            _ => throw new OptionException($"{where}.{Key}: '{value}' is not one of fail, skip"),
        };
    }

    private static void Warn(string message) => Console.Error.WriteLine($"srtrain: warning: {message}");
}

/// <summary>A dataset whose unreadable samples (corrupt or truncated files: <see cref="ImageReadException"/>) are
/// replaced by the next readable sample in index order; each bad file is reported once. Deterministic: the
/// replacement depends only on the index and which files are bad, not on thread timing.</summary>
public class SkippingDataset(IImageDataset inner, Action<string> report) : IImageDataset
{
    private readonly HashSet<string> reported = [];

    /// <summary>Files skipped so far.</summary>
    public IReadOnlyCollection<string> Skipped { get { lock (reported) return reported.ToList(); } }

    public int Count => inner.Count;

    public Sample Get(int index, SampleRng rng) => FirstReadable(index, at => inner.Get(at, rng));

    /// <summary>Loads sample <paramref name="index"/> with <paramref name="load"/>, or the next readable one.</summary>
    protected Sample FirstReadable(int index, Func<int, Sample> load)
    {
        for (int tries = 0; tries < inner.Count; tries++)
        {
            int at = (index + tries) % inner.Count;
            try
            {
                return load(at);
            }
            catch (ImageReadException e)
            {
                bool first;
                lock (reported) first = reported.Add(e.FilePath);
                if (first) report($"on_bad_image: skip: {e.Message}; its samples are replaced by the next readable one");
            }
        }
        throw new InvalidDataException($"on_bad_image: skip: no image of the dataset ({inner.Count} samples) can be read");
    }
}

/// <summary><see cref="SkippingDataset"/> for a multi-scale dataset: batches keep their drawn scale.</summary>
public sealed class SkippingMultiScaleDataset(IMultiScaleDataset inner, Action<string> report) : SkippingDataset(inner, report), IMultiScaleDataset
{
    public IReadOnlyList<int> Scales => inner.Scales;

    public Sample Get(int index, SampleRng rng, int scale) => FirstReadable(index, at => inner.Get(at, rng, scale));
}
