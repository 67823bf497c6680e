using System.Globalization;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Abstractions.Options;

/// <summary>Relations between option keys that each bind on their own but contradict each other (a schedule
/// shorter than the run, a patch that does not divide by the scale, a zero logging frequency...). Checked when
/// training starts and by <c>srtrain options --check</c> / <c>srtrain check</c>, so a run fails in its first
/// second with the keys named rather than hours in with a stack trace.</summary>
public static class OptionConsistency
{
    /// <summary>Throws one <see cref="OptionException"/> listing every contradiction in <paramref name="o"/>;
    /// returns the softer findings (keys that have no effect in this run) as warnings.</summary>
    public static IReadOnlyList<string> Validate(ExperimentOptions o)
    {
        var (errors, warnings) = Check(o);
        if (errors.Count > 0)
            throw new OptionException(errors.Count == 1 ? errors[0]
                : $"{errors.Count} contradicting options:\n  " + string.Join("\n  ", errors));
        return warnings;
    }

    /// <summary>The contradictions (errors) and ineffective settings (warnings) of <paramref name="o"/>.</summary>
    public static (List<string> Errors, List<string> Warnings) Check(ExperimentOptions o)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        if (o.Scale < 1) errors.Add($"scale: must be >= 1, got {o.Scale}");
        if (o.NumThreads is < 1) errors.Add($"num_threads: must be >= 1, got {o.NumThreads}");
        if (o.Precision?.ToLowerInvariant() is not ("fp32" or "float32" or "bf16" or "bfloat16" or "fp16" or "float16" or "half" or "auto"))
            errors.Add($"precision: '{o.Precision}' is not one of fp32, bf16, fp16, auto");
        if (o.MemoryFormat?.ToLowerInvariant() is not ("auto" or "contiguous" or "channels_last"))
            errors.Add($"memory_format: '{o.MemoryFormat}' is not one of auto, contiguous, channels_last");
        if (o.ConvAlgorithm?.ToLowerInvariant() is not ("auto" or "direct" or "winograd"))
            errors.Add($"conv_algorithm: '{o.ConvAlgorithm}' is not one of auto, direct, winograd");
        if (o.Val is { } val)
        {
            if (val.Tile < 0) errors.Add($"val.tile: must be >= 0, got {val.Tile}");
            if (val.TilePad < 0) errors.Add($"val.tile_pad: must be >= 0, got {val.TilePad}");
        }
        if (o.IsTrain && o.Train is { } train) CheckTraining(o, train, errors, warnings);
        return (errors, warnings);
    }

    private static void CheckTraining(ExperimentOptions o, TrainOptions train, List<string> errors, List<string> warnings)
    {
        long total = train.TotalIter;
        if (total < 1) errors.Add($"train.total_iter: must be >= 1, got {total}");
        if (o.Logger.PrintFreq < 1) errors.Add($"logger.print_freq: must be >= 1, got {o.Logger.PrintFreq}");
        if (o.Logger.SaveCheckpointFreq < 1) errors.Add($"logger.save_checkpoint_freq: must be >= 1, got {o.Logger.SaveCheckpointFreq}");
        if (o.Val is { } val && val.ValFreq < 1) errors.Add($"val.val_freq: must be >= 1, got {val.ValFreq}");
        if (train.EmaDecay is < 0 or >= 1 || double.IsNaN(train.EmaDecay))
            errors.Add($"train.ema_decay: must be in [0, 1) (0: no EMA), got {Num(train.EmaDecay)}");
        if (train.GradClipNorm is { } clip && !(clip > 0)) errors.Add($"train.grad_clip_norm: must be > 0 or ~, got {Num(clip)}");
        if (train.NetDIters < 1) errors.Add($"train.net_d_iters: must be >= 1, got {train.NetDIters}");
        if (train.NetDInitIters < 0) errors.Add($"train.net_d_init_iters: must be >= 0, got {train.NetDInitIters}");
        else if (total >= 1 && train.NetDInitIters >= total && o.NetworkD is not null)
            errors.Add($"train.net_d_init_iters ({train.NetDInitIters}) >= train.total_iter ({total}): the generator would never train");
        if (train.WarmupIter > 0)
        {
            if (total >= 1 && train.WarmupIter > total)
                warnings.Add($"train.warmup_iter ({train.WarmupIter}) > train.total_iter ({total}): the learning rate never reaches optim_g.lr in this run");
        }
        else if (train.WarmupIter < -1) errors.Add($"train.warmup_iter: must be -1 (none) or >= 0, got {train.WarmupIter}");
        CheckOptimizer(train.OptimG, "train.optim_g", errors);
        if (train.OptimD is { } optimD) CheckOptimizer(optimD, "train.optim_d", errors);
        if (train.Scheduler is { } scheduler && total >= 1) CheckScheduler(scheduler, total, errors, warnings);
        if (o.Datasets.TryGetValue("train", out var section) && section is Dictionary<string, object?> ds) CheckTrainSet(ds, o.Scale, errors);
    }

    private static void CheckOptimizer(Dictionary<string, object?> section, string where, List<string> errors)
    {
        if (section.TryGetValue("lr", out var raw) && raw is not null &&
            TryConvert<double?>(raw, $"{where}.lr", errors) is { } lr && !(lr >= 0 && double.IsFinite(lr)))
            errors.Add($"{where}.lr: must be a finite number >= 0, got {Num(lr)}");
    }

    /// <summary>A schedule that ends before total_iter crashes there (CosineAnnealingRestartLR has no lr past
    /// its periods); restarts and milestones past total_iter never happen.</summary>
    private static void CheckScheduler(Dictionary<string, object?> section, long total, List<string> errors, List<string> warnings)
    {
        var type = section.GetValueOrDefault("type") as string;
        // Schedulers step from iteration 2 on, so iteration total_iter asks for the lr at step total_iter - 1.
        long lastStep = total - 1;
        switch (type)
        {
            case "CosineAnnealingRestartLR":
            {
                var periods = TryConvert<long[]>(section.GetValueOrDefault("periods"), "train.scheduler.periods", errors);
                if (periods is null) break;
                if (periods.Length == 0) { errors.Add("train.scheduler.periods: needs at least one period"); break; }
                if (periods.Any(p => p <= 0)) { errors.Add($"train.scheduler.periods: every period must be > 0, got [{Join(periods)}]"); break; }
                var weights = TryConvert<double[]>(section.GetValueOrDefault("restart_weights"), "train.scheduler.restart_weights", errors);
                if (weights is not null && weights.Length != periods.Length)
                    errors.Add($"train.scheduler.restart_weights has {weights.Length} value(s) but train.scheduler.periods has {periods.Length}: give one weight per period");
                long sum = periods.Sum();
                if (sum < lastStep)
                    errors.Add($"train.scheduler.periods sum to {sum} but train.total_iter is {total}: the cosine schedule has no learning rate " +
                               $"after iteration {sum + 1}; lengthen periods (e.g. [{total}]) or lower total_iter");
                break;
            }
            case "MultiStepLR" or "MultiStepRestartLR":
            {
                var milestones = TryConvert<long[]>(section.GetValueOrDefault("milestones"), "train.scheduler.milestones", errors);
                if (milestones is not null)
                {
                    if (milestones.Any(m => m <= 0)) errors.Add($"train.scheduler.milestones: every milestone must be > 0, got [{Join(milestones)}]");
                    var late = milestones.Where(m => m > lastStep).ToList();
                    if (late.Count > 0)
                        warnings.Add($"train.scheduler.milestones [{Join(late)}] come after train.total_iter ({total}): they never lower the learning rate");
                }
                if (section.TryGetValue("gamma", out var g) && g is not null &&
                    TryConvert<double?>(g, "train.scheduler.gamma", errors) is { } gamma && !(gamma > 0 && double.IsFinite(gamma)))
                    errors.Add($"train.scheduler.gamma: must be a finite number > 0, got {Num(gamma)}");
                var restarts = TryConvert<long[]>(section.GetValueOrDefault("restarts"), "train.scheduler.restarts", errors) ?? [];
                var weights = TryConvert<double[]>(section.GetValueOrDefault("restart_weights"), "train.scheduler.restart_weights", errors) ?? [];
                if (restarts.Length != weights.Length)
                    errors.Add($"train.scheduler.restarts has {restarts.Length} value(s) but train.scheduler.restart_weights has {weights.Length}: give one weight per restart");
                var lateRestarts = restarts.Where(r => r > lastStep).ToList();
                if (lateRestarts.Count > 0)
                    warnings.Add($"train.scheduler.restarts [{Join(lateRestarts)}] come after train.total_iter ({total}): they never happen");
                break;
            }
        }
    }

    /// <summary>The training set's patch: positive and a multiple of the scale (the LQ patch is gt_size / scale).</summary>
    private static void CheckTrainSet(Dictionary<string, object?> section, int scale, List<string> errors)
    {
        if (!section.TryGetValue("gt_size", out var raw) || raw is null) return;
        if (TryConvert<int?>(raw, "datasets.train.gt_size", errors) is not { } gtSize) return;
        if (gtSize < 1) errors.Add($"datasets.train.gt_size: must be >= 1, got {gtSize}");
        else if (scale >= 1 && gtSize % scale != 0)
            errors.Add($"datasets.train.gt_size ({gtSize}) is not divisible by scale ({scale}): the LQ patch would be {gtSize / (double)scale:0.##} pixels; " +
                       $"use {Math.Max(scale, gtSize / scale * scale)}");
    }

    /// <summary>Converts a raw option value; a value that cannot be read is added to <paramref name="errors"/> and gives null
    /// (the binder reports the same key when the section is built; here it must not hide the other findings).</summary>
    private static T? TryConvert<T>(object? raw, string where, List<string> errors)
    {
        if (raw is null) return default;
        try
        {
            return (T?)OptionConversion.Convert(raw, typeof(T), where);
        }
        catch (OptionException e)
        {
            errors.Add(e.Message);
            return default;
        }
    }

    private static string Join<T>(IEnumerable<T> values) => string.Join(", ", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    private static string Num(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
