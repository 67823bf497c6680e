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
/// checkpoints every save_checkpoint_freq (atomic), exact resume from a training state. It survives: a signal saves
/// a state and stops (<see cref="TrainingSignals"/>), non-finite steps are skipped and rolled back
/// (<see cref="DivergenceGuard"/>), a hang is stopped (<see cref="StallWatchdog"/>).</summary>
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
        IReadOnlyList<string> resumeCandidates = o.Path.ResumeState is { } named ? [named]
            : o.AutoResume ? TrainingStateFile.Candidates(paths.TrainingStates) : [];
        dp?.Barrier();   // every rank has chosen its resume state before rank 0 archives or creates the folder
        if (main)
        {
            if (resumeCandidates.Count == 0) paths.CreateFresh(); else paths.Create();
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
        StartChecks.Run(o, device, w => log.Warning("{Warning}", w));
        // The model sees the seed in use (Real-ESRGAN models draw each batch's degradations from it).
        using var model = CreateModel(o with { ManualSeed = seed }, device);
        log.Information("SrTrain: experiment {Name}, model {Model}, device {Device}, libtorch {Version}, {Threads} threads, seed {Seed}, precision {Precision}",
                        o.Name, o.ModelType, device, LibTorch.Version, LibTorch.NumThreads, seed, model.Precision.Name);
        if (PrecisionChoice.IsAuto(o.Precision)) log.Information("Precision {Precision}: {Reason}", model.Precision.Name, model.Precision.Reason);
        if (MemoryFormatChoice.IsAuto(o.MemoryFormat)) log.Information("Memory format {Format}: {Reason}", model.MemoryFormat.Name, model.MemoryFormat.Reason);
        var convAlgorithm = ConvAlgorithmChoice.ForThisMachine(o.ConvAlgorithm, device.Type, model.Precision.Name, model.MemoryFormat.ChannelsLast);
        if (ConvAlgorithmChoice.IsAuto(o.ConvAlgorithm)) log.Information("Convolutions {Algorithm}: {Reason}", convAlgorithm.Name, convAlgorithm.Reason);
        // Holds for this run's forward passes, the training loop's and validation's, on this thread and what it awaits.
        using var convScope = ConvAlgorithm.UseWinograd(convAlgorithm.Winograd, convAlgorithm.MaxScratchpadBytes);
        if (device.Type == DeviceType.Cuda)
        {
            // BasicSR's train.py sets torch.backends.cudnn.benchmark = True; cudnn_benchmark: false keeps the algorithms fixed.
            LibTorch.CudnnFlags = (o.CudnnBenchmark ?? true, LibTorch.CudnnFlags.Deterministic);
            log.Information("CUDA: {Device}, cuDNN benchmark {Benchmark} (cudnn_benchmark), {Scalers}", device, LibTorch.CudnnFlags.Benchmark,
                            model.GradScalers.Count == 0 ? "no gradient scaler" : $"gradient scalers for {string.Join(", ", model.GradScalers.Select(g => g.Part))} (fp16)");
        }
        foreach (var note in model.LoadNotes) log.Information("{Note}", note);
        log.Information("Network G: {Type}, parameters: {Count:N0}", o.NetworkG!["type"], model.NetG.NumParameters());

        var trainSection = o.Datasets.TryGetValue(TrainPhase, out var ts) && ts is Dictionary<string, object?> tsd
            ? tsd : throw new OptionException("datasets.train is required for training");
        using var loader = data.CreateTrainLoader(TrainPhase, trainSection, o.Scale, seed, device,
                                                  dp is null ? null : new DataShard(dp.Rank, dp.WorldSize),
                                                  w => log.Warning("{Warning}", w));   // e.g. on_bad_image: skip, into the training log
        var valSets = o.Datasets.Where(kv => kv.Key.StartsWith("val", StringComparison.Ordinal) && o.Val is not null)
            .Select(kv => data.CreateImageSet(kv.Key, (Dictionary<string, object?>)kv.Value!, o.Scale, device)).ToList();
        // A training set smaller than one batch (drop_last, as BasicSR) would make every epoch empty and the loop spin.
        if (loader.BatchesPerEpoch == 0)
            throw new OptionException($"datasets.train: {loader.DatasetSize} sample(s) do not fill one batch of batch_size_per_gpu " +
                                      $"({trainSection.GetValueOrDefault("batch_size_per_gpu")}): add images or lower batch_size_per_gpu");
        int accum = GradientAccumulation.MicroBatchesPerStep(train, loader.BatchesPerEpoch);
        if (accum > 1) log.Information("Gradient accumulation: {K} micro-batches per optimizer step (train.accum_iter)", accum);
        long totalEpochs = (long)Math.Ceiling(train.TotalIter / (double)Math.Max(loader.BatchesPerEpoch / accum, 1));
        log.Information("Training statistics: samples {Samples}, batches per epoch {Batches}, total epochs {Epochs}, iters {Iters}",
                        loader.DatasetSize, loader.BatchesPerEpoch, totalEpochs, train.TotalIter);

        var validator = o.Val is not null ? new Validator(o.Val, imageWriter) : null;
        var guard = new DivergenceGuard(train);
        long currentIter = 0;
        int startEpoch = 0, firstBatch = 0;
        string? lastGoodState = null;   // the divergence guard's rollback target; null: the initial snapshot
        if (resumeCandidates.Count > 0)
        {
            Func<string, (long, int, int)> resume = p => Resume(p, model, paths, validator, loader.BatchesPerEpoch, dp?.WorldSize ?? 1,
                                                                BatchSize(trainSection), guard: guard);
            (lastGoodState, (currentIter, startEpoch, firstBatch)) = o.Path.ResumeState is not null
                ? (resumeCandidates[0], resume(resumeCandidates[0]))
                : AutoResume.Pick(resumeCandidates, model, paths.Models, resume, w => log.Warning("{Warning}", w));
            log.Information("Resuming training from epoch {Epoch}, iter {Iter} ({Path})", startEpoch, currentIter, lastGoodState);
            if (guard.Rollbacks > 0)
                log.Information("Divergence guard: {Used} of {Max} rollback(s) used before this resume; learning rate x{Scale}",
                                guard.Rollbacks, train.NanRollbacks, guard.LrScale);
        }
        using var initial = lastGoodState is null && train.NanRollbacks > 0 ? new InitialSnapshot(model) : null;
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

        // The last finished iteration: what a state saved now (signal, error, stall) resumes from.
        var done = (Epoch: startEpoch, Iter: currentIter, Batch: firstBatch - 1);
        long lastSavedIter = currentIter;
        string? SaveNow(string why)
        {
            if (done.Iter <= lastSavedIter) return lastGoodState;
            log.Information("Saving models and training states at iter {Iter} ({Why})", done.Iter, why);
            return SaveGood(done.Epoch, done.Iter, done.Batch) ?? lastGoodState;
        }
        // Every save goes through here (periodic, signal, error, stall; a rollback only reads): null when refused.
        string? SaveGood(int epoch, long iter, int batch)
        {
            // No checkpoint ever holds a non-finite value: a diverged network (or optimizer state) is not saved, so the
            // last good state stays the newest on disk and the rollback target.
            var bad = model.CheckpointNetworks.SelectMany(n => n.Ema is null ? new[] { (n.Label, n.Net) } : [(n.Label, n.Net), (n.Label + " (ema)", n.Ema)])
                .Where(n => !FiniteCheck.Weights(n.Item2)).Select(n => n.Item1).ToList();
            var trees = model.TrainingStateTrees();
            if (bad.Count == 0 && !FiniteCheck.Tree(trees.Optimizers)) bad.Add("the optimizer state");
            if (bad.Count > 0)
            {
                log.Error("Not saving the checkpoint of iter {Iter}: {Nets} hold(s) non-finite values; the last good checkpoint is {State}",
                          iter, string.Join(", ", bad), lastGoodState ?? "none (the initial weights)");
                return null;
            }
            // Data-parallel, rank 0 writes; the other ranks (identical weights) note the path for a rollback, which all
            // ranks then load from the shared experiment folder.
            lastGoodState = main ? SaveCheckpoint(model, paths, epoch, iter, batch, seed, validator, dp?.WorldSize ?? 1, guard, trees)
                                 : TrainingStateFile.PathFor(paths.TrainingStates, iter);
            lastSavedIter = iter;
            guard.NoteSaved(lastGoodState);
            return lastGoodState;
        }
        var stepLock = new object();
        using var watchdog = new StallWatchdog(train.StallTimeout, stepLock, () => SaveNow("stalled"), m => log.Error("{Stall}", m));
        bool inStep = false;

        try
        {
            currentIter = TrainingConsole.Run(interactive, currentIter, train.TotalIter, progress =>
            {
                while (TrainFrom(progress)) { }
                return currentIter;
            });
        }
        catch (ThreadInterruptedException) when (watchdog.Acknowledge())
        {
            throw watchdog.StopException();
        }
        catch (Exception e) when (e is not TrainingStoppedException && !watchdog.Fired)
        {
            // A user error (a corrupt image, a bad option met late) stops the run: keep what it trained first.
            if (inStep) log.Error("Stopping on an error inside iter {Iter}; the last saved state is {State}", currentIter, lastGoodState ?? "none");
            else
                try { SaveNow("stopping on an error"); }
                catch (Exception saveError) { log.Error("Could not save a training state: {Error}", saveError.Message); }
            log.Error("{Error}", e.Message);
            throw;
        }
        finally
        {
            ActivityBoard.Clear();
        }

        // One pass of the loop from (startEpoch, firstBatch); true when the divergence guard rolled back and set them anew.
        bool TrainFrom(Action<long> progress)
        {
            for (int epoch = startEpoch; currentIter < train.TotalIter; epoch++)
            {
                int batchIndex = epoch == startEpoch ? firstBatch : 0;
                var dataWatch = Stopwatch.StartNew();
                ActivityBoard.Post($"waiting for batch {batchIndex} of epoch {epoch} (iter {currentIter + 1})", "main loop");
                using var pending = new GradientAccumulation(accum);
                foreach (var batch in loader.Epoch(epoch, batchIndex))
                {
                    // With train.accum_iter K, an iteration is K batches (an epoch's last < K are dropped).
                    if (!pending.Add(batch))
                    {
                        batchIndex++;
                        continue;
                    }
                    var action = GuardAction.Continue;
                    lock (stepLock)
                    {
                        double batchDataTime = dataWatch.Elapsed.TotalSeconds;
                        iterTime.Restart();
                        currentIter++;
                        ActivityBoard.Post($"running iter {currentIter} (epoch {epoch}, batch {batchIndex})", "main loop");
                        inStep = true;
                        using (var scope = LibTorch.NewDisposeScope())
                        using (pending)
                        {
                            model.UpdateLearningRate(currentIter);
                            dp?.SyncBuffers(model.Networks());
                            model.OptimizeAccumulated(currentIter, pending.Batches);
                        }
                        inStep = false;
                        done = (epoch, currentIter, batchIndex);
                        computeTime += iterTime.Elapsed.TotalSeconds;
                        dataTime += batchDataTime;
                        itersTimed++;
                        action = guard.AfterStep(model.NonFiniteParts.Count == 0);
                        if (model.NonFiniteParts.Count > 0)
                            log.Warning("Iter {Iter}: non-finite loss or gradient in {What}: optimizer step skipped ({Run} in a row, {Total} in all)",
                                        currentIter, DivergenceGuard.Describe(model.NonFiniteParts, model.CurrentLog), guard.Consecutive, guard.Skipped);

                        if (currentIter % o.Logger.PrintFreq == 0 || currentIter == train.TotalIter)
                        {
                            double lr = model.CurrentLearningRates.FirstOrDefault();
                            var scalars = dp?.Average(model.CurrentLog) ?? model.CurrentLog;   // the mean over the ranks' batches
                            logged.Add(new Dictionary<string, double>(scalars) { ["lr"] = lr });
                            double perIter = (computeTime + dataTime) / Math.Max(itersTimed, 1);
                            // On CUDA the line ends with the peak allocated memory (torch.cuda.max_memory_allocated); CPU lines are unchanged.
                            long? peak = device.Type == DeviceType.Cuda ? LibTorch.CudaMaxMemoryAllocated(device.Index) : null;
                            log.Information("{Line}", FormatLogLine(o.Name, epoch, currentIter, model.CurrentLearningRates,
                                perIter, dataTime / Math.Max(itersTimed, 1), (train.TotalIter - currentIter) * perIter, scalars, peak));
                            csv?.Log(currentIter, epoch, lr, scalars);
                            tb?.AddScalars(currentIter, scalars.ToDictionary(kv => "losses/" + kv.Key, kv => kv.Value));
                            computeTime = dataTime = 0;
                            itersTimed = 0;
                        }

                        if (action == GuardAction.Stop)
                            throw new TrainingStoppedException(StopReason.Diverged,
                                $"training diverged: {guard.Consecutive} steps in a row with a non-finite loss or gradient up to iter {currentIter} " +
                                $"({DivergenceGuard.Describe(model.NonFiniteParts, model.CurrentLog)}) after {guard.Rollbacks} rollback(s) " +
                                $"(learning rate x{guard.LrScale.ToString("G4", CultureInfo.InvariantCulture)}); last good checkpoint: {lastGoodState ?? "none (the initial weights)"}",
                                TrainingStoppedException.DivergedExitCode, lastGoodState);
                        if (action == GuardAction.RollBack)
                        {
                            var target = lastGoodState;
                            if (target is not null)
                                (currentIter, startEpoch, firstBatch) = Resume(target, model, paths, validator, loader.BatchesPerEpoch, dp?.WorldSize ?? 1, BatchSize(trainSection), allNetworks: true);
                            else
                            {
                                initial!.Restore(model);
                                validator?.RestoreBest([]);
                                (currentIter, startEpoch, firstBatch) = (0, 0, 0);
                            }
                            guard.RolledBack(model, target);
                            log.Warning("Rolled back to iter {Iter} ({State}) after {Limit} non-finite steps in a row; learning rate x{Scale} (rollback {N} of {Max})",
                                        currentIter, target ?? "the initial weights", train.NanSkipLimit, guard.LrScale, guard.Rollbacks, train.NanRollbacks);
                            done = (startEpoch, currentIter, firstBatch - 1);
                            lastSavedIter = currentIter;
                            progress(currentIter);
                            return true;
                        }

                        if (currentIter % o.Logger.SaveCheckpointFreq == 0 || currentIter == train.TotalIter)
                            using (watchdog.Suspend())
                            {
                                log.Information("Saving models and training states at iter {Iter}", currentIter);
                                if (SaveGood(epoch, currentIter, batchIndex) is null && currentIter == train.TotalIter)
                                    throw new TrainingStoppedException(StopReason.Diverged,
                                        $"training ended at iter {currentIter} with non-finite values in the networks or optimizer state, which were not saved; " +
                                        $"last good checkpoint: {lastGoodState ?? "none (the initial weights)"}", TrainingStoppedException.DivergedExitCode, lastGoodState);
                            }

                        if (main && validator is not null && (currentIter % o.Val!.ValFreq == 0 || currentIter == train.TotalIter))
                            using (watchdog.Suspend())
                                Validate(model, validator, valSets, paths, currentIter, log, tb, csv!, epoch, model.CurrentLearningRates.FirstOrDefault());
                        watchdog.Beat(iterTime.Elapsed.TotalSeconds + batchDataTime);
                    }

                    // Data-parallel, a stop request on any rank stops all of them at the same iteration (no rank waits in a collective).
                    bool stop = cancel.IsCancellationRequested;
                    if (dp is not null) stop = dp.AnyRank(stop);
                    if (stop)
                    {
                        var saved = SaveNow("stop requested");
                        throw new TrainingStoppedException(StopReason.Interrupted,
                            $"training stopped at iter {currentIter} on request; " + (saved is null ? "no training state saved yet" : $"training state: {saved}"),
                            130, saved);
                    }
                    batchIndex++;
                    progress(currentIter);
                    if (currentIter >= train.TotalIter) break;
                    ActivityBoard.Post($"waiting for batch {batchIndex} of epoch {epoch} (iter {currentIter + 1})", "main loop");
                    dataWatch.Restart();
                }
            }
            return false;
        }

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

    /// <summary>BasicSR's log line: [name..][epoch:  0, iter:     100, lr:(1.000e-04,)] [eta: 0:01:02, time (data): 0.123 (0.004)] l_pix: 1.2345e-02;
    /// with <paramref name="peakMemoryBytes"/> (CUDA runs) the time bracket ends with ", peak mem: 1.23 GiB".</summary>
    public static string FormatLogLine(string name, int epoch, long iter, IReadOnlyList<double> lrs, double iterTime, double dataTime,
                                       double etaSeconds, IReadOnlyDictionary<string, double> scalars, long? peakMemoryBytes = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"[{(name.Length > 5 ? name[..5] : name)}..][epoch:{epoch,3}, iter:{iter.ToString("N0", inv),8}, lr:(");
        foreach (var lr in lrs) sb.Append(lr.ToString("0.000e+00", inv)).Append(',');
        var eta = TimeSpan.FromSeconds(double.IsFinite(etaSeconds) ? Math.Max(etaSeconds, 0) : 0);
        sb.Append(inv, $")] [eta: {(int)eta.TotalHours}:{eta.Minutes:00}:{eta.Seconds:00}, time (data): {iterTime:F3} ({dataTime:F3})");
        if (peakMemoryBytes is { } peak) sb.Append(", peak mem: ").Append(TorchOutOfMemoryException.FormatBytes(peak));
        sb.Append("] ");
        foreach (var (k, v) in scalars) sb.Append(inv, $"{k}: {v.ToString("0.0000e+00", inv)} ");
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes the networks, then the training state that names them: the state is the commit point (each file
    /// atomic), so a crash in between leaves the previous checkpoint as the newest whole one. Returns the state's path.</summary>
    private static string SaveCheckpoint(TrainingModel model, ExperimentPaths paths, int epoch, long iter, int batchIndex, long seed, Validator? validator,
                                         int worldSize, DivergenceGuard guard, (List<object?> Optimizers, List<object?> Schedulers) trees)
    {
        model.SaveNetworks(paths.Models, iter);
        var (opts, scheds) = trees;
        using var scope = LibTorch.NewDisposeScope();
        var best = validator?.Best.Select(kv => (kv.Key.Set, kv.Key.Metric, kv.Value.Value, kv.Value.Iter)).ToList() ?? [];
        var path = TrainingStateFile.PathFor(paths.TrainingStates, iter);
        TrainingStateFile.Save(path, new TrainingState(epoch, iter, batchIndex, seed, opts, scheds, LibTorch.GetRngState(), best,
                                                         worldSize, guard.Rollbacks, guard.LrScale)
        {
            CudaRngState = model.Device.Type == DeviceType.Cuda ? LibTorch.GetCudaRngState(model.Device.Index) : null,
            GradScalers = model.GradScalerStates(),
        });
        return path;
    }

    private static (long Iter, int Epoch, int FirstBatch) Resume(string statePath, TrainingModel model, ExperimentPaths paths, Validator? validator,
                                                                int batchesPerEpoch, int worldSize, int batchSize, bool allNetworks = false,
                                                                DivergenceGuard? guard = null)
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
            model.LoadNetworks(TrainingStateFile.ModelsDirFor(statePath, paths.Models), state.Iter, allNetworks);
            model.LoadTrainingStateTrees(state.Optimizers, state.Schedulers);
            if (state.RngState is { } rng) LibTorch.SetRngState(rng);
            // A CUDA run's generator; a state saved on CUDA and resumed on the CPU (or the reverse) has no generator to match.
            if (state.CudaRngState is { } cudaRng && model.Device.Type == DeviceType.Cuda) LibTorch.SetCudaRngState(cudaRng, model.Device.Index);
            model.LoadGradScalerStates(state.GradScalers);
            validator?.RestoreBest(state.BestMetrics);
            // A resume (not a rollback, which keeps counting) takes over the rollbacks the saved run had used.
            guard?.Resumed(statePath, state.NanRollbacks, state.NanLrScale);
            if (batch >= batchesPerEpoch) (epoch, batch) = (epoch + 1, 0);
            return (state.Iter, epoch, batch);
        });
    }
}
