using SrTrain.Abstractions.Registry;

namespace SrTrain.Data.Datasets;

/// <summary>A dataset whose batches each come at one of several scales (MDSR and VDSR training): the loader draws the
/// scale of every batch (<see cref="DrawScale"/>) and loads its samples at it.</summary>
public interface IMultiScaleDataset : IImageDataset
{
    /// <summary>The scales a batch can have.</summary>
    IReadOnlyList<int> Scales { get; }

    /// <summary>Loads sample <paramref name="index"/> at <paramref name="scale"/> (one of <see cref="Scales"/>).</summary>
    Sample Get(int index, SampleRng rng, int scale);

    /// <summary>Advances <paramref name="rng"/> past sample <paramref name="index"/>'s draws at <paramref name="scale"/>.</summary>
    void SkipDraws(int index, SampleRng rng, int scale) => Get(index, rng, scale);

    /// <summary>The scale of batch <paramref name="batch"/> of <paramref name="epoch"/>: uniform over <see cref="Scales"/>, drawn
    /// from (seed, epoch, batch) alone, so a run resumed mid-epoch sees the same scale sequence.</summary>
    public int DrawScale(ulong seed, int epoch, int batch) =>
        Scales[SampleRng.For(seed, epoch, -2L - batch).NextInt(Scales.Count)];
}

/// <summary>BasicSR's PairedImageDataset at several scales (EDSR paper section 4.2, MDSR; VDSR section 4.2: one network
/// for x2, x3 and x4): one GT folder, one LQ folder per scale given as a mapping (<c>dataroot_lq: {2: .../X2_sub,
/// 3: .../X3_sub}</c>) or a template with <c>{scale}</c> (<c>.../X{scale}_sub</c>); <c>filename_tmpl</c> may hold
/// <c>{scale}</c> too (<c>'{}x{scale}'</c>). Every batch is of one scale, drawn per batch from the seeded generator; its GT
/// patches are <c>gt_size</c> and its LQ patches <c>gt_size / scale</c> (so gt_size must be a multiple of every scale).
/// Outside the train phase (or read without a scale) samples are at the first scale.</summary>
[Dataset("MultiScalePairedImageDataset")]
public sealed class MultiScalePairedImageDataset : IMultiScaleDataset
{
    private readonly Dictionary<int, PairedImageDataset> byScale = [];
    private readonly int[] scales;

    /// <param name="datarootGt">GT folder(s), shared by every scale.</param>
    /// <param name="datarootLq">LQ folders: a mapping scale -> folder(s), or one template (or list) holding <c>{scale}</c>.</param>
    /// <param name="scales">The scales batches are drawn from (e.g. [2, 3, 4]).</param>
    /// <param name="scale">Injected from the top-level <c>scale</c>; unused, the batches' scales come from <paramref name="scales"/>.</param>
    /// <param name="phase">"train" crops and augments.</param>
    /// <param name="gtSize">GT patch size; a multiple of every scale.</param>
    /// <param name="useHflip">Random horizontal flips in the train phase.</param>
    /// <param name="useRot">Random vertical flips and rot90 in the train phase.</param>
    /// <param name="filenameTmpl">LQ name from GT name; <c>{scale}</c> is replaced by each scale.</param>
    /// <param name="metaInfoFile">Optional list of GT names per root.</param>
    /// <param name="ioBackend"><c>{type: disk}</c>.</param>
    /// <param name="mean">Optional per-channel mean.</param>
    /// <param name="std">Optional per-channel divisor.</param>
    /// <param name="color">"y" keeps only the Y channel.</param>
    /// <param name="name">Dataset name for messages.</param>
    public MultiScalePairedImageDataset(string[] datarootGt, object datarootLq, int[] scales, int scale = 4, string phase = "train", int? gtSize = null,
                                        bool useHflip = false, bool useRot = false, string filenameTmpl = "{}", string[]? metaInfoFile = null,
                                        Dictionary<string, object?>? ioBackend = null, double[]? mean = null, double[]? std = null,
                                        string? color = null, string? name = null)
    {
        if (scales.Length == 0 || scales.Distinct().Count() != scales.Length || scales.Any(s => s < 1))
            throw new ArgumentException($"scales: expected distinct scales >= 1, got [{string.Join(", ", scales)}]");
        if (gtSize is { } size && scales.FirstOrDefault(s => size % s != 0) is var bad and > 0)
            throw new ArgumentException($"gt_size {size} is not a multiple of scale {bad}: the LQ patch is gt_size / scale");
        this.scales = scales;
        var lqRoots = LqRoots(datarootLq, scales);
        foreach (var s in scales)
        {
            var tmpl = filenameTmpl.Replace("{scale}", s.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            byScale[s] = new PairedImageDataset(datarootGt, lqRoots[s], s, phase, gtSize, useHflip, useRot, tmpl, metaInfoFile, ioBackend, mean, std, color, name);
        }
        var first = byScale[scales[0]];
        foreach (var s in scales.Skip(1))
            if (!byScale[s].Pairs.Select(p => p.Gt).SequenceEqual(first.Pairs.Select(p => p.Gt)))
                throw new ArgumentException($"dataroot_lq for scale {s} pairs with other GT images than scale {scales[0]}'s " +
                                            $"({byScale[s].Count} vs {first.Count} pairs): every scale needs an LQ image for each GT image");
        Name = name ?? "MultiScalePairedImageDataset";
    }

    public string Name { get; }

    public IReadOnlyList<int> Scales => scales;

    public int Count => byScale[scales[0]].Count;

    public Sample Get(int index, SampleRng rng) => Get(index, rng, scales[0]);

    public Sample Get(int index, SampleRng rng, int scale) => AtScale(scale).Get(index, rng);

    public void SkipDraws(int index, SampleRng rng) => SkipDraws(index, rng, scales[0]);

    public void SkipDraws(int index, SampleRng rng, int scale) => AtScale(scale).SkipDraws(index, rng);

    /// <summary>The single-scale dataset of each scale (what the training header pass checks).</summary>
    public IEnumerable<PairedImageDataset> PerScale => scales.Select(s => byScale[s]);

    private PairedImageDataset AtScale(int scale) =>
        byScale.TryGetValue(scale, out var d) ? d : throw new ArgumentException($"{Name}: no scale {scale} in scales [{string.Join(", ", scales)}]");

    /// <summary>The LQ folder(s) of each scale from a mapping or a <c>{scale}</c> template.</summary>
    private static Dictionary<int, string[]> LqRoots(object option, int[] scales)
    {
        static string[] Paths(object? v, string where) => v switch
        {
            string s => [s],
            IEnumerable<object?> list => list.Select(x => x as string ?? throw new ArgumentException($"{where}: expected folder paths, got {x ?? "~"}")).ToArray(),
            _ => throw new ArgumentException($"{where}: expected a folder or a list of folders, got {v ?? "~"}"),
        };
        if (option is IDictionary<string, object?> map)
        {
            var roots = new Dictionary<int, string[]>();
            foreach (var (key, value) in map)
                roots[int.TryParse(key, out var s) ? s : throw new ArgumentException($"dataroot_lq: mapping key '{key}' is not a scale")] = Paths(value, $"dataroot_lq.{key}");
            var missing = scales.Where(s => !roots.ContainsKey(s)).ToList();
            if (missing.Count > 0) throw new ArgumentException($"dataroot_lq: no folder for scale(s) {string.Join(", ", missing)}");
            return roots;
        }
        var templates = Paths(option, "dataroot_lq");
        if (templates.Any(t => !t.Contains("{scale}", StringComparison.Ordinal)))
            throw new ArgumentException("dataroot_lq: give a mapping {2: folder, 3: folder, ...} or a template holding {scale}, e.g. datasets/DIV2K/DIV2K_train_LR_bicubic/X{scale}_sub");
        return scales.ToDictionary(s => s, s => templates.Select(t => t.Replace("{scale}", s.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray());
    }
}
