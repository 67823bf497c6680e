namespace SrTrain.Data.Datasets;

/// <summary>GT/LQ file pairs of a paired dataset, matched by name through <c>filename_tmpl</c> (BasicSR's
/// paired_paths_from_folder / paired_paths_from_meta_info_file).</summary>
public static class PairedPaths
{
    /// <summary>Pairs every GT file with the LQ file named <c>filename_tmpl</c> with <c>{}</c> replaced by the
    /// GT name (any image extension, e.g. <c>{}x4</c>: 0001.png ↔ 0001x4.png). Unpaired files on either side
    /// are an error that lists them.</summary>
    public static List<(string Gt, string Lq)> FromFolders(string gtRoot, string lqRoot, string filenameTmpl)
    {
        var m = Match(gtRoot, ImageFolder.List(gtRoot, "dataroot_gt"), lqRoot, ImageFolder.List(lqRoot, "dataroot_lq"), filenameTmpl);
        if (m.GtWithoutLq.Count > 0 || m.LqWithoutGt.Count > 0)
        {
            var parts = new List<string>();
            if (m.GtWithoutLq.Count > 0)
                parts.Add($"{m.GtWithoutLq.Count} GT file(s) without LQ: {Head(m.GtWithoutLq.Select(g => $"{g.Gt} (expected {g.ExpectedLq}.* in {lqRoot})").ToList())}");
            if (m.LqWithoutGt.Count > 0) parts.Add($"{m.LqWithoutGt.Count} LQ file(s) without GT in {gtRoot}: {Head(m.LqWithoutGt.ToList())}");
            throw new InvalidDataException(
                $"unpaired images between dataroot_gt '{gtRoot}' and dataroot_lq '{lqRoot}' (filename_tmpl '{filenameTmpl}'): {string.Join("; ", parts)}");
        }
        return m.Pairs;
    }

    /// <summary>How the files of a GT and an LQ folder pair up: the pairs, the GT files (relative) without an LQ
    /// file and the LQ stem expected for each, and the LQ files (relative) that no GT file names.</summary>
    public sealed record FolderMatch(List<(string Gt, string Lq)> Pairs, IReadOnlyList<(string Gt, string ExpectedLq)> GtWithoutLq,
                                     IReadOnlyList<string> LqWithoutGt);

    /// <summary>Pairs listed GT and LQ files by name through the template without failing on unpaired ones
    /// (<c>srtrain check</c> reports them all).</summary>
    public static FolderMatch Match(string gtRoot, IReadOnlyList<string> gtFiles, string lqRoot, IReadOnlyList<string> lqFiles, string filenameTmpl)
    {
        var lqByStem = new Dictionary<string, string>();
        foreach (var lq in lqFiles) lqByStem.TryAdd(ImageFolder.Stem(lqRoot, lq), lq);
        var pairs = new List<(string, string)>();
        var missingLq = new List<(string, string)>();
        var used = new HashSet<string>();
        foreach (var gt in gtFiles)
        {
            var stem = ImageFolder.Stem(gtRoot, gt);
            var lqStem = Path.Combine(Path.GetDirectoryName(stem) ?? "", Template(filenameTmpl, Path.GetFileName(stem)));
            if (lqByStem.TryGetValue(lqStem, out var lq)) { pairs.Add((gt, lq)); used.Add(lq); }
            else missingLq.Add((Path.GetRelativePath(gtRoot, gt), lqStem));
        }
        var extraLq = lqFiles.Where(l => !used.Contains(l)).Select(l => Path.GetRelativePath(lqRoot, l)).ToList();
        return new FolderMatch(pairs, missingLq, extraLq);
    }

    /// <summary>Pairs the GT names listed in <paramref name="metaInfoFile"/> with LQ names through the template
    /// (same extension, as BasicSR); missing files are an error listing them.</summary>
    public static List<(string Gt, string Lq)> FromMetaInfo(string gtRoot, string lqRoot, string filenameTmpl, string metaInfoFile)
    {
        var pairs = new List<(string, string)>();
        var missing = new List<string>();
        foreach (var name in ImageFolder.ReadMetaInfo(metaInfoFile))
        {
            var dir = Path.GetDirectoryName(name) ?? "";
            var lqName = Path.Combine(dir, Template(filenameTmpl, Path.GetFileNameWithoutExtension(name)) + Path.GetExtension(name));
            string gt = Path.Combine(gtRoot, name), lq = Path.Combine(lqRoot, lqName);
            if (!File.Exists(gt)) missing.Add(gt);
            if (!File.Exists(lq)) missing.Add(lq);
            pairs.Add((gt, lq));
        }
        if (missing.Count > 0)
            throw new FileNotFoundException($"meta_info_file '{metaInfoFile}' lists {missing.Count} file(s) that do not exist: {Head(missing)}");
        if (pairs.Count == 0) throw new InvalidDataException($"meta_info_file '{metaInfoFile}' lists no images");
        return pairs;
    }

    /// <summary>Python's <c>filename_tmpl.format(name)</c> for the one-placeholder templates BasicSR uses.</summary>
    public static string Template(string filenameTmpl, string name)
    {
        if (!filenameTmpl.Contains("{}"))
            throw new ArgumentException($"filename_tmpl '{filenameTmpl}' has no '{{}}' placeholder for the GT name");
        return filenameTmpl.Replace("{}", name);
    }

    private static string Head(List<string> items) =>
        string.Join(", ", items.Take(10)) + (items.Count > 10 ? $", ... ({items.Count - 10} more)" : "");
}
