namespace SrTrain.Data.Datasets;

/// <summary>Several datasets read one after another (PyTorch's ConcatDataset), e.g. DIV2K and Flickr2K built
/// with different options. Lists of dataroots in one section do the same for datasets that share options.</summary>
public sealed class ConcatDataset : IImageDataset
{
    private readonly IImageDataset[] parts;
    private readonly int[] starts;

    public ConcatDataset(IEnumerable<IImageDataset> datasets)
    {
        parts = datasets.ToArray();
        if (parts.Length == 0) throw new ArgumentException("ConcatDataset needs at least one dataset");
        starts = new int[parts.Length];
        int total = 0;
        for (int i = 0; i < parts.Length; i++) { starts[i] = total; total = checked(total + parts[i].Count); }
        Count = total;
    }

    public int Count { get; }

    public Sample Get(int index, SampleRng rng)
    {
        int part = PartOf(index);
        return parts[part].Get(index - starts[part], rng);
    }

    public void SkipDraws(int index, SampleRng rng)
    {
        int part = PartOf(index);
        parts[part].SkipDraws(index - starts[part], rng);
    }

    private int PartOf(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside [0, {Count})");
        int part = Array.BinarySearch(starts, index);
        if (part < 0) part = ~part - 1;
        while (part + 1 < parts.Length && starts[part + 1] == index) part++;  // skip empty parts
        return part;
    }
}
