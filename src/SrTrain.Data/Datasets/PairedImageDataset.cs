using SrTrain.Abstractions.Registry;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Datasets;

/// <summary>BasicSR's PairedImageDataset: GT and LQ images read from two folders (or several, concatenated,
/// e.g. DIV2K + Flickr2K), paired by name through <c>filename_tmpl</c> or listed in <c>meta_info_file</c>.
/// In the train phase each sample is a random aligned <c>gt_size</c> / <c>gt_size/scale</c> crop with
/// flips/rot90; otherwise whole images, the GT cropped to exactly scale x the LQ.</summary>
[Dataset("PairedImageDataset")]
public sealed class PairedImageDataset : IImageDataset
{
    private readonly List<(string Gt, string Lq)> pairs = [];

    /// <param name="datarootGt">GT folder(s); a list concatenates datasets.</param>
    /// <param name="datarootLq">LQ folder(s), one per GT folder.</param>
    /// <param name="scale">Upscaling factor (injected from the top-level <c>scale</c>).</param>
    /// <param name="phase">"train" crops and augments; anything else returns whole images.</param>
    /// <param name="gtSize">GT patch size in the train phase.</param>
    /// <param name="useHflip">Random horizontal flips in the train phase.</param>
    /// <param name="useRot">Random vertical flips and rot90 in the train phase.</param>
    /// <param name="filenameTmpl">LQ name from GT name, e.g. "{}x4" for DIV2K's 0001x4.png.</param>
    /// <param name="metaInfoFile">Optional list of GT names per root (BasicSR meta_info format).</param>
    /// <param name="ioBackend"><c>{type: disk}</c>.</param>
    /// <param name="mean">Optional per-channel mean subtracted after augmentation (with <paramref name="std"/>).</param>
    /// <param name="std">Optional per-channel divisor.</param>
    /// <param name="color">"y" keeps only the Y channel of YCbCr.</param>
    /// <param name="name">Dataset name for messages (BasicSR logs it).</param>
    public PairedImageDataset(string[] datarootGt, string[] datarootLq, int scale = 4, string phase = "train", int? gtSize = null,
                              bool useHflip = false, bool useRot = false, string filenameTmpl = "{}", string[]? metaInfoFile = null,
                              Dictionary<string, object?>? ioBackend = null, double[]? mean = null, double[]? std = null,
                              string? color = null, string? name = null)
    {
        if (datarootGt.Length == 0) throw new ArgumentException("dataroot_gt: no folder given");
        if (datarootGt.Length != datarootLq.Length)
            throw new ArgumentException($"dataroot_gt lists {datarootGt.Length} folder(s) but dataroot_lq {datarootLq.Length}: give one LQ folder per GT folder");
        DatasetOptions.CheckMetaInfo(metaInfoFile, datarootGt.Length, "dataroot_gt");
        Options = new DatasetOptions(name ?? "PairedImageDataset", scale, phase, gtSize, useHflip, useRot, ioBackend, mean, std, color);
        for (int i = 0; i < datarootGt.Length; i++)
            Attach(datarootGt[i], datarootLq[i], metaInfoFile is null
                ? PairedPaths.FromFolders(datarootGt[i], datarootLq[i], filenameTmpl)
                : PairedPaths.FromMetaInfo(datarootGt[i], datarootLq[i], filenameTmpl, metaInfoFile[i]));
    }

    /// <summary>A paired dataset over pairs already listed (RealESRGANPairedDataset's own meta_info format).</summary>
    internal PairedImageDataset(DatasetOptions options, string gtRoot, string lqRoot, List<(string Gt, string Lq)> rootPairs)
    {
        Options = options;
        Attach(gtRoot, lqRoot, rootPairs);
    }

    private void Attach(string gtRoot, string lqRoot, List<(string Gt, string Lq)> rootPairs)
    {
        Options.Source.Attach(gtRoot, rootPairs.Select(p => p.Gt).ToList());
        Options.Source.Attach(lqRoot, rootPairs.Select(p => p.Lq).ToList());
        pairs.AddRange(rootPairs);
    }

    /// <summary>The shared dataset options (scale, phase, patch, flips, colour, io backend).</summary>
    public DatasetOptions Options { get; }

    public string Name => Options.Name;

    /// <summary>The (GT, LQ) file pairs in sample order.</summary>
    public IReadOnlyList<(string Gt, string Lq)> Pairs => pairs;

    public int Count => pairs.Count;

    public void SkipDraws(int index, SampleRng rng)
    {
        if (!Options.IsTrain) return;
        var (gtH, gtW, lqH, lqW) = sizes.GetOrAdd(index, i =>
        {
            using var gt = Options.Source.Open(pairs[i].Gt);
            using var lq = Options.Source.Open(pairs[i].Lq);
            return (gt.Height, gt.Width, lq.Height, lq.Width);
        });
        var (h, w) = PairedRandomCrop.GtRegion(gtH, gtW, lqH, lqW, Options.Scale, pairs[index].Gt, pairs[index].Lq);
        PairedRandomCrop.Position(h, w, lqH, lqW, Options.GtSize!.Value, Options.Scale, rng, pairs[index].Gt, pairs[index].Lq);
        Options.DrawAugment(rng);
    }

    // Image sizes seen by SkipDraws: a resumed run without loader workers replays every earlier batch's draws.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, (int, int, int, int)> sizes = new();

    public Sample Get(int index, SampleRng rng)
    {
        var (gtPath, lqPath) = pairs[index];
        using var gtStored = Options.Source.Open(gtPath);
        using var lqStored = Options.Source.Open(lqPath);
        Image gt, lq;
        if (Options.IsTrain)
        {
            // Only the two patches are converted to float, not the whole images.
            (gt, lq) = PairedRandomCrop.Apply(gtStored, lqStored, Options.GtSize!.Value, Options.Scale, rng, gtPath, lqPath);
            var choice = Options.DrawAugment(rng);
            gt = Augment.Apply(gt, choice);
            lq = Augment.Apply(lq, choice);
        }
        else
        {
            var (h, w) = PairedRandomCrop.GtRegion(gtStored.Height, gtStored.Width, lqStored.Height, lqStored.Width, Options.Scale, gtPath, lqPath);
            gt = gtStored.Crop(0, 0, h, w);
            lq = lqStored.ToImage();
        }
        return new Sample(Options.Finish.Apply(lq), Options.Finish.Apply(gt), lqPath, gtPath);
    }
}
