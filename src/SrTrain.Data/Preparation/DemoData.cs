using SrTrain.Data.Datasets;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Preparation;

/// <summary>Builds the tiny DIV2K-shaped demo tree used by the quickstart and tests, from photographs in
/// Debian packages (no download): training HR from <c>mate-backgrounds</c>' nature photos (GPL-2+),
/// validation from scikit-image's CC0/public-domain samples (<c>python3-skimage</c>). Layout:
/// <c>DIV2K_train_HR/0001.png</c>, <c>DIV2K_train_LR_bicubic/X{2,3,4}/0001x4.png</c>, <c>DIV2K_train_HR_sub/</c>
/// and <c>DIV2K_train_LR_bicubic/X{2,3,4}_sub/</c> (240/scale tiles), <c>meta_info_DIV2K_demo_sub_GT.txt</c>,
/// <c>DIV2K_valid_HR/</c> and <c>DIV2K_valid_LR_bicubic/X{2,3,4}/</c>.</summary>
public static class DemoData
{
    /// <summary>Where Debian installs the training photos.</summary>
    public const string DefaultTrainSource = "/usr/share/backgrounds/mate/nature";

    /// <summary>Where Debian installs scikit-image's sample photos.</summary>
    public const string DefaultValidSource = "/usr/lib/python3/dist-packages/skimage/data";

    /// <summary>The CC0/public-domain photos of scikit-image used for validation.</summary>
    public static readonly IReadOnlyList<string> ValidImages =
        ["astronaut.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "motorcycle_left.png", "rocket.jpg"];

    /// <summary>Longer side of the training HR images after MATLAB-bicubic downscaling (keeps the tree small).</summary>
    public const int TrainLongSide = 640;

    /// <summary>Sub-image tile size and step for HR (LR tiles: divided by the scale).</summary>
    public const int TileSize = 240;

    private const string Marker = "DEMO_DATA.txt";
    private static readonly int[] Scales = [2, 3, 4];

    /// <summary>Builds the tree under <paramref name="root"/> unless it is already complete (idempotent);
    /// returns false when nothing had to be done. Built in <c>root.partial</c> and renamed at the end, so an
    /// interrupted run leaves no half tree.</summary>
    public static bool Build(string root, Action<PrepareProgress>? progress = null, string trainSource = DefaultTrainSource,
                             string validSource = DefaultValidSource)
    {
        if (File.Exists(Path.Combine(root, Marker))) return false;
        var trainFiles = ImageFolder.List(trainSource, "demo training photos (apt-get install mate-backgrounds)");
        var validFiles = ValidImages.Select(n => Path.Combine(validSource, n)).ToList();
        var missing = validFiles.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException($"demo validation photos missing (apt-get install python3-skimage): {string.Join(", ", missing)}");

        var work = root.TrimEnd('/') + ".partial";
        if (Directory.Exists(work)) Directory.Delete(work, true);
        var trainHr = Path.Combine(work, "DIV2K_train_HR");
        var validHr = Path.Combine(work, "DIV2K_valid_HR");

        var numbered = trainFiles.Select((f, i) => (f, i)).ToList();
        ParallelFiles.Run("demo train HR", trainFiles, file =>
        {
            int index = numbered.First(p => p.f == file).i + 1;
            var image = ImageIO.Read(file);
            double factor = (double)TrainLongSide / Math.Max(image.Height, image.Width);
            int h = (int)Math.Round(image.Height * factor), w = (int)Math.Round(image.Width * factor);
            image = ModCrop.Apply(Imresize.Resize(image, h, w), 12);   // 12: divisible by every scale
            ImageIO.Write(Path.Combine(trainHr, $"{index:D4}.png"), image);
        }, progress);
        ParallelFiles.Run("demo valid HR", validFiles, file =>
            ImageIO.Write(Path.Combine(validHr, Path.GetFileNameWithoutExtension(file) + ".png"), ModCrop.Apply(ImageIO.Read(file), 12)), progress);

        SubImages.Extract(trainHr, Path.Combine(work, "DIV2K_train_HR_sub"), TileSize, TileSize, 0, progress);
        MetaInfo.Write(Path.Combine(work, "DIV2K_train_HR_sub"), Path.Combine(work, "meta_info_DIV2K_demo_sub_GT.txt"), progress);
        foreach (int s in Scales)
        {
            var lr = Path.Combine(work, "DIV2K_train_LR_bicubic", $"X{s}");
            LowResolution.Make(trainHr, lr, s, progress: progress);
            SubImages.Extract(lr, Path.Combine(work, "DIV2K_train_LR_bicubic", $"X{s}_sub"), TileSize / s, TileSize / s, 0, progress);
            LowResolution.Make(validHr, Path.Combine(work, "DIV2K_valid_LR_bicubic", $"X{s}"), s, progress: progress);
        }
        File.WriteAllText(Path.Combine(work, Marker),
            "SrTrain demo data (built by SrTrain.Data.Preparation.DemoData).\n" +
            $"DIV2K_train_HR: {trainFiles.Count} photos from {trainSource} (Debian package mate-backgrounds, GPL-2+),\n" +
            $"  MATLAB-bicubic downscaled to a longer side of {TrainLongSide} px and mod-cropped to 12.\n" +
            $"DIV2K_valid_HR: scikit-image sample photos ({string.Join(", ", ValidImages)}; CC0 / public domain) from {validSource}.\n" +
            "LR: MATLAB bicubic x2/x3/x4; *_sub: 240/scale tiles (step = tile); meta_info for the HR tiles.\n");

        if (Directory.Exists(root)) Directory.Delete(root, true);
        var parent = Path.GetDirectoryName(Path.GetFullPath(root));
        if (!string.IsNullOrEmpty(parent)) Directory.CreateDirectory(parent);
        Directory.Move(work, root);
        return true;
    }
}
