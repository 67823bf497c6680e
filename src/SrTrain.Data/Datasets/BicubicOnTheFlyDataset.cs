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
    private readonly ImageSource source;
    private readonly ImageFinish finish;

    public BicubicOnTheFlyDataset(string[] datarootGt, int scale = 4, string phase = "train", int? gtSize = null,
                                  bool useHflip = false, bool useRot = false, string[]? metaInfoFile = null,
                                  Dictionary<string, object?>? ioBackend = null, double[]? mean = null, double[]? std = null,
                                  string? color = null, string? name = null)
    {
        if (datarootGt.Length == 0) throw new ArgumentException("dataroot_gt: no folder given");
        if (scale < 1) throw new ArgumentException($"scale must be >= 1, got {scale}");
        IsTrain = phase == "train";
        if (IsTrain && gtSize is null) throw new ArgumentException("gt_size is required in the train phase");
        if (gtSize is { } g && g % scale != 0) throw new ArgumentException($"gt_size {g} is not divisible by scale {scale}");
        if (metaInfoFile is not null && metaInfoFile.Length != datarootGt.Length)
            throw new ArgumentException($"meta_info_file lists {metaInfoFile.Length} file(s) for {datarootGt.Length} dataroot_gt folder(s)");
        (Scale, GtSize, UseHflip, UseRot, Name) = (scale, gtSize, useHflip, useRot, name ?? "BicubicOnTheFlyDataset");
        source = ImageSource.FromOptions(ioBackend);
        for (int i = 0; i < datarootGt.Length; i++)
        {
            var rootPaths = metaInfoFile is null
                ? ImageFolder.List(datarootGt[i], "dataroot_gt")
                : ImageFolder.ReadMetaInfo(metaInfoFile[i]).Select(n => Path.Combine(datarootGt[i], n)).ToList();
            source.Attach(datarootGt[i], rootPaths);
            paths.AddRange(rootPaths);
        }
        finish = new ImageFinish(color, mean, std);
    }

    public int Scale { get; }
    public int? GtSize { get; }
    public bool UseHflip { get; }
    public bool UseRot { get; }
    public bool IsTrain { get; }
    public string Name { get; }

    /// <summary>The GT files in sample order.</summary>
    public IReadOnlyList<string> Paths => paths;

    public int Count => paths.Count;

    public Sample Get(int index, SampleRng rng)
    {
        var path = paths[index];
        using var stored = source.Open(path);
        Image gt;
        if (IsTrain)
        {
            int size = GtSize!.Value;
            var (top, left) = PairedRandomCrop.SinglePosition(stored.Height, stored.Width, size, rng, path);
            gt = Augment.Apply(stored.Crop(top, left, size, size), Augment.Choice.Draw(UseHflip, UseRot, rng));
        }
        else
        {
            gt = ModCrop.Apply(stored.ToImage(), Scale);
        }
        var lq = Imresize.Downscale(gt, Scale);
        return new Sample(finish.Apply(lq), finish.Apply(gt), path, path);
    }
}
