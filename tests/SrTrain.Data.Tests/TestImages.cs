using SrTrain.Data;

namespace SrTrain.Data.Tests;

/// <summary>Tiny deterministic images for tests, written as PNG into temporary dataset folders.</summary>
internal static class TestImages
{
    /// <summary>An image whose values are distinct multiples of 1/255 (exact through 8-bit PNG).</summary>
    public static Image Pattern(int height, int width, int channels = 3, int salt = 0)
    {
        var img = new Image(height, width, channels);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = ((i * 7 + salt * 31) % 256) / 255f;
        return img;
    }

    /// <summary>Writes GT images of <paramref name="gtSize"/> into root/gt and their LQ (size / scale) into root/lq
    /// named with <paramref name="lqTemplate"/>.</summary>
    public static void WritePairs(string root, int count, int gtHeight, int gtWidth, int scale, string lqTemplate = "{}x4")
    {
        for (int i = 1; i <= count; i++)
        {
            var name = $"{i:D4}";
            ImageIO.Write(Path.Combine(root, "gt", name + ".png"), Pattern(gtHeight, gtWidth, 3, i));
            ImageIO.Write(Path.Combine(root, "lq", lqTemplate.Replace("{}", name) + ".png"), Pattern(gtHeight / scale, gtWidth / scale, 3, 100 + i));
        }
    }
}
