using SrTrain.Data;

namespace SrTrain.Cli.Tests;

/// <summary>`srtrain prepare div2k`: HR sub-images, LR x2/x3/x4 of them, meta_info.</summary>
[Collection(SerialCliCollection.Name)]
public class PrepareDiv2kTests
{
    [Fact]
    public void WholeChainMakesPairedSubImagesAtEveryScale()
    {
        var root = RepoPaths.NewTempDir("srtrain-div2k");
        var hr = Path.Combine(root, "DIV2K_train_HR");
        Directory.CreateDirectory(hr);
        var rng = new Random(5);
        foreach (var name in new[] { "0001", "0002" })
        {
            var data = Enumerable.Range(0, 96 * 120 * 3).Select(_ => (float)rng.NextDouble()).ToArray();
            ImageIO.Write(Path.Combine(hr, name + ".png"), new Image(96, 120, 3, data));
        }
        Assert.Equal(0, Program.Main(["prepare", "div2k", "--root", root, "--crop", "48", "--step", "24"]));

        // 96x120 with crop 48, step 24: rows at 0, 24, 48 and columns at 0, 24, 48, 72 -> 12 tiles per image.
        var tiles = Directory.GetFiles(Path.Combine(root, "DIV2K_train_HR_sub"), "*.png").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(24, tiles.Count);
        Assert.Equal("0001_s001.png", tiles[0]);
        foreach (int s in new[] { 2, 3, 4 })
        {
            var lrDir = Path.Combine(root, "DIV2K_train_LR_bicubic", $"X{s}_sub");
            Assert.Equal(tiles, Directory.GetFiles(lrDir, "*.png").Select(Path.GetFileName).Order().ToList());
            var lr = ImageIO.Read(Path.Combine(lrDir, "0002_s007.png"));
            Assert.Equal((48 / s, 48 / s), (lr.Height, lr.Width));
            // The LR tile is MATLAB bicubic of the HR tile with the same name.
            var expected = Imresize.Downscale(ImageIO.Read(Path.Combine(root, "DIV2K_train_HR_sub", "0002_s007.png")), s);
            Assert.True(expected.Data.Zip(lr.Data).All(p => Math.Abs(p.First - p.Second) <= 1 / 255f + 1e-6f));
        }
        var meta = File.ReadAllLines(Path.Combine(root, "meta_info_DIV2K_sub_GT.txt"));
        Assert.Equal(24, meta.Length);
        Assert.StartsWith("0001_s001.png (48,48,3)", meta.Order().First());
    }

    [Fact]
    public void MissingHrFolderIsOneLineNamingIt()
    {
        var root = RepoPaths.NewTempDir("srtrain-div2k-missing");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, Program.Main(["prepare", "div2k", "--root", root]));
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Contains(Path.Combine(root, "DIV2K_train_HR"), error.ToString());
    }
}
