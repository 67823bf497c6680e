using SrTrain.Abstractions.Registry;
using SrTrain.Data.Datasets;

namespace SrTrain.Data.Checking;

/// <summary>Reads the datasets an option file names before any training (<c>srtrain check</c>): resolves each
/// section's roots, <c>meta_info_file</c> and <c>filename_tmpl</c> as the dataset classes do (<see cref="ImageFolder"/>,
/// <see cref="PairedPaths"/>), and reports every unpaired name, size mismatch for the scale, image smaller than the
/// patch, unreadable or truncated file, grayscale or alpha image and duplicate. The header pass
/// (<see cref="CheckSizes"/>) is what training runs itself before its first step.</summary>
public static class DatasetInspector
{
    /// <summary>Inspects one dataset section. <paramref name="deep"/> decodes and hashes every image; otherwise only
    /// PNG headers are read.</summary>
    public static void Inspect(string set, IReadOnlyDictionary<string, object?> section, int scale, bool deep, DatasetReport report)
    {
        var where = $"datasets.{set}";
        string? type = section.GetValueOrDefault("type") as string;
        bool train = set == "train";
        int? gtSize = train ? Get<int?>(section, "gt_size", where) : null;
        var tmpl = Get<string?>(section, "filename_tmpl", where) ?? "{}";
        var meta = Get<string[]?>(section, "meta_info_file", where);
        switch (type)
        {
            case "PairedImageDataset":
            {
                var gtRoots = Get<string[]?>(section, "dataroot_gt", where) ?? [];
                var lqRoots = Get<string[]?>(section, "dataroot_lq", where) ?? [];
                var pairs = new List<(string Gt, string Lq)>();
                for (int i = 0; i < Math.Min(gtRoots.Length, lqRoots.Length); i++)
                    pairs.AddRange(ResolvePairs(where, gtRoots[i], lqRoots[i], tmpl, meta is not null && i < meta.Length ? meta[i] : null, report));
                CheckPairs(where, pairs, scale, gtSize, train, deep, report);
                break;
            }
            case "BicubicOnTheFlyDataset":
            {
                var roots = Get<string[]?>(section, "dataroot_gt", where) ?? [];
                var files = new List<string>();
                for (int i = 0; i < roots.Length; i++)
                    files.AddRange(ResolveSingle(where, "dataroot_gt", roots[i], meta is not null && i < meta.Length ? meta[i] : null, report));
                CheckSingles(where, files, gtSize, deep, report);
                break;
            }
            case "SingleImageDataset":
            {
                var roots = Get<string[]?>(section, "dataroot_lq", where) ?? [];
                var files = new List<string>();
                for (int i = 0; i < roots.Length; i++)
                    files.AddRange(ResolveSingle(where, "dataroot_lq", roots[i], meta is not null && i < meta.Length ? meta[i] : null, report));
                CheckSingles(where, files, null, deep, report);
                break;
            }
            // Other registered datasets (extensions) resolve their own files: the check leaves them to their constructors.
        }
    }

    /// <summary>The header pass training runs before its first step over a dataset it has built: GT/LQ sizes for
    /// the scale and images smaller than the patch, from PNG headers. Throws an <see cref="InvalidDataException"/>
    /// naming the files.</summary>
    public static void CheckSizes(IImageDataset dataset, string where)
    {
        var report = new DatasetReport();
        switch (dataset)
        {
            case PairedImageDataset paired:
                CheckPairs(where, paired.Pairs.ToList(), paired.Options.Scale, paired.Options.IsTrain ? paired.Options.GtSize : null,
                           paired.Options.IsTrain, deep: false, report, colourAndDuplicates: false);
                break;
            case BicubicOnTheFlyDataset bicubic:
                CheckSingles(where, bicubic.Paths.ToList(), bicubic.Options.IsTrain ? bicubic.Options.GtSize : null, deep: false, report,
                             colourAndDuplicates: false);
                break;
            case MultiScalePairedImageDataset multi:
                foreach (var paired in multi.PerScale)
                    CheckPairs(where, paired.Pairs.ToList(), paired.Options.Scale, paired.Options.IsTrain ? paired.Options.GtSize : null,
                               paired.Options.IsTrain, deep: false, report, colourAndDuplicates: false);
                break;
            case ConcatDataset:
                break;   // its parts were checked when they were built through the registry
        }
        report.ThrowIfBlocking();
    }

    private static List<(string Gt, string Lq)> ResolvePairs(string where, string gtRoot, string lqRoot, string tmpl, string? meta,
                                                            DatasetReport report)
    {
        if (meta is not null)
        {
            var names = ReadMeta(where, meta, report);
            if (names is null) return [];
            var pairs = new List<(string, string)>();
            int gtFound = 0, lqFound = 0;
            foreach (var name in names)
            {
                var dir = Path.GetDirectoryName(name) ?? "";
                var lqName = Path.Combine(dir, PairedPaths.Template(tmpl, Path.GetFileNameWithoutExtension(name)) + Path.GetExtension(name));
                string gt = Path.Combine(gtRoot, name), lq = Path.Combine(lqRoot, lqName);
                bool hasGt = File.Exists(gt), hasLq = File.Exists(lq);
                if (hasGt) gtFound++;
                if (hasLq) lqFound++;
                if (!hasGt) report.Findings.Add(new(where, FindingKind.MissingFile, true, gt, $"listed in meta_info_file '{meta}'"));
                if (!hasLq) report.Findings.Add(new(where, FindingKind.MissingFile, true, lq, $"LQ of {name} (filename_tmpl '{tmpl}')"));
                if (hasGt && hasLq) pairs.Add((gt, lq));
            }
            report.Roots.Add(new RootCount(where, "dataroot_gt", gtRoot, gtFound));
            report.Roots.Add(new RootCount(where, "dataroot_lq", lqRoot, lqFound));
            return pairs;
        }
        var gtFiles = List(where, "dataroot_gt", gtRoot, report);
        var lqFiles = List(where, "dataroot_lq", lqRoot, report);
        if (gtFiles is null || lqFiles is null) return [];
        var m = PairedPaths.Match(gtRoot, gtFiles, lqRoot, lqFiles, tmpl);
        foreach (var (gt, expected) in m.GtWithoutLq)
            report.Findings.Add(new(where, FindingKind.GtWithoutLq, true, Path.Combine(gtRoot, gt), $"expected {expected}.* in {lqRoot} (filename_tmpl '{tmpl}')"));
        foreach (var lq in m.LqWithoutGt)
            report.Findings.Add(new(where, FindingKind.LqWithoutGt, true, Path.Combine(lqRoot, lq), $"no GT in {gtRoot} is named for it by filename_tmpl '{tmpl}'"));
        return m.Pairs;
    }

    private static List<string> ResolveSingle(string where, string key, string root, string? meta, DatasetReport report)
    {
        if (meta is null) return List(where, key, root, report) ?? [];
        var names = ReadMeta(where, meta, report);
        if (names is null) return [];
        var files = new List<string>();
        foreach (var name in names)
        {
            var path = Path.Combine(root, name);
            if (File.Exists(path)) files.Add(path);
            else report.Findings.Add(new(where, FindingKind.MissingFile, true, path, $"listed in meta_info_file '{meta}'"));
        }
        report.Roots.Add(new RootCount(where, key, root, files.Count));
        return files;
    }

    private static List<string>? ReadMeta(string where, string meta, DatasetReport report)
    {
        if (!File.Exists(meta))
        {
            report.Findings.Add(new(where, FindingKind.MissingFile, true, meta, "meta_info_file does not exist"));
            return null;
        }
        var names = ImageFolder.ReadMetaInfo(meta);
        if (names.Count == 0) report.Findings.Add(new(where, FindingKind.Empty, true, meta, "meta_info_file lists no images"));
        return names;
    }

    private static List<string>? List(string where, string key, string root, DatasetReport report)
    {
        if (!Directory.Exists(root))
        {
            report.Findings.Add(new(where, FindingKind.MissingFolder, true, root, $"{key} does not exist"));
            report.Roots.Add(new RootCount(where, key, root, 0));
            return null;
        }
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(ImageIO.IsImageFile)
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        report.Roots.Add(new RootCount(where, key, root, files.Count));
        if (files.Count == 0)
        {
            report.Findings.Add(new(where, FindingKind.Empty, true, root, $"{key} holds no image files ({string.Join(", ", ImageIO.Extensions)})"));
            return null;
        }
        return files;
    }

    private static void CheckPairs(string where, List<(string Gt, string Lq)> pairs, int scale, int? gtSize, bool train, bool deep,
                                   DatasetReport report, bool colourAndDuplicates = true)
    {
        var facts = Facts(pairs.SelectMany(p => new[] { p.Gt, p.Lq }).ToList(), deep, where, report, colourAndDuplicates);
        foreach (var (gtPath, lqPath) in pairs)
        {
            var (gt, lq) = (facts[gtPath], facts[lqPath]);
            if (gt.Height is not { } gh || gt.Width is not { } gw || lq.Height is not { } lh || lq.Width is not { } lw) continue;
            // Training crops aligned patches, so the GT must be exactly scale x the LQ; validation also accepts a GT that
            // was not mod-cropped (PairedRandomCrop.GtRegion).
            bool sizesFit = train ? gh == lh * scale && gw == lw * scale
                : gh >= lh * scale && gw >= lw * scale && gh - lh * scale < scale && gw - lw * scale < scale;
            if (!sizesFit)
            {
                report.Findings.Add(new(where, FindingKind.ScaleMismatch, true, gtPath,
                    $"GT is {gh}x{gw}, LQ {Path.GetFileName(lqPath)} is {lh}x{lw}; with scale {scale} the GT should be {lh * scale}x{lw * scale}"));
                continue;
            }
            if (gtSize is { } g && g > 0 && (lh < g / scale || lw < g / scale))
                report.Findings.Add(new(where, FindingKind.TooSmall, true, gtPath,
                    $"GT {gh}x{gw} (LQ {lh}x{lw}) is smaller than the patch gt_size {g} (LQ {g / scale}); lower gt_size or remove the image"));
        }
    }

    private static void CheckSingles(string where, List<string> files, int? gtSize, bool deep, DatasetReport report, bool colourAndDuplicates = true)
    {
        var facts = Facts(files, deep, where, report, colourAndDuplicates);
        if (gtSize is not { } g) return;
        foreach (var f in files)
            if (facts[f] is { Height: { } h, Width: { } w } && (h < g || w < g))
                report.Findings.Add(new(where, FindingKind.TooSmall, true, f, $"{h}x{w} is smaller than the patch gt_size {g}; lower gt_size or remove the image"));
    }

    /// <summary>Facts of every file (in parallel), with unreadable files, colour surprises and duplicates reported.</summary>
    private static Dictionary<string, ImageFacts> Facts(List<string> files, bool deep, string where, DatasetReport report, bool colourAndDuplicates)
    {
        var distinct = files.Distinct().ToArray();
        var facts = new ImageFacts[distinct.Length];
        Parallel.For(0, distinct.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                     i => facts[i] = deep ? ImageFacts.Decode(distinct[i]) : ImageFacts.FromHeader(distinct[i]));
        report.ImagesInspected += distinct.Length;
        foreach (var f in facts)
        {
            if (f.Error is not null) report.Findings.Add(new(where, FindingKind.Unreadable, true, f.Path, f.Error));
            if (!colourAndDuplicates) continue;
            if (f.Channels is 1 or 2)
                report.Findings.Add(new(where, FindingKind.Grayscale, false, f.Path, "one channel; read as RGB with the gray value in each channel"));
            if (f.Channels is 2 or 4)
                report.Findings.Add(new(where, FindingKind.Alpha, false, f.Path, "has an alpha channel; it is dropped when read (transparent pixels keep their colour)"));
        }
        if (colourAndDuplicates)
            foreach (var group in facts.Where(f => f.Hash is not null).GroupBy(f => f.Hash).Where(g => g.Count() > 1))
            {
                var same = group.Select(f => f.Path).ToList();
                foreach (var dup in same.Skip(1))
                    report.Findings.Add(new(where, FindingKind.Duplicate, false, dup, $"same content as {same[0]}"));
            }
        return distinct.Select((p, i) => (p, facts[i])).ToDictionary(x => x.p, x => x.Item2);
    }

    private static T? Get<T>(IReadOnlyDictionary<string, object?> section, string key, string where) =>
        section.TryGetValue(key, out var v) && v is not null ? (T?)OptionConversion.Convert(v, typeof(T), $"{where}.{key}") : default;
}
