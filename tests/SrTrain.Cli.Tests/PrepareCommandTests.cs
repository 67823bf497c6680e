using SrTrain.Data;

namespace SrTrain.Cli.Tests;

/// <summary>`srtrain prepare subimages|lr|meta-info` as a user runs them on a tiny HR folder: file names,
/// sizes and meta_info content; a missing input folder is one line naming it.</summary>
[Collection(SerialCliCollection.Name)]
public class PrepareCommandTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-prepare-cli");

    public void Dispose() => Directory.Delete(root, true);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try { return (Program.Main(args), output.ToString(), error.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    private static Image Pattern(int h, int w, int salt)
    {
        var img = new Image(h, w, 3);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = ((i * 13 + salt) % 256) / 255f;
        return img;
    }

    private static string[] Names(string dir) =>
        Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void SubImagesLrAndMetaInfoFromTheCommandLine()
    {
        var hr = Path.Combine(root, "HR");
        ImageIO.Write(Path.Combine(hr, "0001.png"), Pattern(24, 32, 1));
        ImageIO.Write(Path.Combine(hr, "0002.png"), Pattern(24, 24, 2));

        var lr = Path.Combine(root, "LR", "X4");
        var (code, output, _) = Cli("prepare", "lr", "--scale", "4", "-i", hr, "-o", lr);
        Assert.Equal(0, code);
        Assert.Equal(["0001x4.png", "0002x4.png"], Names(lr));
        Assert.Equal("6x8x3", ImageIO.Read(Path.Combine(lr, "0001x4.png")).SizeText);
        Assert.Contains("images/s", output);
        Assert.Contains("wrote 2 x4 images", output);

        var kept = Path.Combine(root, "LR_kept");
        Assert.Equal(0, Cli("prepare", "lr", "--scale", "2", "-i", hr, "-o", kept, "--keep-names", "--workers", "1").Code);
        Assert.Equal(["0001.png", "0002.png"], Names(kept));
        Assert.Equal("12x12x3", ImageIO.Read(Path.Combine(kept, "0002.png")).SizeText);

        var sub = Path.Combine(root, "HR_sub");
        (code, output, _) = Cli("prepare", "subimages", "-i", hr, "-o", sub, "--crop", "16", "--step", "8", "--thresh", "0");
        Assert.Equal(0, code);
        // 24x32: rows 0, 8; columns 0, 8, 16 -> 6 tiles; 24x24: 2 x 2 = 4 tiles.
        Assert.Equal([.. Enumerable.Range(1, 6).Select(i => $"0001_s{i:D3}.png"), .. Enumerable.Range(1, 4).Select(i => $"0002_s{i:D3}.png")],
                     Names(sub));
        Assert.Contains("wrote 10 tiles", output);
        var tile = ImageIO.Read(Path.Combine(sub, "0001_s006.png"));
        Assert.Equal(Pattern(24, 32, 1).Crop(8, 16, 16, 16).Data, tile.Data);   // bottom-right tile, row-major numbering

        var meta = Path.Combine(root, "meta_info.txt");
        Assert.Equal(0, Cli("prepare", "meta-info", "-i", sub, "-o", meta).Code);
        var lines = File.ReadAllLines(meta);
        Assert.Equal(10, lines.Length);
        Assert.Equal("0001_s001.png (16,16,3)", lines[0]);
        Assert.Equal("0002_s004.png (16,16,3)", lines[^1]);
    }

    [Fact]
    public void MissingInputFolderIsOneLineNamingIt()
    {
        var missing = Path.Combine(root, "no_such_folder");
        foreach (var args in new[]
                 {
                     new[] { "prepare", "subimages", "-i", missing, "-o", Path.Combine(root, "out") },
                     new[] { "prepare", "lr", "--scale", "4", "-i", missing, "-o", Path.Combine(root, "out") },
                     new[] { "prepare", "meta-info", "-i", missing, "-o", Path.Combine(root, "m.txt") },
                 })
        {
            var (code, _, error) = Cli(args);
            Assert.Equal(2, code);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(missing, line);
        }
    }
}
