using System.Globalization;
using SrTrain.Torch;
using SrTrain.Torch.Serialization;

namespace SrTrain.Engine.Checkpoints;

/// <summary>Everything besides the networks that an exact resume needs (BasicSR's training_states/&lt;iter&gt;.state,
/// plus the batch within the epoch, the seed and the RNG state so a resumed run sees the same batches).</summary>
/// <param name="Epoch">Epoch of the saved iteration.</param>
/// <param name="Iter">The saved iteration (1-based).</param>
/// <param name="BatchInEpoch">Index of the saved iteration's batch within its epoch.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Optimizers">Optimizer state dicts, in the model's order (G, then D).</param>
/// <param name="Schedulers">Scheduler state dicts, in the same order.</param>
/// <param name="RngState">libtorch's CPU generator state, or null.</param>
/// <param name="BestMetrics">Best validation results so far: set, metric, value, iteration.</param>
/// <param name="WorldSize">Ranks of the data-parallel run that saved it (1: one process), so a resume with another
/// number of ranks can find its place in the epoch.</param>
/// <param name="NanRollbacks">Divergence-guard rollbacks done before this state was saved (a resumed run has only
/// <c>train.nan_rollbacks</c> minus these left); 0 in states written before the guard kept it.</param>
/// <param name="NanLrScale">The factor those rollbacks left on the learning rates (already in the optimizer and
/// scheduler states): nan_lr_factor ^ NanRollbacks; 1 when absent.</param>
public sealed record TrainingState(long Epoch, long Iter, long BatchInEpoch, long Seed,
                                   IReadOnlyList<object?> Optimizers, IReadOnlyList<object?> Schedulers, Tensor? RngState,
                                   IReadOnlyList<(string Set, string Metric, double Value, long Iter)> BestMetrics,
                                   long WorldSize = 1, int NanRollbacks = 0, double NanLrScale = 1)
{
    /// <summary>The training CUDA device's generator state (key <c>cuda_rng_state</c>), saved by runs on CUDA; null
    /// (the key absent) for CPU runs and states written before SrTrain saved it.</summary>
    public Tensor? CudaRngState { get; init; }

    /// <summary>fp16 runs' gradient-scaler states by network (key <c>grad_scalers</c>: {net_g: GradScaler.state_dict(),
    /// net_d: ...}); null (absent) in fp32 and bf16 runs and older states.</summary>
    public System.Collections.IDictionary? GradScalers { get; init; }
}

/// <summary>Reads and writes training-state files and picks the one to auto-resume from.</summary>
public static class TrainingStateFile
{
    /// <summary>training_states/&lt;iter&gt;.state under <paramref name="trainingStatesDir"/>.</summary>
    public static string PathFor(string trainingStatesDir, long iter) =>
        Path.Combine(trainingStatesDir, $"{iter.ToString(CultureInfo.InvariantCulture)}.state");

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> (atomically).</summary>
    public static void Save(string path, TrainingState state)
    {
        var tree = new Dictionary<string, object?>
        {
            ["epoch"] = state.Epoch,
            ["iter"] = state.Iter,
            ["batch_in_epoch"] = state.BatchInEpoch,
            ["seed"] = state.Seed,
            ["world_size"] = state.WorldSize,
            ["optimizers"] = state.Optimizers.ToList(),
            ["schedulers"] = state.Schedulers.ToList(),
            ["rng_state"] = state.RngState,
            ["best_metric_results"] = state.BestMetrics.Select(b => (object?)new List<object?> { b.Set, b.Metric, b.Value, b.Iter }).ToList(),
            ["nan_rollbacks"] = (long)state.NanRollbacks,
            ["nan_lr_scale"] = state.NanLrScale,
        };
        // Written only when present, so CPU states stay as they were.
        if (state.CudaRngState is not null) tree["cuda_rng_state"] = state.CudaRngState;
        if (state.GradScalers is not null) tree["grad_scalers"] = state.GradScalers;
        PthFile.Save(path, tree);
    }

    /// <summary>Reads <paramref name="path"/> and hands the state to <paramref name="use"/>; the file's tensors are
    /// freed when it returns. A file that is not a training state SrTrain wrote is an error naming the key.</summary>
    public static T Read<T>(string path, Func<TrainingState, T> use)
    {
        var tree = PthFile.Load(path);
        try
        {
            var map = TreeAccess.Map(tree, path);
            var best = map.TryGetValue("best_metric_results", out var b) && b is not null
                ? TreeAccess.List(map, "best_metric_results", path).Select(e =>
                {
                    var l = (System.Collections.IList)e!;
                    return ((string)l[0]!, (string)l[1]!, Convert.ToDouble(l[2], CultureInfo.InvariantCulture), Convert.ToInt64(l[3], CultureInfo.InvariantCulture));
                }).ToList()
                : [];
            var state = new TrainingState(
                TreeAccess.Long(map, "epoch", path), TreeAccess.Long(map, "iter", path), TreeAccess.Long(map, "batch_in_epoch", path),
                map.TryGetValue("seed", out var seed) && seed is long s ? s : 0,
                TreeAccess.List(map, "optimizers", path), TreeAccess.List(map, "schedulers", path),
                map.TryGetValue("rng_state", out var rng) ? rng as Tensor : null, best,
                map.TryGetValue("world_size", out var ws) && ws is long w ? w : 1,
                map.TryGetValue("nan_rollbacks", out var r) && r is long rollbacks ? checked((int)rollbacks) : 0,
                map.TryGetValue("nan_lr_scale", out var f) && f is double scale && double.IsFinite(scale) && scale > 0 ? scale : 1)
            {
                CudaRngState = map.TryGetValue("cuda_rng_state", out var cudaRng) ? cudaRng as Tensor : null,
                GradScalers = map.TryGetValue("grad_scalers", out var gs) ? gs as System.Collections.IDictionary : null,
            };
            return use(state);
        }
        finally
        {
            PthFile.DisposeTensors(tree);
        }
    }

    /// <summary>The models folder beside a training state (experiments/&lt;name&gt;/models), so a copied experiment
    /// resumes too; <paramref name="fallback"/> when there is none.</summary>
    public static string ModelsDirFor(string statePath, string fallback)
    {
        var modelsDir = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(statePath)))!, "models");
        return Directory.Exists(modelsDir) ? modelsDir : fallback;
    }

    /// <summary>Auto-resume: the training state with the highest iteration in <paramref name="trainingStatesDir"/>, or null.</summary>
    public static string? Latest(string trainingStatesDir) => Candidates(trainingStatesDir).FirstOrDefault();

    /// <summary>Every training state in <paramref name="trainingStatesDir"/>, highest iteration first (auto-resume tries
    /// them in turn, skipping damaged ones).</summary>
    public static IReadOnlyList<string> Candidates(string trainingStatesDir) =>
        Directory.Exists(trainingStatesDir)
            ? Directory.EnumerateFiles(trainingStatesDir, "*.state")
                .Select(f => (File: f, Ok: long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var i), Iter: i))
                .Where(x => x.Ok).OrderByDescending(x => x.Iter).Select(x => x.File).ToList()
            : [];

    /// <summary>The iteration a training-state file is named after (training_states/&lt;iter&gt;.state), or null.</summary>
    public static long? IterOf(string statePath) =>
        long.TryParse(Path.GetFileNameWithoutExtension(statePath), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
}
