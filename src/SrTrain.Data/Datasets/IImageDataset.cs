namespace SrTrain.Data.Datasets;

/// <summary>A dataset of SR samples (BasicSR's torch.utils.data.Dataset subclasses). <see cref="Get"/> must be
/// thread-safe: loader workers call it concurrently, each with the sample's own random generator.</summary>
public interface IImageDataset
{
    /// <summary>Number of samples (before <c>dataset_enlarge_ratio</c>).</summary>
    int Count { get; }

    /// <summary>Loads, crops and augments sample <paramref name="index"/> using only <paramref name="rng"/> for randomness.</summary>
    Sample Get(int index, SampleRng rng);

    /// <summary>Makes exactly the draws <see cref="Get"/> makes for sample <paramref name="index"/>, without needing
    /// its pixels (a resumed loader catches up with its random stream). This default loads the sample; datasets that
    /// can read sizes alone override it.</summary>
    void SkipDraws(int index, SampleRng rng) => Get(index, rng);
}
