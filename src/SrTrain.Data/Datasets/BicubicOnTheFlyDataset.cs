using SrTrain.Abstractions.Registry;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Datasets;

/// <summary>GT images only; the LQ is made on the fly by MATLAB bicubic downscaling (<see cref="Imresize"/>),
/// so a user with only DIV2K_train_HR can train. In the train phase the GT patch is cropped and augmented
/// first and then downscaled (cheap: one patch, not the whole image); near the patch border the result
/// therefore differs slightly from cropping a pre-made LR image, whose kernel saw the real neighbours.
/// Other phases mod-crop the whole GT and downscale it, which equals <c>srtrain prepare lr</c>.</summary>
[Dataset("BicubicOnTheFlyDataset")]
public sealed class BicubicOnTheFlyDataset : IImageDataset
{
    private readonly List<string> paths = [];

    public BicubicOnTheFlyDataset(string[] datarootGt, int scale = 4, string phase = "train", int? gtSize = null,
                                  bool useHflip = false, bool useRot = false, string[]? metaInfoFile = null,
                                  Dictionary<string, object?>? ioBackend = null, double[]? mean = null, double[]? std = null,
                                  string? color = null, string? name = null)
    {
        if (datarootGt.Length == 0) throw new ArgumentException("dataroot_gt: no folder given");
        DatasetOptions.CheckMetaInfo(metaInfoFile, datarootGt.Length, "dataroot_gt");
        Options = new DatasetOptions(name ?? "BicubicOnTheFlyDataset", scale, phase, gtSize, useHflip, useRot, ioBackend, mean, std, color);
        // The patch is downscaled whole, so it must divide by the scale (a paired dataset checks its patch when cropping).
        if (gtSize is { } g && g % scale != 0) throw new ArgumentException($"gt_size {g} is not divisible by scale {scale}");
        for (int i = 0; i < datarootGt.Length; i++)
        {
            var rootPaths = metaInfoFile is null
                ? ImageFolder.List(datarootGt[i], "dataroot_gt")
                : ImageFolder.ReadMetaInfo(metaInfoFile[i]).Select(n => Path.Combine(datarootGt[i], n)).ToList();
            Options.Source.Attach(datarootGt[i], rootPaths);
            paths.AddRange(rootPaths);
        }
    }

    /// <summary>The shared dataset options (scale, phase, patch, flips, colour, io backend).</summary>
    public DatasetOptions Options { get; }

    public string Name => Options.Name;

    /// <summary>The GT files in sample order.</summary>
    public IReadOnlyList<string> Paths => paths;

    public int Count => paths.Count;

    public Sample Get(int index, SampleRng rng)
    {
        var path = paths[index];
        using var stored = Options.Source.Open(path);
        Image gt;
        if (Options.IsTrain)
        {
            gt = Augment.Apply(PairedRandomCrop.Single(stored, Options.GtSize!.Value, rng, path), Options.DrawAugment(rng));
        }
        else
        {
            gt = ModCrop.Apply(stored.ToImage(), Options.Scale);
        }
        var lq = Imresize.Downscale(gt, Options.Scale);
        return new Sample(Options.Finish.Apply(lq), Options.Finish.Apply(gt), path, path);
    }
}
