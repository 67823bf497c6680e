using System.Diagnostics;
using System.Globalization;
using System.Text;
using Serilog;
using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Checkpoints;
using SrTrain.Engine.Logging;
using SrTrain.Engine.Models;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Serialization;

namespace SrTrain.Engine.Training;

/// <summary>What a finished training run reports.</summary>
public sealed record TrainingResult(string ExperimentRoot, long LastIter, IReadOnlyList<IReadOnlyDictionary<string, double>> LoggedScalars,
                                    IReadOnlyDictionary<(string Set, string Metric), (double Value, long Iter)> BestMetrics,
                                    double SecondsPerIter);

/// <summary>The training loop (BasicSR's train.py): epochs over the loader, iteration counting up to
/// total_iter, learning-rate updates, log lines every print_freq, validation every val_freq,
/// checkpoints every save_checkpoint_freq (atomic), exact resume from a training state.</summary>
public sealed class Trainer(ExperimentOptions options, IDataPipeline data, IImageWriter? imageWriter, string? optionFilePath = null)
{
    private const string TrainPhase = "train";

    /// <summary>Data-parallel training: this process is one rank (null: one process). Rank 0 alone writes the
    /// experiment folder, logs, validates and saves; every rank trains on its shard of each epoch.</summary>
    public DataParallel? Parallel { get; init; }

    public TrainingResult Run(CancellationToken cancel = default)
    {
        var o = options;
        var train = o.Train ?? throw new OptionException("options: no train section");
        var paths = ExperimentPaths.ForTraining(o);
        var dp = Parallel;
        bool main = dp?.IsMain ?? true;
        string? resumePath = o.Path.ResumeState ?? (o.AutoResume ? paths.LatestTrainingState() : null);
        dp?.Barrier();   // every rank has chosen its resume state before rank 0 archives or creates the folder
        if (main)
        {
            if (resumePath is null) paths.CreateFresh(); else paths.Create();
        }
        if (main && optionFilePath is not null) File.Copy(optionFilePath, Path.Combine(paths.ExperimentRoot, Path.GetFileName(optionFilePath)), overwrite: true);

        var logFile = Path.Combine(paths.ExperimentRoot, $"train_{o.Name}_{DateTime.Now:yyyyMMdd_HHmmss}.log");
        bool interactive = main && TrainingConsole.IsInteractive;
        using var log = !main ? DataParallelLog.ForOtherRanks(dp!.Rank) : new LoggerConfiguration()
            .WriteToConsole(interactive)
            .WriteTo.File(logFile, outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss,fff} {Level:u4}: {Message:lj}{NewLine}{Exception}",
                          formatProvider: CultureInfo.InvariantCulture)
            .CreateLogger();
        foreach (var w in ConstructorBinder.TakeWarnings()) log.Warning("{Warning}", w);

        if (o.NumThreads is { } threads) LibTorch.NumThreads = threads;
        long seed = o.ManualSeed ?? Random.Shared.Next(1, 10000);
        if (dp is not null) seed = dp.FromMain(seed);   // one seed: the ranks share the epoch permutation and crops
        LibTorch.ManualSeed((ulong)seed);
        var device = DeviceSelection.Resolve(o, w => log.Warning("{Warning}", w));
        log.Information("SrTrain: experiment {Name}, model {Model}, device {Device}, libtorch {Version}, {Threads} threads, seed {Seed}, precision {Precision}",
                        o.Name, o.ModelType, device, LibTorch.Version, LibTorch.NumThreads, seed, o.Precision);

        using var model = CreateModel(o, device);
        foreach (var note in model.LoadNotes) log.Information("{Note}", note);
        log.Information("Network G: {Type}, parameters: {Count:N0}", o.NetworkG!["type"], model.NetG.NumParameters());

        var trainSection = o.Datasets.TryGetValue(TrainPhase, out var ts) && ts is Dictionary<string, object?> tsd
            ? tsd : throw new OptionException("datasets.train is required for training");
        using var loader = data.CreateTrainLoader(TrainPhase, trainSection, o.Scale, seed, device,
                                                  dp is null ? null : new DataShard(dp.Rank, dp.WorldSize));
        var valSets = o.Datasets.Where(kv => kv.Key.StartsWith("val", StringComparison.Ordinal) && o.Val is not null)
            .Select(kv => data.CreateImageSet(kv.Key, (Dictionary<string, object?>)kv.Value!, o.Scale, device)).ToList();
        // A training set smaller than one batch (drop_last, as BasicSR) would make every epoch empty and the loop spin.
        if (loader.BatchesPerEpoch == 0)
            throw new OptionException($"datasets.train: {loader.DatasetSize} sample(s) do not fill one batch of batch_size_per_gpu " +
                                      $"({trainSection.GetValueOrDefault("batch_size_per_gpu")}): add images or lower batch_size_per_gpu");
        long totalEpochs = (long)Math.Ceiling(train.TotalIter / (double)Math.Max(loader.BatchesPerEpoch, 1));
        log.Information("Training statistics: samples {Samples}, batches per epoch {Batches}, total epochs {Epochs}, iters {Iters}",
                        loader.DatasetSize, loader.BatchesPerEpoch, totalEpochs, train.TotalIter);

        var validator = o.Val is not null ? new Validator(o.Val, imageWriter) : null;
        long currentIter = 0;
        int startEpoch = 0, firstBatch = 0;
        if (resumePath is not null)
        {
            (currentIter, startEpoch, firstBatch) = Resume(resumePath, model, paths, validator, loader.BatchesPerEpoch,
                                                           dp?.WorldSize ?? 1, BatchSize(trainSection));
            log.Information("Resuming training from epoch {Epoch}, iter {Iter} ({Path})", startEpoch, currentIter, resumePath);
        }
        if (dp is not null)
        {
            model.DataParallel = dp;
            dp.BroadcastFromMain(model.Networks());
            log.Information("Data-parallel training: {World} ranks ({Backend}), {Batch} samples per rank and iteration",
                            dp.WorldSize, dp.Group.Backend, trainSection.GetValueOrDefault("batch_size_per_gpu"));
        }

        using var tb = main && o.Logger.UseTbLogger ? new TensorBoardWriter(paths.TensorBoard) : null;
        using var csv = main ? CsvScalarLog.InDirectory(paths.ExperimentRoot) : null;
        var logged = new List<IReadOnlyDictionary<string, double>>();
        var iterTime = new Stopwatch();
        double dataTime = 0, computeTime = 0;
        long itersTimed = 0;
        var runStart = Stopwatch.StartNew();
        long firstIter = currentIter;

        currentIter = TrainingConsole.Run(interactive, currentIter, train.TotalIter, progress =>
        {
            for (int epoch = startEpoch; currentIter < train.TotalIter; epoch++)
            {
                int batchIndex = epoch == startEpoch ? firstBatch : 0;
                var dataWatch = Stopwatch.StartNew();
                foreach (var batch in loader.Epoch(epoch, batchIndex))
                {
                    cancel.ThrowIfCancellationRequested();
                    double batchDataTime = dataWatch.Elapsed.TotalSeconds;
                    iterTime.Restart();
                    currentIter++;
                    using (var scope = LibTorch.NewDisposeScope())
                    using (batch)
                    {
                        model.UpdateLearningRate(currentIter);
                        dp?.SyncBuffers(model.Networks());
                        model.FeedData(batch);
                        model.OptimizeParameters(currentIter);
                    }
                    computeTime += iterTime.Elapsed.TotalSeconds;
                    dataTime += batchDataTime;
                    itersTimed++;

                    if (currentIter % o.Logger.PrintFreq == 0 || currentIter == train.TotalIter)
                    {
                        double lr = model.CurrentLearningRates.FirstOrDefault();
                        var scalars = dp?.Average(model.CurrentLog) ?? model.CurrentLog;   // the mean over the ranks' batches
                        logged.Add(new Dictionary<string, double>(scalars) { ["lr"] = lr });
                        double perIter = (computeTime + dataTime) / Math.Max(itersTimed, 1);
                        log.Information("{Line}", FormatLogLine(o.Name, epoch, currentIter, model.CurrentLearningRates,
                            perIter, dataTime / Math.Max(itersTimed, 1), (train.TotalIter - currentIter) * perIter, scalars));
                        csv?.Log(currentIter, epoch, lr, scalars);
                        tb?.AddScalars(currentIter, scalars.ToDictionary(kv => "losses/" + kv.Key, kv => kv.Value));
                        computeTime = dataTime = 0;
                        itersTimed = 0;
                    }

                    if (main && (currentIter % o.Logger.SaveCheckpointFreq == 0 || currentIter == train.TotalIter))
                    {
                        log.Information("Saving models and training states at iter {Iter}", currentIter);
                        SaveCheckpoint(model, paths, epoch, currentIter, batchIndex, seed, validator, dp?.WorldSize ?? 1);
                    }

                    if (main && validator is not null && (currentIter % o.Val!.ValFreq == 0 || currentIter == train.TotalIter))
                        Validate(model, validator, valSets, paths, currentIter, log, tb, csv!, epoch, model.CurrentLearningRates.FirstOrDefault());

                    batchIndex++;
                    progress(currentIter);
                    if (currentIter >= train.TotalIter) break;
                    dataWatch.Restart();
                }
            }
            return currentIter;
        });
        double secondsPerIter = runStart.Elapsed.TotalSeconds / Math.Max(currentIter - firstIter, 1);
        log.Information("End of training after {Seconds:F1} s ({PerIter:F3} s/iter). Models: {Models}", runStart.Elapsed.TotalSeconds, secondsPerIter, paths.Models);
        if (dp is not null && dp.InSync(model.Networks()))
            log.Information("Weights identical on all {World} ranks (net_g, net_g_ema, net_d: sums of |w| agree to the bit)", dp.WorldSize);
        else if (dp is not null)
            log.Error("The ranks' weights differ at the end of training: a step ran differently on some rank");
        if (dp is not null)
            log.Information("Gradient all-reduce: {Ms:F2} ms per iteration on rank 0 ({Count} bucketed reduces in {Iters} iterations)",
                            dp.GradientReduceTime.TotalMilliseconds / Math.Max(currentIter - firstIter, 1), dp.GradientReduces, currentIter - firstIter);
        return new TrainingResult(paths.ExperimentRoot, currentIter, logged,
                                  validator?.Best ?? new Dictionary<(string, string), (double, long)>(), secondsPerIter);
    }

    private static int BatchSize(Dictionary<string, object?> section) =>
        section.TryGetValue("batch_size_per_gpu", out var b) && b is not null
            ? Convert.ToInt32(b, System.Globalization.CultureInfo.InvariantCulture) : 1;

    /// <summary>Builds the model named by model_type.</summary>
    public static TrainingModel CreateModel(ExperimentOptions o, Device device)
    {
        var type = TypeRegistry.Get(RegistryKind.Model, o.ModelType, "model_type").Type;
        try
        {
            return (TrainingModel)Activator.CreateInstance(type, o, device)!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private void Validate(TrainingModel model, Validator validator, IReadOnlyList<IImageSet> sets, ExperimentPaths paths, long iter,
                          ILogger log, TensorBoardWriter? tb, CsvScalarLog csv, int epoch, double lr)
    {
        foreach (var set in sets)
        {
            var results = validator.Run(model, set, iter, paths.Visualization,
                name => Path.Combine(name, $"{name}_{iter.ToString(CultureInfo.InvariantCulture)}{(options.Val!.Suffix is { } s ? "_" + s : "")}.png"));
            var sb = new StringBuilder($"Validation {set.Name}");
            var scalars = new Dictionary<string, double>();
            foreach (var r in results)
            {
                var (bestValue, bestIter) = validator.Best[(set.Name, r.Metric)];
                sb.Append(CultureInfo.InvariantCulture, $"\n\t # {r.Metric}: {r.Mean:F4}\tBest: {bestValue:F4} @ {bestIter} iter");
                scalars[$"metrics/{set.Name}/{r.Metric}"] = r.Mean;
            }
            log.Information("{Validation}", sb.ToString());
            tb?.AddScalars(iter, scalars);
            if (scalars.Count > 0) csv.Log(iter, epoch, lr, scalars);
        }
    }

    /// <summary>BasicSR's log line: [name..][epoch:  0, iter:     100, lr:(1.000e-04,)] [eta: 0:01:02, time (data): 0.123 (0.004)] l_pix: 1.2345e-02</summary>
    public static string FormatLogLine(string name, int epoch, long iter, IReadOnlyList<double> lrs, double iterTime, double dataTime,
                                       double etaSeconds, IReadOnlyDictionary<string, double> scalars)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"[{(name.Length > 5 ? name[..5] : name)}..][epoch:{epoch,3}, iter:{iter.ToString("N0", inv),8}, lr:(");
        foreach (var lr in lrs) sb.Append(lr.ToString("0.000e+00", inv)).Append(',');
        var eta = TimeSpan.FromSeconds(double.IsFinite(etaSeconds) ? Math.Max(etaSeconds, 0) : 0);
        sb.Append(inv, $")] [eta: {(int)eta.TotalHours}:{eta.Minutes:00}:{eta.Seconds:00}, time (data): {iterTime:F3} ({dataTime:F3})] ");
        foreach (var (k, v) in scalars) sb.Append(inv, $"{k}: {v.ToString("0.0000e+00", inv)} ");
        return sb.ToString().TrimEnd();
    }

    private static void SaveCheckpoint(TrainingModel model, ExperimentPaths paths, int epoch, long iter, int batchIndex, long seed, Validator? validator,
                                       int worldSize)
    {
        model.SaveNetworks(paths.Models, iter);
        var (opts, scheds) = model.TrainingStateTrees();
        using var scope = LibTorch.NewDisposeScope();
        var best = validator?.Best.Select(kv => (kv.Key.Set, kv.Key.Metric, kv.Value.Value, kv.Value.Iter)).ToList() ?? [];
        TrainingStateFile.Save(TrainingStateFile.PathFor(paths.TrainingStates, iter),
                               new TrainingState(epoch, iter, batchIndex, seed, opts, scheds, LibTorch.GetRngState(), best, worldSize));
    }

    private static (long Iter, int Epoch, int FirstBatch) Resume(string statePath, TrainingModel model, ExperimentPaths paths, Validator? validator,
                                                                int batchesPerEpoch, int worldSize, int batchSize)
    {
        if (!File.Exists(statePath)) throw new OptionException($"path.resume_state: file not found: {statePath}");
        return TrainingStateFile.Read(statePath, state =>
        {
            int epoch = (int)state.Epoch, batch = (int)state.BatchInEpoch + 1;
            // Another number of ranks: continue after the samples of the epoch the saved run consumed (rounded up to a
            // whole batch of this run; exact when the counts divide).
            if (state.WorldSize != worldSize)
                batch = (int)((batch * state.WorldSize * batchSize + (long)worldSize * batchSize - 1) / ((long)worldSize * batchSize));
            // Resume from the folder the state lives in, so a copied experiment resumes too.
            model.LoadNetworks(TrainingStateFile.ModelsDirFor(statePath, paths.Models), state.Iter);
            model.LoadTrainingStateTrees(state.Optimizers, state.Schedulers);
            if (state.RngState is { } rng) LibTorch.SetRngState(rng);
            validator?.RestoreBest(state.BestMetrics);
            if (batch >= batchesPerEpoch) (epoch, batch) = (epoch + 1, 0);
            return (state.Iter, epoch, batch);
        });
    }
}
