using SrTrain.Data;

namespace SrTrain.Data.Tests.Checking;

/// <summary>A x4 GT/LQ folder pair with one of each defect <c>srtrain check</c> reports (and one good pair):
/// 0001 good; 0002 GT without LQ; 0003 LQ without GT; 0004 LQ of the wrong size; 0005 smaller than gt_size 32;
/// 0006 GT truncated; 0007 grayscale GT; 0008 GT with alpha; 0009 a copy of 0001's files.</summary>
public sealed class PlantedDataset
{
    public const int Scale = 4;
    public const int GtSize = 32;

    public PlantedDataset()
    {
        Root = RepoPaths.NewTempDir("srtrain-planted");
        Directory.CreateDirectory(Gt);
        Directory.CreateDirectory(Lq);
        Pair("0001", 48, 3);
        ImageIO.Write(GtPath("0002"), TestImages.Pattern(48, 48, 3, 2));
        ImageIO.Write(LqPath("0003"), TestImages.Pattern(12, 12, 3, 3));
        ImageIO.Write(GtPath("0004"), TestImages.Pattern(48, 48, 3, 4));
        ImageIO.Write(LqPath("0004"), TestImages.Pattern(13, 12, 3, 4));
        Pair("0005", 16, 3);
        Pair("0006", 48, 3);
        Truncate(GtPath("0006"));
        Pair("0007", 48, 1);
        Pair("0008", 48, 4);
        File.Copy(GtPath("0001"), GtPath("0009"));
        File.Copy(LqPath("0001"), LqPath("0009"));
    }

    public string Root { get; }
    public string Gt => Path.Combine(Root, "gt");
    public string Lq => Path.Combine(Root, "lq");
    public string GtPath(string name) => Path.Combine(Gt, name + ".png");
    public string LqPath(string name) => Path.Combine(Lq, name + ".png");

    /// <summary>The dataset section of a training file over these folders.</summary>
    public Dictionary<string, object?> Section() => new()
    {
        ["type"] = "PairedImageDataset", ["dataroot_gt"] = Gt, ["dataroot_lq"] = Lq, ["filename_tmpl"] = "{}",
        ["gt_size"] = GtSize.ToString(System.Globalization.CultureInfo.InvariantCulture), ["batch_size_per_gpu"] = 1,
    };

    private void Pair(string name, int gtSize, int channels)
    {
        ImageIO.Write(GtPath(name), TestImages.Pattern(gtSize, gtSize, channels, int.Parse(name)));
        ImageIO.Write(LqPath(name), TestImages.Pattern(gtSize / Scale, gtSize / Scale, channels, 100 + int.Parse(name)));
    }

    /// <summary>Keeps the header and the first bytes of the image data, as a copy interrupted mid-file does.</summary>
    public static void Truncate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
    }
}
