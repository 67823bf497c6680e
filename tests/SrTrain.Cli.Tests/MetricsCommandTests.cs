using System.Text.Json;
using SrTrain.Data;

namespace SrTrain.Cli.Tests;

/// <summary><c>srtrain metrics</c> against a NumPy reference of BasicSR's calculate_psnr/calculate_ssim
/// (tests/fixtures/make_metrics.py, which follows basicsr/metrics/psnr_ssim.py), reading the same PNGs with PIL.</summary>
[Collection(SerialCliCollection.Name)]
public class MetricsCommandTests
{
    /// <summary>GT/SR pairs: the rgb8 fixture and a synthetic picture, each with a noisy SR.</summary>
    private static (string Gt, string Sr) MakePairs(string suffix)
    {
        var root = RepoPaths.NewTempDir("srtrain-metrics");
        string gt = Path.Combine(root, "gt"), sr = Path.Combine(root, "sr");
        var images = new Dictionary<string, Image>
        {
            ["0001"] = ImageIO.Read(RepoPaths.Fixture("images/rgb8.png")),
            ["0002"] = InferTestData.Picture(30, 26),
        };
        var rng = new Random(3);
        foreach (var (name, image) in images)
        {
            ImageIO.Write(Path.Combine(gt, name + ".png"), image);
            var noisy = new Image(image.Height, image.Width, image.Channels, image.Data.Select(v => Math.Clamp(v + (float)(rng.NextDouble() - 0.5) * 0.1f, 0f, 1f)).ToArray());
            ImageIO.Write(Path.Combine(sr, name + suffix + ".png"), noisy);
        }
        return (gt, sr);
    }

    private const string Reference = """
import json, sys, numpy as np
from PIL import Image
from make_metrics import psnr, ssim
gt, sr, suffix = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
for name in ['0001', '0002']:
    a = np.asarray(Image.open(f'{gt}/{name}.png').convert('RGB')).astype(np.float64)
    b = np.asarray(Image.open(f'{sr}/{name}{suffix}.png').convert('RGB')).astype(np.float64)
    out[name] = {f'{m.__name__}_{"y" if y else "rgb"}': m(b, a, 4, y) for m in (psnr, ssim) for y in (False, True)}
print(json.dumps(out))
""";

    [Fact]
    public void Psnr_and_ssim_match_the_numpy_reference_in_rgb_and_y()
    {
        var (gt, sr) = MakePairs("_ESRGAN");
        var expected = JsonDocument.Parse(PythonReference.Run(Reference, gt, sr, "_ESRGAN")).RootElement;
        foreach (var y in new[] { false, true })
        {
            var json = Path.Combine(Path.GetDirectoryName(gt)!, $"scores_{y}.json");
            string[] args = ["metrics", "--gt", gt, "--sr", sr, "--crop-border", "4", "--suffix", "_ESRGAN", "--json", json];
            Assert.Equal(0, InferTestData.Cli(y ? [.. args, "--test-y-channel"] : args).Code);
            var report = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
            var rows = report.GetProperty("images").EnumerateArray().ToList();
            Assert.Equal(["0001", "0002"], rows.Select(r => r.GetProperty("name").GetString()));
            var tag = y ? "y" : "rgb";
            foreach (var row in rows)
            {
                var reference = expected.GetProperty(row.GetProperty("name").GetString()!);
                Assert.InRange(Math.Abs(row.GetProperty("psnr").GetDouble() - reference.GetProperty($"psnr_{tag}").GetDouble()), 0, 1e-4);
                Assert.InRange(Math.Abs(row.GetProperty("ssim").GetDouble() - reference.GetProperty($"ssim_{tag}").GetDouble()), 0, 1e-6);
            }
            Assert.Equal(rows.Average(r => r.GetProperty("psnr").GetDouble()), report.GetProperty("average").GetProperty("psnr").GetDouble(), 12);
            Assert.InRange(rows[0].GetProperty("psnr").GetDouble(), 20, 40); // noise of +-0.05: a real, finite score
        }
    }

    [Fact]
    public void Prints_six_decimals_and_identical_images_give_infinite_psnr()
    {
        var (gt, _) = MakePairs("");
        var json = Path.Combine(Path.GetDirectoryName(gt)!, "same.json");
        var previous = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        int code;
        try { code = InferTestData.Cli("metrics", "--gt", gt, "--sr", gt, "--crop-border", "4", "--json", json).Code; }
        finally { Console.SetOut(previous); }
        Assert.Equal(0, code);
        var text = captured.ToString();
        Assert.Contains("SSIM: 1.000000", text);
        Assert.Contains("Average: PSNR: inf dB, SSIM: 1.000000", text);  // as Python prints f"{inf:.6f}"
        Assert.Matches(@"  1: 0001 +\. \tPSNR: inf dB, \tSSIM: 1\.000000", text);
        Assert.Contains("\"psnr\": \"Infinity\"", File.ReadAllText(json));
    }

    [Fact]
    public void Unpaired_files_are_named()
    {
        var (gt, sr) = MakePairs("_x4");
        File.Move(Path.Combine(sr, "0002_x4.png"), Path.Combine(sr, "0002_X4.png"));
        var (code, stderr) = InferTestData.Cli("metrics", "--gt", gt, "--sr", sr, "--suffix", "_x4");
        Assert.Equal(2, code);
        Assert.Contains("0002.png", stderr);
        Assert.Contains("0002_x4.png", stderr);        // the name looked for
        Assert.Contains("0002_X4.png", stderr);        // the SR file left unpaired
        Assert.DoesNotContain("0001.png (", stderr);
    }
}
