using SrTrain.Abstractions.Registry;

namespace SrTrain.Data.Datasets;

/// <summary>Real-ESRGAN's RealESRGANPairedDataset (finetune_realesrgan_x4plus_pairdata.yml, with
/// <c>high_order_degradation: false</c>): GT and LQ images from two folders, cropped and augmented as
/// <see cref="PairedImageDataset"/> does. Its <c>meta_info</c> lists one pair per line, <c>gt_path, lq_path</c>, relative
/// to dataroot_gt and dataroot_lq; without it the folders are paired by name through <c>filename_tmpl</c>.</summary>
[Dataset("RealESRGANPairedDataset")]
public sealed class RealEsrganPairedDataset : IImageDataset
{
    private readonly PairedImageDataset inner;

    /// <param name="datarootGt">GT folder.</param>
    /// <param name="datarootLq">LQ folder.</param>
    /// <param name="scale">Upscaling factor (injected from the top-level <c>scale</c>).</param>
    /// <param name="phase">"train" crops and augments; anything else returns whole images.</param>
    /// <param name="gtSize">GT patch size in the train phase.</param>
    /// <param name="useHflip">Random horizontal flips in the train phase.</param>
    /// <param name="useRot">Random vertical flips and rot90 in the train phase.</param>
    /// <param name="filenameTmpl">LQ name from GT name when there is no meta_info, e.g. "{}x4".</param>
    /// <param name="metaInfo">Optional list of pairs, "gt_path, lq_path" per line.</param>
    /// <param name="ioBackend"><c>{type: disk}</c>.</param>
    /// <param name="mean">Optional per-channel mean subtracted after augmentation (with <paramref name="std"/>).</param>
    /// <param name="std">Optional per-channel divisor.</param>
    /// <param name="name">Dataset name for messages.</param>
    public RealEsrganPairedDataset(string datarootGt, string datarootLq, int scale = 4, string phase = "train", int? gtSize = null,
                                   bool useHflip = false, bool useRot = false, string filenameTmpl = "{}", string? metaInfo = null,
                                   Dictionary<string, object?>? ioBackend = null, double[]? mean = null, double[]? std = null, string? name = null)
    {
        var options = new DatasetOptions(name ?? "RealESRGANPairedDataset", scale, phase, gtSize, useHflip, useRot, ioBackend, mean, std);
        var pairs = metaInfo is null
            ? PairedPaths.FromFolders(datarootGt, datarootLq, filenameTmpl)
            : ReadPairs(metaInfo, datarootGt, datarootLq);
        inner = new PairedImageDataset(options, datarootGt, datarootLq, pairs);
    }

    /// <summary>The shared dataset options (scale, phase, patch, flips, io backend).</summary>
    public DatasetOptions Options => inner.Options;

    /// <summary>The (GT, LQ) file pairs in sample order.</summary>
    public IReadOnlyList<(string Gt, string Lq)> Pairs => inner.Pairs;

    public int Count => inner.Count;

    public Sample Get(int index, SampleRng rng) => inner.Get(index, rng);

    public void SkipDraws(int index, SampleRng rng) => inner.SkipDraws(index, rng);

    /// <summary>The pairs of a Real-ESRGAN paired meta_info file (Real-ESRGAN's generate_meta_info_pairdata.py writes
    /// <c>gt, lq</c> per line); a malformed line or a missing file is an error naming the file and line.</summary>
    public static List<(string Gt, string Lq)> ReadPairs(string metaInfo, string gtRoot, string lqRoot)
    {
        if (!File.Exists(metaInfo)) throw new FileNotFoundException($"meta_info '{metaInfo}' does not exist", metaInfo);
        var pairs = new List<(string, string)>();
        var missing = new List<string>();
        int number = 0;
        foreach (var raw in File.ReadLines(metaInfo))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(',');
            if (parts.Length != 2 || parts.Any(p => p.Trim().Length == 0))
                throw new InvalidDataException($"meta_info '{metaInfo}' line {number}: expected 'gt_path, lq_path', got '{line}'");
            string gt = Path.Combine(gtRoot, parts[0].Trim()), lq = Path.Combine(lqRoot, parts[1].Trim());
            foreach (var f in new[] { gt, lq })
                if (!File.Exists(f)) missing.Add(f);
            pairs.Add((gt, lq));
        }
        if (missing.Count > 0)
            throw new FileNotFoundException($"meta_info '{metaInfo}' lists {missing.Count} file(s) that do not exist: " +
                                            string.Join(", ", missing.Take(10)) + (missing.Count > 10 ? $", ... ({missing.Count - 10} more)" : ""));
        if (pairs.Count == 0) throw new InvalidDataException($"meta_info '{metaInfo}' lists no pairs");
        return pairs;
    }
}
