using System.Globalization;
using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary><c>srtrain train --debug-degradations N</c>: writes the first N training pairs a Real-ESRGAN option file
/// synthesises (LQ and GT patches as PNG, without the pair pool, which only reorders them) so a user can look at the
/// degradations before a long run.</summary>
public static class DegradationPreview
{
    /// <summary>Writes <c>NNN_lq.png</c> and <c>NNN_gt.png</c> for <paramref name="count"/> pairs into
    /// <paramref name="folder"/>; returns the number written.</summary>
    public static int Write(ExperimentOptions o, IDataPipeline data, IImageWriter writer, int count, string folder)
    {
        if (count < 1) throw new OptionException($"--debug-degradations: expected a positive number of pairs, got {count}");
        bool gan = o.ModelType == "RealESRGANModel";
        if (!gan && o.ModelType != "RealESRNetModel")
            throw new OptionException($"--debug-degradations: model_type {o.ModelType} does not synthesise its LQ; use RealESRNetModel or RealESRGANModel");
        long seed = o.ManualSeed ?? 0;
        LibTorch.ManualSeed((ulong)seed);
        var device = DeviceSelection.Resolve(o, _ => { });
        var section = o.Datasets.TryGetValue("train", out var s) && s is Dictionary<string, object?> d
            ? d : throw new OptionException("datasets.train is required");
        using var synthesis = new RealEsrganSynthesis(o with { ManualSeed = seed, QueueSize = 0 }, device);
        using var loader = data.CreateTrainLoader("train", section, o.Scale, seed, device);
        Directory.CreateDirectory(folder);
        int written = 0;
        for (int epoch = 0; written < count; epoch++)
            foreach (var batch in loader.Epoch(epoch))
            {
                using var scope = LibTorch.NewDisposeScope();
                using (batch)
                {
                    if (!batch.LqIsSynthesised)
                        throw new OptionException("--debug-degradations: datasets.train gives LQ images; the Real-ESRGAN models need a RealESRGANDataset");
                    // As the models: the GAN stage degrades the sharpened GT; the Net stage does with gt_usm.
                    var (lq, gt, _) = synthesis.Make(batch, degradeUsm: gan || (o.GtUsm ?? false), keepUsm: false);
                    for (int i = 0; i < lq.Size(0) && written < count; i++, written++)
                    {
                        var stem = Path.Combine(folder, written.ToString("D3", CultureInfo.InvariantCulture));
                        writer.Write(lq[i], stem + "_lq.png");
                        writer.Write(gt[i], stem + "_gt.png");
                    }
                }
                if (written >= count) break;
            }
        return written;
    }
}
