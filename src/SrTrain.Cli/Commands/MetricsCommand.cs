using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SrTrain.Tools.Evaluation;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain metrics --gt DIR --sr DIR --crop-border 4 [--test-y-channel] [--suffix _ESRGAN] [--json FILE]</c>:
/// per-image and average PSNR/SSIM, printed like BasicSR's calculate_psnr_ssim.py (6 decimals), JSON at full precision.
/// <c>--niqe</c> scores NIQE (no reference) of the SR images: alone when --gt is left out, else as a third column.</summary>
internal static class MetricsCommand
{
    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "ground-truth image file or folder (not needed with --niqe)" };
        var sr = new Option<string>("--sr", "--restored") { Description = "SR image file or folder", Required = true };
        var crop = new Option<int>("--crop-border") { Description = "pixels cut from each edge (usually the scale)", DefaultValueFactory = _ => 0 };
        var y = new Option<bool>("--test-y-channel") { Description = "score Y of YCbCr (MATLAB rgb2ycbcr) instead of RGB" };
        var suffix = new Option<string>("--suffix") { Description = "SR file name = GT stem + suffix (e.g. _ESRGAN)", DefaultValueFactory = _ => "" };
        var niqe = new Option<bool>("--niqe") { Description = "also score NIQE of the SR images (no reference; calculate_niqe, Y channel)" };
        var json = new Option<string>("--json") { Description = "also write the scores to this JSON file" };
        var command = new Command("metrics", "PSNR/SSIM of SR images against ground truth (BasicSR's calculate_psnr_ssim); NIQE with --niqe")
        {
            gt, sr, crop, y, suffix, niqe, json,
        };
        command.SetAction(result =>
        {
            int cropBorder = result.GetValue(crop);
            bool testY = result.GetValue(y);
            if (cropBorder < 0) throw new ArgumentException($"--crop-border must be >= 0, got {cropBorder}");
            if (result.GetValue(gt) is null)
                return result.GetValue(niqe) ? NiqeOnly(result.GetValue(sr)!, cropBorder, result.GetValue(json))
                                             : throw new ArgumentException("--gt is required (only --niqe scores SR images without ground truth)");
            bool withNiqe = result.GetValue(niqe);
            var pairs = ImagePairMetrics.Pair(result.GetValue(gt)!, result.GetValue(sr)!, result.GetValue(suffix));
            Console.WriteLine(testY ? "Testing Y channel." : "Testing RGB channels.");
            var scores = new List<PairScore>();
            foreach (var pair in pairs)
            {
                var s = ImagePairMetrics.Score(pair, cropBorder, testY);
                if (withNiqe) s = s with { Niqe = ImageNiqe.Score(pair.Sr, cropBorder) };
                scores.Add(s);
                Console.WriteLine($"{scores.Count,3}: {s.Name,-25}. \tPSNR: {Fixed(s.Psnr)} dB, \tSSIM: {Fixed(s.Ssim)}" +
                                  (withNiqe ? $", \tNIQE: {Fixed(s.Niqe!.Value)}" : ""));
            }
            double psnr = scores.Average(s => s.Psnr), ssim = scores.Average(s => s.Ssim);
            double? meanNiqe = withNiqe ? scores.Average(s => s.Niqe!.Value) : null;
            Console.WriteLine($"Average: PSNR: {Fixed(psnr)} dB, SSIM: {Fixed(ssim)}" + (meanNiqe is { } n ? $", NIQE: {Fixed(n)}" : ""));
            if (result.GetValue(json) is { } jsonPath)
            {
                var report = new MetricsReport(result.GetValue(gt)!, result.GetValue(sr)!, cropBorder, testY,
                                               scores, new MetricsAverage(psnr, ssim, scores.Count, meanNiqe));
                WriteJson(jsonPath, report);
            }
            return 0;
        });
        return command;
    }

    /// <summary><c>--niqe</c> without <c>--gt</c>: NIQE of each SR image and the mean (lower is more natural).</summary>
    private static int NiqeOnly(string sr, int cropBorder, string? jsonPath)
    {
        Console.WriteLine("Testing NIQE (Y channel).");
        var scores = new List<NiqeScore>();
        foreach (var (name, path) in ImageNiqe.List(sr))
        {
            scores.Add(new NiqeScore(name, path, ImageNiqe.Score(path, cropBorder)));
            Console.WriteLine($"{scores.Count,3}: {name,-25}. \tNIQE: {Fixed(scores[^1].Niqe)}");
        }
        double mean = scores.Average(s => s.Niqe);
        Console.WriteLine($"Average: NIQE: {Fixed(mean)}");
        if (jsonPath is not null) WriteJson(jsonPath, new NiqeReport(sr, cropBorder, scores, new NiqeAverage(mean, scores.Count)));
        return 0;
    }

    private static void WriteJson<T>(string jsonPath, T report)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, JsonOptions));
    }

    /// <summary>6 decimals as Python's <c>f"{x:.6f}"</c> (so +inf prints as "inf").</summary>
    private static string Fixed(double x) =>
        double.IsPositiveInfinity(x) ? "inf" : double.IsNaN(x) ? "nan" : x.ToString("F6", CultureInfo.InvariantCulture);

    /// <summary>snake_case keys; doubles round-trip; PSNR of identical images is written as "Infinity".</summary>
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private sealed record MetricsAverage(double Psnr, double Ssim, int Count,
                                         [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Niqe = null);

    private sealed record NiqeAverage(double Niqe, int Count);

    private sealed record NiqeReport(string Sr, int CropBorder, IReadOnlyList<NiqeScore> Images, NiqeAverage Average);

    private sealed record MetricsReport(string Gt, string Sr, int CropBorder, bool TestYChannel,
                                        IReadOnlyList<PairScore> Images, MetricsAverage Average);
}
