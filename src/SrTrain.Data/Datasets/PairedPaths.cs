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
        var gtFiles = ImageFolder.List(gtRoot, "dataroot_gt");
        var lqFiles = ImageFolder.List(lqRoot, "dataroot_lq");
        var lqByStem = new Dictionary<string, string>();
        foreach (var lq in lqFiles) lqByStem.TryAdd(ImageFolder.Stem(lqRoot, lq), lq);
        var pairs = new List<(string, string)>();
        var missingLq = new List<string>();
        var used = new HashSet<string>();
        foreach (var gt in gtFiles)
        {
            var stem = ImageFolder.Stem(gtRoot, gt);
            var lqStem = Path.Combine(Path.GetDirectoryName(stem) ?? "", Template(filenameTmpl, Path.GetFileName(stem)));
            if (lqByStem.TryGetValue(lqStem, out var lq)) { pairs.Add((gt, lq)); used.Add(lq); }
            else missingLq.Add($"{Path.GetRelativePath(gtRoot, gt)} (expected {lqStem}.* in {lqRoot})");
        }
        var extraLq = lqFiles.Where(l => !used.Contains(l)).Select(l => Path.GetRelativePath(lqRoot, l)).ToList();
        if (missingLq.Count > 0 || extraLq.Count > 0)
        {
            var parts = new List<string>();
            if (missingLq.Count > 0) parts.Add($"{missingLq.Count} GT file(s) without LQ: {Head(missingLq)}");
            if (extraLq.Count > 0) parts.Add($"{extraLq.Count} LQ file(s) without GT in {gtRoot}: {Head(extraLq)}");
            throw new InvalidDataException(
                $"unpaired images between dataroot_gt '{gtRoot}' and dataroot_lq '{lqRoot}' (filename_tmpl '{filenameTmpl}'): {string.Join("; ", parts)}");
        }
        return pairs;
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
