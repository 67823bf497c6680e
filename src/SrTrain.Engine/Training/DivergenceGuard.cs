using System.Globalization;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Models;

namespace SrTrain.Engine.Training;

/// <summary>What the trainer does after a step.</summary>
public enum GuardAction
{
    /// <summary>The step was finite, or a non-finite one was skipped: carry on.</summary>
    Continue,

    /// <summary>train.nan_skip_limit bad steps in a row: reload the last good state with a lower learning rate.</summary>
    RollBack,

    /// <summary>Out of rollbacks: stop with the divergence message.</summary>
    Stop,
}

/// <summary>The divergence guard's bookkeeping: the models skip a step whose loss or gradients are not finite
/// (<see cref="TrainingModel.NonFiniteParts"/>); this counts those steps, asks for a rollback after
/// <c>train.nan_skip_limit</c> in a row and a stop after <c>train.nan_rollbacks</c> rollbacks, and lowers the learning
/// rate by <c>train.nan_lr_factor</c> per rollback.</summary>
public sealed class DivergenceGuard
{
    private readonly int skipLimit;
    private readonly double lrFactor;
    private readonly int maxRollbacks;
    private readonly Dictionary<string, double> scaleOfState = [];

    public DivergenceGuard(TrainOptions train)
    {
        (skipLimit, lrFactor, maxRollbacks) = (train.NanSkipLimit, train.NanLrFactor, train.NanRollbacks);
        if (skipLimit < 1) throw new OptionException($"train.nan_skip_limit: {skipLimit} must be at least 1");
        if (!(lrFactor > 0 && lrFactor <= 1))
            throw new OptionException($"train.nan_lr_factor: {lrFactor.ToString(CultureInfo.InvariantCulture)} must be in (0, 1]");
        if (maxRollbacks < 0) throw new OptionException($"train.nan_rollbacks: {maxRollbacks} must be 0 or more");
    }

    /// <summary>Non-finite steps in a row.</summary>
    public int Consecutive { get; private set; }

    /// <summary>Non-finite steps skipped in this run.</summary>
    public int Skipped { get; private set; }

    /// <summary>Rollbacks done in this run, and in the runs it resumed (<see cref="Resumed"/>).</summary>
    public int Rollbacks { get; private set; }

    /// <summary>Factor the learning rates carry now, relative to the configured ones (nan_lr_factor ^ rollbacks).</summary>
    public double LrScale { get; private set; } = 1;

    /// <summary>Records the outcome of a step and says what to do next.</summary>
    public GuardAction AfterStep(bool finite)
    {
        if (finite)
        {
            Consecutive = 0;
            return GuardAction.Continue;
        }
        Consecutive++;
        Skipped++;
        if (Consecutive < skipLimit) return GuardAction.Continue;
        return Rollbacks < maxRollbacks ? GuardAction.RollBack : GuardAction.Stop;
    }

    /// <summary>After a resume from <paramref name="statePath"/>: takes over the rollbacks its run had used and the
    /// learning-rate scale they left (already in the state's optimizers), so a resumed run does not get fresh rollbacks.</summary>
    public void Resumed(string statePath, int rollbacks, double lrScale)
    {
        Rollbacks = rollbacks;
        LrScale = lrScale;
        scaleOfState.Clear();
        scaleOfState[statePath] = lrScale;
    }

    /// <summary>Remembers the learning-rate scale a saved state holds, so a rollback to it scales from there.</summary>
    public void NoteSaved(string statePath) => scaleOfState[statePath] = LrScale;

    /// <summary>After the last good state (or the initial weights: null) was reloaded into <paramref name="model"/>:
    /// counts the rollback and sets the learning rates to nan_lr_factor ^ rollbacks times what the run began with.</summary>
    public void RolledBack(TrainingModel model, string? reloadedState)
    {
        Rollbacks++;
        Consecutive = 0;
        double reloadedScale = reloadedState is null ? 1 : scaleOfState.GetValueOrDefault(reloadedState, 1);
        LrScale = Math.Pow(lrFactor, Rollbacks);
        ScaleLearningRates(model, LrScale / reloadedScale);
    }

    /// <summary>Multiplies every optimizer group's lr and initial_lr and every scheduler's base and last lrs by
    /// <paramref name="factor"/>, so warm-up and every schedule (chained or closed-form) continue from the lower rate,
    /// and the saved training states carry it.</summary>
    public static void ScaleLearningRates(TrainingModel model, double factor)
    {
        foreach (var optimizer in model.Optimizers)
            foreach (var g in optimizer.ParamGroups)
            {
                g.Lr *= factor;
                if (g.InitialLr is { } initial) g.InitialLr = initial * factor;
            }
        foreach (var scheduler in model.Schedulers)
        {
            var state = scheduler.StateDict();
            state["base_lrs"] = scheduler.BaseLrs.Select(v => (object?)(v * factor)).ToList();
            state["_last_lr"] = scheduler.LastLr.Select(v => (object?)(v * factor)).ToList();
            scheduler.LoadStateDict(state);
        }
    }

    /// <summary>"net_g (l_pix: NaN)": the skipped parts and the non-finite values among the step's logged losses.</summary>
    public static string Describe(IReadOnlyList<string> parts, IReadOnlyDictionary<string, double> logged)
    {
        var bad = logged.Where(kv => !double.IsFinite(kv.Value))
            .Select(kv => $"{kv.Key}: {kv.Value.ToString(CultureInfo.InvariantCulture)}").ToList();
        return string.Join(", ", parts) + (bad.Count > 0 ? $" ({string.Join(", ", bad)})" : " (losses finite, gradients not)");
    }
}
