using SrTrain.Data.Transforms;

namespace SrTrain.Data.Datasets;

/// <summary>The options the training datasets share (BasicSR's keys <c>scale</c>, <c>phase</c>, <c>gt_size</c>,
/// <c>use_hflip</c>, <c>use_rot</c>, <c>io_backend</c>, <c>color</c>, <c>mean</c>, <c>std</c>, <c>name</c>), validated in one
/// place. The datasets keep them as constructor parameters, because the registry binds an option section's keys to
/// constructor parameters by name, and build this record from them.</summary>
public sealed record DatasetOptions
{
    /// <summary>Validates the shared options: scale at least 1, gt_size required in the train phase.</summary>
    public DatasetOptions(string name, int scale, string phase, int? gtSize = null, bool useHflip = false, bool useRot = false,
                          Dictionary<string, object?>? ioBackend = null, double[]? mean = null, double[]? std = null, string? color = null)
    {
        if (scale < 1) throw new ArgumentException($"scale must be >= 1, got {scale}");
        IsTrain = phase == "train";
        if (IsTrain && gtSize is null) throw new ArgumentException("gt_size is required in the train phase");
        (Name, Scale, GtSize, UseHflip, UseRot) = (name, scale, gtSize, useHflip, useRot);
        Source = ImageSource.FromOptions(ioBackend);
        Finish = new ImageFinish(color, mean, std);
    }

    /// <summary>Dataset name for messages (BasicSR logs it).</summary>
    public string Name { get; }

    /// <summary>Upscaling factor (injected from the top-level <c>scale</c>).</summary>
    public int Scale { get; }

    /// <summary>GT patch size in the train phase.</summary>
    public int? GtSize { get; }

    /// <summary>Random horizontal flips in the train phase.</summary>
    public bool UseHflip { get; }

    /// <summary>Random vertical flips and rot90 in the train phase.</summary>
    public bool UseRot { get; }

    /// <summary>True in the train phase (random crops and augmentation); otherwise whole images.</summary>
    public bool IsTrain { get; }

    /// <summary>Where the images are read from (<c>io_backend</c>: disk or the decode-once cache).</summary>
    public ImageSource Source { get; }

    /// <summary>The last per-image steps (<c>color</c>, <c>mean</c>, <c>std</c>).</summary>
    internal ImageFinish Finish { get; }

    /// <summary>The flip / rot90 choice of one training sample, drawn in BasicSR's order.</summary>
    public Augment.Choice DrawAugment(SampleRng rng) => Augment.Choice.Draw(UseHflip, UseRot, rng);

    /// <summary>A <c>meta_info_file</c> list must give one file per data root.</summary>
    public static void CheckMetaInfo(string[]? metaInfoFile, int roots, string rootKey)
    {
        if (metaInfoFile is not null && metaInfoFile.Length != roots)
            throw new ArgumentException($"meta_info_file lists {metaInfoFile.Length} file(s) for {roots} {rootKey} folder(s)");
    }
}
