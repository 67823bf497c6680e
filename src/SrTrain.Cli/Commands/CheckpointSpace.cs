using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Cli.Commands;

/// <summary>The disk space a training run's checkpoints need: every save keeps <c>net_g_ITER.pth</c> (params, and
/// params_ema with EMA), <c>net_d_ITER.pth</c> for GAN models and <c>ITER.state</c> (optimizer moments), none is
/// deleted; compared with the free space of the experiment folder's file system.</summary>
internal sealed record CheckpointSpace(int Saves, long BytesPerSave, long FreeBytes, string Folder)
{
    /// <summary>Bytes of all saves together.</summary>
    public long NeededBytes => Saves * BytesPerSave;

    /// <summary>Builds the networks of <paramref name="o"/> to size their files.</summary>
    public static CheckpointSpace Estimate(ExperimentOptions o)
    {
        var train = o.Train ?? throw new OptionException("train: a training option file is needed to estimate checkpoint space");
        long freq = Math.Max(o.Logger.SaveCheckpointFreq, 1);
        // A save every save_checkpoint_freq iterations, and one at the end.
        int saves = (int)Math.Min(int.MaxValue, train.TotalIter / freq + (train.TotalIter % freq != 0 ? 1 : 0));
        long perSave = 0;
        using (LibTorch.NewDisposeScope())
        {
            var (gBytes, gParams) = Sizes(o.NetworkG ?? throw new OptionException("network_g is required"), "network_g");
            perSave += gBytes * (train.EmaDecay > 0 ? 2 : 1) + OptimizerBytes(train.OptimG, gParams);
            if (o.NetworkD is { } d)
            {
                var (dBytes, dParams) = Sizes(d, "network_d");
                perSave += dBytes + (train.OptimD is { } optimD ? OptimizerBytes(optimD, dParams) : 0);
            }
        }
        perSave += 64 * 1024;   // pickle framing, scheduler and RNG state
        var folder = ExperimentPaths.ForTraining(o).ExperimentRoot;
        return new CheckpointSpace(saves, perSave, FreeSpace(folder), folder);
    }

    /// <summary>State-dict bytes and trainable-parameter bytes of a network.</summary>
    private static (long StateBytes, long ParamBytes) Sizes(Dictionary<string, object?> section, string where)
    {
        using var net = TypeRegistry.Create<Module>(RegistryKind.Arch, section, where);
        long state = net.StateDict().Values.Sum(t => t.NumEl * t.DType.ElementSize());
        long trainable = net.Parameters().Where(p => p.RequiresGrad).Sum(p => p.NumEl * p.DType.ElementSize());
        return (state, trainable);
    }

    /// <summary>Adam keeps two moments per parameter (three with amsgrad), SGD one with momentum.</summary>
    private static long OptimizerBytes(Dictionary<string, object?> section, long paramBytes)
    {
        var type = section.GetValueOrDefault("type") as string;
        bool Flag(string key) => section.TryGetValue(key, out var v) && v is not null && OptionConversion.Convert(v, typeof(bool), key) is true;
        double Number(string key) => section.TryGetValue(key, out var v) && v is not null ? (double)OptionConversion.Convert(v, typeof(double), key)! : 0;
        return type switch
        {
            "Adam" or "AdamW" => paramBytes * (Flag("amsgrad") ? 3 : 2),
            "SGD" => Number("momentum") != 0 ? paramBytes : 0,
            _ => paramBytes * 2,
        };
    }

    /// <summary>Free bytes of the file system holding <paramref name="folder"/> (its nearest existing ancestor).</summary>
    private static long FreeSpace(string folder)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(folder));
        while (dir is not null && !dir.Exists) dir = dir.Parent;
        try
        {
            return new DriveInfo(dir?.FullName ?? "/").AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>"1.2 GiB".</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes} B" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v:0.0} {units[u]}");
    }
}
