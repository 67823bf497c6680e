using SrTrain.Abstractions.Registry;

namespace SrTrain.Data.Datasets;

/// <summary>BasicSR's SingleImageDataset: LQ images only (inference and test without ground truth), from
/// folder(s) or a meta_info file.</summary>
[Dataset("SingleImageDataset")]
public sealed class SingleImageDataset : IImageDataset
{
    private readonly List<string> paths = [];
    private readonly ImageSource source;
    private readonly ImageFinish finish;

    public SingleImageDataset(string[] datarootLq, string[]? metaInfoFile = null, Dictionary<string, object?>? ioBackend = null,
                              double[]? mean = null, double[]? std = null, string? color = null, string? name = null,
                              string phase = "test", int scale = 4)
    {
        if (datarootLq.Length == 0) throw new ArgumentException("dataroot_lq: no folder given");
        DatasetOptions.CheckMetaInfo(metaInfoFile, datarootLq.Length, "dataroot_lq");
        source = ImageSource.FromOptions(ioBackend);
        for (int i = 0; i < datarootLq.Length; i++)
        {
            if (metaInfoFile is null)
            {
                var listedFiles = ImageFolder.List(datarootLq[i], "dataroot_lq");
                source.Attach(datarootLq[i], listedFiles);
                paths.AddRange(listedFiles);
                continue;
            }
            var listed = ImageFolder.ReadMetaInfo(metaInfoFile[i]).Select(n => Path.Combine(datarootLq[i], n)).ToList();
            var missing = listed.Where(p => !File.Exists(p)).ToList();
            if (missing.Count > 0)
                throw new FileNotFoundException($"meta_info_file '{metaInfoFile[i]}' lists {missing.Count} missing file(s): {string.Join(", ", missing.Take(10))}");
            source.Attach(datarootLq[i], listed);
            paths.AddRange(listed);
        }
        finish = new ImageFinish(color, mean, std);
        Name = name ?? "SingleImageDataset";
    }

    public string Name { get; }

    /// <summary>The LQ files in sample order.</summary>
    public IReadOnlyList<string> Paths => paths;

    public int Count => paths.Count;

    public Sample Get(int index, SampleRng rng) => new(finish.Apply(source.Read(paths[index])), null, paths[index], null);
}
