namespace SrTrain.Data.Loading;

/// <summary>Where a training loader's random draws come from (option <c>random_stream</c>; see
/// <see cref="DataLoaderOptions.RandomStream"/>).</summary>
public enum RandomStream
{
    /// <summary>One SplitMix64 generator per (seed, epoch, position): independent of the number of workers.</summary>
    PerSample,

    /// <summary>BasicSR's draws for the same seed and number of workers.</summary>
    BasicSR,
}
