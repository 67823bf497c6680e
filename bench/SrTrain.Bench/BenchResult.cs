namespace SrTrain.Bench;

/// <summary>Median seconds per step of each side; <see cref="Ratio"/> = reference / SrTrain (&gt; 1: SrTrain faster).</summary>
public sealed record BenchResult(string Name, string Description, double SrTrainSeconds, double? ReferenceSeconds,
                                 IReadOnlyDictionary<string, double> Extras)
{
    public double? Ratio => ReferenceSeconds / SrTrainSeconds;
}
