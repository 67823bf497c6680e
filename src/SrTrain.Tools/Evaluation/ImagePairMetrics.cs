using SrTrain.Engine.Metrics;
using SrTrain.Data;

namespace SrTrain.Tools.Evaluation;

/// <summary>A ground-truth image and the SR image it is scored against; <see cref="Name"/> is the GT's path
/// relative to its folder, without extension.</summary>
public sealed record ImagePair(string Name, string Gt, string Sr);

/// <summary>PSNR (dB) and SSIM of one pair; NIQE of the SR image when asked (<c>srtrain metrics --niqe</c>).</summary>
public sealed record PairScore(string Name, string Gt, string Sr, double Psnr, double Ssim,
                               [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Niqe = null);

/// <summary>PSNR/SSIM of SR images against their ground truth as BasicSR's scripts/metrics/calculate_psnr_ssim.py
/// reports them: GT and SR paired by name (SR = GT stem + suffix), Engine.Metrics.Psnr/Ssim with crop_border and
/// test_y_channel on images in [0, 255].</summary>
public static class ImagePairMetrics
{
    /// <summary>Pairs <paramref name="gt"/> and <paramref name="sr"/> (two files, or two folders searched
    /// recursively): the SR of <c>gt/a/0001.png</c> is <c>sr/a/0001{suffix}.png</c>, another image extension
    /// being accepted when no file has the GT's. Any GT without its SR is an error listing those GT files,
    /// the names looked for and the SR files left unpaired.</summary>
    public static IReadOnlyList<ImagePair> Pair(string gt, string sr, string? suffix = "")
    {
        suffix ??= "";
        if (File.Exists(gt))
        {
            if (!File.Exists(sr)) throw new FileNotFoundException($"--sr {sr} is not a file (--gt {gt} is one)", sr);
            return [new ImagePair(Path.GetFileNameWithoutExtension(gt), gt, sr)];
        }
        if (!Directory.Exists(gt)) throw new FileNotFoundException($"--gt {gt} does not exist", gt);
        if (!Directory.Exists(sr)) throw new FileNotFoundException($"--sr {sr} is not a folder (--gt {gt} is one)", sr);
        var gtFiles = Images(gt);
        if (gtFiles.Count == 0) throw new FileNotFoundException($"--gt folder {gt} holds no images", gt);
        var srFiles = Images(sr).ToHashSet(StringComparer.Ordinal);
        var pairs = new List<ImagePair>();
        var missing = new List<string>();
        foreach (var gtFile in gtFiles)
        {
            var relative = Path.GetRelativePath(gt, gtFile);
            var stem = Path.Combine(Path.GetDirectoryName(relative) ?? "", Path.GetFileNameWithoutExtension(relative));
            var ext = Path.GetExtension(gtFile);
            var wanted = Path.Combine(sr, stem + suffix + ext);
            var match = srFiles.Contains(wanted) ? wanted
                : srFiles.Where(f => Path.Combine(Path.GetDirectoryName(f)!, Path.GetFileNameWithoutExtension(f)) == Path.Combine(sr, stem + suffix))
                         .Order(StringComparer.Ordinal).FirstOrDefault();
            if (match is null) missing.Add($"{gtFile} (looked for {wanted})");
            else
            {
                pairs.Add(new ImagePair(stem, gtFile, match));
                srFiles.Remove(match);
            }
        }
        if (missing.Count > 0)
        {
            var unpaired = srFiles.Order(StringComparer.Ordinal).ToList();
            throw new FileNotFoundException(
                $"no SR image for {missing.Count} of {gtFiles.Count} GT image(s) with suffix '{suffix}': {Shorten(missing)}" +
                (unpaired.Count > 0 ? $"; SR images left unpaired: {Shorten(unpaired)}" : ""));
        }
        return pairs;
    }

    /// <summary>An image file as BasicSR's metrics see it: values in [0, 255]; 8-bit files give exactly their
    /// integer values (our [0, 1] floats * 255, rounded, as BasicSR reading uint8), 16-bit ones value / 257.</summary>
    public static HwcImage Read(string path)
    {
        var image = ImageIO.Read(path, ImageReadMode.Unchanged, out int bits);
        var values = new double[image.Data.LongLength];
        for (long i = 0; i < values.LongLength; i++)
            values[i] = bits == 8 ? Math.Round(image.Data[i] * 255.0) : image.Data[i] * 255.0;
        return new HwcImage(values, image.Height, image.Width, image.Channels);
    }

    /// <summary>PSNR and SSIM of one pair. test_y_channel uses Y of RGB (alpha dropped); a grey image is its
    /// own Y. Different sizes or channel counts are an error naming both files.</summary>
    public static PairScore Score(ImagePair pair, int cropBorder, bool testYChannel)
    {
        var gt = Read(pair.Gt);
        var sr = Read(pair.Sr);
        if (gt.Height != sr.Height || gt.Width != sr.Width || gt.Channels != sr.Channels)
            throw new InvalidDataException(
                $"{pair.Sr} is {sr.Height}x{sr.Width}x{sr.Channels} but its GT {pair.Gt} is {gt.Height}x{gt.Width}x{gt.Channels}");
        bool y = testYChannel && gt.Channels >= 3;
        if (y && gt.Channels == 4) (gt, sr) = (DropAlpha(gt), DropAlpha(sr));
        try
        {
            return new PairScore(pair.Name, pair.Gt, pair.Sr,
                                 Psnr.Calculate(sr, gt, cropBorder, y), Ssim.Calculate(sr, gt, cropBorder, y));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{pair.Gt} / {pair.Sr}: {e.Message}", e);
        }
    }

    private static HwcImage DropAlpha(HwcImage rgba)
    {
        var data = new double[(long)rgba.Height * rgba.Width * 3];
        for (long p = 0; p < (long)rgba.Height * rgba.Width; p++)
            for (int c = 0; c < 3; c++) data[p * 3 + c] = rgba.Data[p * 4 + c];
        return new HwcImage(data, rgba.Height, rgba.Width, 3);
    }

    private static List<string> Images(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(ImageIO.IsImageFile).Order(StringComparer.Ordinal).ToList();

    private static string Shorten(List<string> items) =>
        string.Join(", ", items.Take(10)) + (items.Count > 10 ? $", ... ({items.Count} in all)" : "");
}
