namespace SrTrain.Bench;

/// <summary>Median seconds per step of each side; <see cref="Ratio"/> = reference / SrTrain (&gt; 1: SrTrain faster),
/// or the median of the rounds' own ratios where the benchmark gives it (<see cref="MedianRatio"/>: whole runs).</summary>
public sealed record BenchResult(string Name, string Description, double SrTrainSeconds, double? ReferenceSeconds,
                                 IReadOnlyDictionary<string, double> Extras, double? MedianRatio = null)
{
    public double? Ratio => MedianRatio ?? ReferenceSeconds / SrTrainSeconds;
}
