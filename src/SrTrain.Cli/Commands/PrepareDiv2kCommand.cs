using System.CommandLine;
using System.Diagnostics;
using SrTrain.Data.Preparation;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain prepare div2k --root datasets/DIV2K [--flickr2k datasets/Flickr2K]</c>: BasicSR's whole DIV2K
/// preparation in one command — HR sub-images (480 px, step 240), MATLAB-bicubic LR x2/x3/x4 of those sub-images,
/// and the meta_info file — with progress and a summary.</summary>
internal static class PrepareDiv2kCommand
{
    /// <summary>The LR scales prepared (DIV2K's tracks).</summary>
    public static readonly int[] Scales = [2, 3, 4];

    public static Command Create(string name = "div2k")
    {
        var root = new Option<DirectoryInfo>("--root")
        {
            Description = "DIV2K folder holding DIV2K_train_HR/ (outputs go next to it)",
            Required = true,
        };
        var flickr = new Option<DirectoryInfo?>("--flickr2k") { Description = "Flickr2K folder holding Flickr2K_HR/ (prepared the same way)" };
        var crop = new Option<int>("--crop") { Description = "HR sub-image size", DefaultValueFactory = _ => SubImages.DefaultCrop };
        var step = new Option<int>("--step") { Description = "HR sub-image step", DefaultValueFactory = _ => SubImages.DefaultStep };
        var command = new Command(name, "prepare DIV2K (and Flickr2K) for training: HR sub-images, bicubic LR x2/x3/x4 of them, meta_info")
        {
            root, flickr, crop, step,
        };
        command.SetAction(result =>
        {
            int c = result.GetValue(crop), s = result.GetValue(step);
            var sources = new List<(string Dir, string Prefix)> { (result.GetValue(root)!.FullName, "DIV2K") };
            if (result.GetValue(flickr) is { } f) sources.Add((f.FullName, "Flickr2K"));
            var watch = Stopwatch.StartNew();
            var summary = new List<string>();
            foreach (var (dir, prefix) in sources)
                summary.AddRange(Prepare(dir, prefix, c, s));
            Console.WriteLine($"prepare div2k: done in {watch.Elapsed.TotalSeconds:F0} s");
            foreach (var line in summary) Console.WriteLine("  " + line);
            return 0;
        });
        return command;
    }

    /// <summary>The chain for one source folder; returns the summary lines.</summary>
    public static List<string> Prepare(string dir, string prefix, int crop, int step, Action<PrepareProgress>? progress = null)
    {
        var hr = Path.Combine(dir, $"{prefix}_train_HR");
        if (!Directory.Exists(hr) && prefix == "Flickr2K") hr = Path.Combine(dir, "Flickr2K_HR");
        if (!Directory.Exists(hr))
            throw new DirectoryNotFoundException($"{prefix}: HR folder not found: {hr} (expected {dir}/{prefix}_train_HR with the HR PNG files)");
        progress ??= Progress;
        var hrSub = hr + "_sub";
        var lines = new List<string>();
        int tiles = SubImages.Extract(hr, hrSub, crop, step, SubImages.DefaultThresh, progress);
        lines.Add($"{hrSub}: {tiles} HR sub-images of {crop}x{crop} (step {step})");
        var lrRoot = prefix == "DIV2K" ? Path.Combine(dir, "DIV2K_train_LR_bicubic") : Path.Combine(dir, "Flickr2K_LR_bicubic");
        foreach (int scale in Scales)
        {
            if (crop % scale != 0) throw new ArgumentException($"--crop {crop} is not divisible by scale {scale}; use a multiple of 12 (e.g. 480)");
            var lr = Path.Combine(lrRoot, $"X{scale}_sub");
            int n = LowResolution.Make(hrSub, lr, scale, keepNames: true, progress: progress);
            lines.Add($"{lr}: {n} LR x{scale} sub-images of {crop / scale}x{crop / scale} (MATLAB bicubic of the HR sub-images)");
        }
        var meta = Path.Combine(dir, $"meta_info_{prefix}_sub_GT.txt");
        int entries = MetaInfo.Write(hrSub, meta, progress);
        lines.Add($"{meta}: {entries} entries");
        return lines;
    }

    private static string lastStage = "";

    /// <summary>One line per stage, updated in place on a terminal: "lr x4  1234/3450  (57.1 img/s)".</summary>
    private static readonly Stopwatch StageWatch = new();

    private static void Progress(PrepareProgress p)
    {
        if (p.Stage != lastStage)
        {
            if (lastStage.Length > 0) Console.WriteLine();
            lastStage = p.Stage;
            StageWatch.Restart();
        }
        double rate = p.Done / Math.Max(StageWatch.Elapsed.TotalSeconds, 1e-3);
        var line = $"  {p.Stage,-10} {p.Done,6}/{p.Total}  ({rate:F1} img/s)";
        if (Console.IsOutputRedirected)
        {
            if (p.Done == p.Total) Console.WriteLine(line);
        }
        else Console.Write("\r" + line + (p.Done == p.Total ? "\n" : ""));
        if (p.Done == p.Total) lastStage = "";
    }
}
