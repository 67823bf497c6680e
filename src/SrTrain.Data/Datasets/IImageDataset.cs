namespace SrTrain.Data.Datasets;

/// <summary>A dataset of SR samples (BasicSR's torch.utils.data.Dataset subclasses). <see cref="Get"/> must be
/// thread-safe: loader workers call it concurrently, each with the sample's own random generator.</summary>
public interface IImageDataset
{
    /// <summary>Number of samples (before <c>dataset_enlarge_ratio</c>).</summary>
    int Count { get; }

    /// <summary>Loads, crops and augments sample <paramref name="index"/> using only <paramref name="rng"/> for randomness.</summary>
    Sample Get(int index, SampleRng rng);
}
