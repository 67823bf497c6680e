using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Checkpoints;
using SrTrain.Engine.Inference;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using SrTrain.Torch;
using SrTrain.Torch.Amp;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Optim;

namespace SrTrain.Engine.Models;

/// <summary>The model protocol the engine drives (BasicSR's BaseModel): a model says <i>what</i> one
/// step is (<see cref="FeedData"/>, <see cref="OptimizeParameters"/>); the engine owns loops,
/// schedules, checkpoints and logging. Holds net_g (and net_g_ema), the optimizers and schedulers.</summary>
public abstract class TrainingModel : IDisposable
{
    private readonly List<Optimizer> optimizers = [];
    private readonly List<LrScheduler> schedulers = [];
    private readonly Dictionary<string, double> log = [];
    private readonly List<string> loadNotes = [];
    private readonly List<string> nonFiniteParts = [];
    private readonly Dictionary<string, GradScaler> scalers = [];
    private ModelEma? ema;
    private PrecisionChoice? precision;
    private MemoryFormatChoice? memoryFormat;

    protected TrainingModel(ExperimentOptions options, Device device)
    {
        Options = options;
        Device = device;
        NetG = CreateNetwork(options.NetworkG ?? throw new OptionException("network_g is required"), "network_g");
        if (options.Path.PretrainNetworkG is { } path)
            LoadNetwork(NetG, path, options.Path.ParamKeyG, options.Path.StrictLoadG, "path.pretrain_network_g");
        if (options.IsTrain && options.Train!.EmaDecay > 0)
        {
            NetGEma = CreateNetwork(options.NetworkG, "network_g");
            if (options.Path.PretrainNetworkG is { } p2)
                LoadNetwork(NetGEma, p2, "params_ema", options.Path.StrictLoadG, "path.pretrain_network_g", fallbackKeys: [options.Path.ParamKeyG]);
            ema = new ModelEma(NetG, NetGEma, options.Train.EmaDecay);
            if (options.Path.PretrainNetworkG is null) ema.CopyFromNet();
            NetGEma.Eval();
        }
        NetG.Train(options.IsTrain);
        // Every model trains net_g with train.optim_g (BasicSR's setup_optimizers); a discriminator's optimizer is
        // its model's own (OptimizerD).
        if (options.IsTrain)
        {
            OptimizerG = AddOptimizer(CreateOptimizer(options.Train!.OptimG, NetG, "train.optim_g"));
            AddGradScaler("net_g");
        }
    }

    public ExperimentOptions Options { get; }
    public Device Device { get; }

    /// <summary>The generator.</summary>
    public Module NetG { get; }

    /// <summary>EMA copy of the generator (null when ema_decay is 0); used for validation when present.</summary>
    public Module? NetGEma { get; }

    /// <summary>The generator's optimizer (train.optim_g); null outside training.</summary>
    public Optimizer? OptimizerG { get; }

    /// <summary>Every optimizer, in the order training-state files store them (G, then D).</summary>
    public IReadOnlyList<Optimizer> Optimizers => optimizers;

    /// <summary>The learning-rate schedulers, one per optimizer, in the same order.</summary>
    public IReadOnlyList<LrScheduler> Schedulers => schedulers;

    /// <summary>Scalars logged by the last <see cref="OptimizeParameters"/> (l_pix, l_g_gan, ...), and only those.</summary>
    public IReadOnlyDictionary<string, double> CurrentLog => log;

    /// <summary>Takes the batch of this iteration (its tensors stay owned by the caller's scope).</summary>
    public abstract void FeedData(SrBatch batch);

    /// <summary>One optimisation step; <paramref name="currentIter"/> is 1-based. Under gradient accumulation it is
    /// called once per micro-batch (<see cref="Micro"/>): zero the gradients at the first, step at the last.</summary>
    public abstract void OptimizeParameters(long currentIter);

    /// <summary>The micro-batch <see cref="OptimizeParameters"/> is working on (<see cref="MicroBatch.Single"/> without accumulation).</summary>
    protected MicroBatch Micro { get; private set; } = MicroBatch.Single;

    /// <summary>One optimizer step over <paramref name="microBatches"/> (train.accum_iter of them): each is fed and
    /// optimised as micro-batch k of K; one batch is exactly <see cref="FeedData"/> + <see cref="OptimizeParameters"/>.</summary>
    public virtual void OptimizeAccumulated(long currentIter, IReadOnlyList<SrBatch> microBatches)
    {
        try
        {
            for (int k = 0; k < microBatches.Count; k++)
            {
                Micro = new MicroBatch(k, microBatches.Count);
                FeedData(microBatches[k]);
                OptimizeParameters(currentIter);
            }
        }
        finally
        {
            Micro = MicroBatch.Single;
        }
    }

    /// <summary>Builds a registered arch from an option section, on the model's device, in the
    /// configured memory format.</summary>
    protected Module CreateNetwork(Dictionary<string, object?> section, string where)
    {
        var net = TypeRegistry.Create<Module>(RegistryKind.Arch, section, where);
        net.To(Device);
        if (UsesChannelsLast) net.To(Torch.MemoryFormat.ChannelsLast);
        return net;
    }

    /// <summary>Loads weights into <paramref name="net"/> through the checkpoint module (<see cref="ArchCheckpoint.LoadFile"/>):
    /// a missing <paramref name="paramKey"/> falls back to <paramref name="fallbackKeys"/> in turn, then to <c>params</c>, then
    /// to the file's bare state dict (BasicSR resumes net_g_ema from params_ema, else params; an ESRGAN release file
    /// loads with the default param key); keys lose the <c>module.</c> prefix and an arch's foreign layouts are
    /// converted. What it changed goes to <see cref="LoadNotes"/>.</summary>
    protected void LoadNetwork(Module net, string path, string? paramKey, bool strict, string where, IReadOnlyList<string?>? fallbackKeys = null)
    {
        if (!File.Exists(path)) throw new OptionException($"{where}: weights file not found: {path}");
        CheckpointLoadReport report;
        try
        {
            report = ArchCheckpoint.LoadFile(net, path, paramKey, strict, fallbackKeys);
        }
        catch (ArgumentException e)
        {
            throw new OptionException($"{where}: {path}: {e.Message}");
        }
        // net_g and net_g_ema usually load the same entry and convert alike: one line for each note.
        // (The entry note names the file itself.)
        var keyLines = report.KeyLines(net.StateDict().Count - report.Keys.MissingKeys.Count).Select(l => $"{where}: {path}: {l}");
        foreach (var line in new[] { report.Entry is null ? null : $"{where}: {report.Entry}", report.Conversion is null ? null : $"{where}: {path}: {report.Conversion}" }.Concat(keyLines))
            if (line is not null && !loadNotes.Contains(line)) loadNotes.Add(line);
    }

    /// <summary>What loading weights changed on the way in, one line per file (e.g. "path.pretrain_network_g:
    /// RRDB_ESRGAN_x4.pth: converted the ESRGAN OriginalRelease key layout to RRDBNet's"); the trainer and
    /// tester log them.</summary>
    public IReadOnlyList<string> LoadNotes => loadNotes;

    /// <summary>Builds the optimizer named by an optim_* section over the trainable parameters of <paramref name="net"/>.</summary>
    protected Optimizer CreateOptimizer(Dictionary<string, object?> section, Module net, string where)
    {
        var spec = TypeRegistry.Create<IOptimizerSpec>(RegistryKind.Optimizer, section, where);
        var trainable = net.Parameters().Where(p => p.RequiresGrad).ToList();
        return spec.Create(trainable);
    }

    /// <summary>Registers <paramref name="optimizer"/> for learning-rate schedules and training-state files, and returns it.</summary>
    protected Optimizer AddOptimizer(Optimizer optimizer)
    {
        optimizers.Add(optimizer);
        if (Options.Train?.Scheduler is { } section)
            schedulers.Add(TypeRegistry.Create<ISchedulerSpec>(RegistryKind.Scheduler, section, "train.scheduler").Create(optimizer));
        else
            foreach (var g in optimizer.ParamGroups) g.InitialLr ??= g.Lr;
        return optimizer;
    }

    /// <summary>BasicSR's update_learning_rate: schedulers step from iteration 2 on; linear warm-up before warmup_iter.</summary>
    public void UpdateLearningRate(long currentIter) =>
        LinearWarmup.UpdateLearningRate(optimizers, schedulers, currentIter, Options.Train?.WarmupIter ?? -1);

    /// <summary>The learning rate of each of the generator optimizer's groups (BasicSR logs optimizer_g's).</summary>
    public IReadOnlyList<double> CurrentLearningRates => OptimizerG is null ? [] : OptimizerG.ParamGroups.Select(g => g.Lr).ToList();

    /// <summary>The memory format the networks train in (<c>memory_format: auto</c> resolved for the device and precision).</summary>
    public MemoryFormatChoice MemoryFormat => memoryFormat ??= MemoryFormatChoice.ForThisMachine(Options.MemoryFormat, Device.Type, Precision.Name, training: true);

    protected bool UsesChannelsLast => MemoryFormat.ChannelsLast;

    /// <summary>The precision this model computes in (<c>precision: auto</c> resolved for its device).</summary>
    public PrecisionChoice Precision => precision ??= PrecisionChoice.ForThisMachine(Options.Precision, Device);

    protected bool UsesBf16 => Precision.Bf16;

    /// <summary>Runs a network with the engine's precision and memory format; the output is float32. bf16 (CPU or
    /// CUDA) and fp16 (CUDA) run the network in one autocast region of the model's device type.</summary>
    protected Tensor Forward(Module net, Tensor input)
    {
        var x = UsesChannelsLast ? input.Contiguous(Torch.MemoryFormat.ChannelsLast) : input;
        if (Precision.AutocastDType is not { } dtype) return net.Forward(x);
        Tensor y;
        using (LibTorch.Autocast(Device.Type, dtype)) y = net.Forward(x);
        return y.DType == DType.Float32 ? y : y.To(DType.Float32);
    }

    /// <summary>The gradient scalers of an fp16 run by the network whose optimizer each serves (net_g, net_d), in
    /// optimizer order; empty in fp32 and bf16 runs. Saved in training states.</summary>
    public IReadOnlyList<(string Part, GradScaler Scaler)> GradScalers => scalers.Select(kv => (kv.Key, kv.Value)).ToList();

    /// <summary>Gives <paramref name="part"/>'s optimizer a gradient scaler when <see cref="UsesGradScalers"/> (one per
    /// optimizer, as BasicSR-style GAN training with torch.cuda.amp needs for its G and D steps).</summary>
    protected void AddGradScaler(string part)
    {
        if (UsesGradScalers) scalers[part] = new GradScaler();
    }

    /// <summary>Whether losses are scaled and gradients unscaled by a <see cref="GradScaler"/>: in fp16 runs. Called from
    /// the constructor. A subclass may scale float32 losses too (harmless: the scale is a power of two), which is how the
    /// CPU tests exercise the fp16 step logic without a GPU.</summary>
    protected virtual bool UsesGradScalers => Precision.Fp16;

    /// <summary>Backpropagates <paramref name="loss"/> of <paramref name="part"/>'s step: times its gradient scaler's
    /// scale in fp16 runs (PyTorch: scaler.scale(loss).backward()), then as <see cref="Micro"/> says.</summary>
    protected void Backward(string part, Tensor loss) =>
        Micro.Backward(scalers.TryGetValue(part, out var scaler) ? scaler.ScaleLoss(loss) : loss);

    /// <summary>Records a scalar for the log (the tensor's value leaves; the tensor stays in its scope); under
    /// accumulation the mean over the step's micro-batches.</summary>
    protected void Log(string name, Tensor value) => Log(name, value.Item());

    protected void Log(string name, double value) =>
        log[name] = Micro.Count == 1 ? value : log.GetValueOrDefault(name) + value / Micro.Count;

    /// <summary>Starts a fresh log (at the first micro-batch of a step only, so accumulated means survive).</summary>
    protected void ClearLog()
    {
        if (!Micro.IsFirst) return;
        log.Clear();
        nonFiniteParts.Clear();
    }

    /// <summary>The networks (net_g, net_d) whose loss or gradients were not finite in the last
    /// <see cref="OptimizeParameters"/>, so their optimizer step was skipped; empty after a finite step.</summary>
    public IReadOnlyList<string> NonFiniteParts => nonFiniteParts;

    /// <summary>The divergence guard's per-step check (<see cref="FiniteCheck.Gradients"/>, one host sync): false, and
    /// <paramref name="part"/> recorded in <see cref="NonFiniteParts"/>, when the step of <paramref name="net"/> must be skipped.
    /// In fp16 runs the gradients are first unscaled (before clipping and this check read them) and the scaler updated:
    /// inf/NaN gradients under a finite loss are the scaler's overflow, a skipped step that backs the scale off
    /// (GradScaler.step and update), not a divergence; a non-finite loss still is one.</summary>
    protected bool StepIsFinite(string part, Tensor? loss, Module net)
    {
        if (scalers.TryGetValue(part, out var scaler))
        {
            bool overflow = scaler.Unscale(net.Parameters());
            scaler.Update(overflow);
            if (overflow)
            {
                if (loss is not null && !FiniteCheck.AllFinite([loss.Detach()])) nonFiniteParts.Add(part);
                return false;
            }
        }
        if (FiniteCheck.Gradients(loss, net)) return true;
        nonFiniteParts.Add(part);
        return false;
    }

    /// <summary>Updates net_g_ema, unless a part of this step was skipped as non-finite (the average keeps the last good weights).</summary>
    protected void UpdateEma()
    {
        if (nonFiniteParts.Count == 0) ema?.Update();
    }

    /// <summary>Set by the trainer in data-parallel training: gradients are averaged over the ranks after each backward.</summary>
    public DataParallel? DataParallel { get; set; }

    /// <summary>Averages <paramref name="net"/>'s gradients over the ranks (data-parallel training; nothing otherwise).
    /// Called after the backward, before clipping and the optimizer step, so every rank steps with the same gradient.</summary>
    protected void SyncGradients(Module net) => DataParallel?.AverageGradients(net);

    /// <summary>Every network this model trains or keeps (net_g, net_g_ema, net_d), for the ranks' initial broadcast.</summary>
    public IEnumerable<Module> Networks() =>
        SavedNetworks().SelectMany(n => n.Ema is null ? new[] { n.Net } : [n.Net, n.Ema]);

    /// <summary>Clips the gradient norm when train.grad_clip_norm is set.</summary>
    protected void ClipGradients(Module net)
    {
        if (Options.Train?.GradClipNorm is not { } maxNorm) return;
        using var scope = LibTorch.NewDisposeScope();
        var grads = net.Parameters().Select(p => p.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return;
        var total = Tensor.Stack(grads.Select(g => g.Norm()).ToList()).Norm().Item();
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1)
            using (LibTorch.NoGrad())
                foreach (var g in grads) g.Mul_(coef);
    }

    /// <summary>The network used for validation and inference: net_g_ema when present.</summary>
    public Module InferenceNet => NetGEma ?? NetG;

    /// <summary>Super-resolves <paramref name="lq"/> without gradients in eval mode (optionally x8
    /// self-ensemble, optionally tiled), restoring the training mode afterwards. <paramref name="scale"/> (a
    /// multi-scale validation set's) runs a multi-scale network at that scale instead of the run's.</summary>
    public Tensor Test(Tensor lq, bool selfEnsemble = false, int tile = 0, int tilePad = 10, int? scale = null)
    {
        var net = InferenceNet;
        bool wasTraining = net.Training;
        int s = scale ?? Options.Scale;
        // Without a set scale, a network that multi-scale batches switched runs at its configured scale again.
        int? target = scale ?? configuredUpscale;
        int? previousScale = target is { } t ? SelectScale(net, t, "a validation set's scale") : null;
        net.Eval();
        try
        {
            using var _ = LibTorch.NoGrad();
            var rule = InputRule.Of(net);
            Func<Tensor, Tensor> run = x => InputPadding.Run(t => Forward(net, t), x, rule, s);
            if (tile > 0) { var inner = run; run = x => TiledInference.Run(inner, x, tile, tilePad, s); }
            return selfEnsemble ? SelfEnsemble.Run(run, lq) : run(lq);
        }
        finally
        {
            net.Train(wasTraining);
            if (previousScale is { } p) ((IMultiScaleNetwork)net).Upscale = p;
        }
    }

    /// <summary>Sets a multi-scale network (<see cref="IMultiScaleNetwork"/>) to <paramref name="scale"/> and returns
    /// its previous scale; any other network must already be at that scale.</summary>
    protected static int SelectScale(Module net, int scale, string why)
    {
        if (net is IMultiScaleNetwork ms && ms.SupportsScale(scale))
        {
            int previous = ms.Upscale;
            ms.Upscale = scale;
            return previous;
        }
        throw new OptionException(net is IMultiScaleNetwork
            ? $"{why} is x{scale}, which network_g ({net.GetType().Name}) has no branch for"
            : $"{why} is x{scale}, but network_g ({net.GetType().Name}) runs at one scale: multi-scale data needs MDSR, VDSR or SRCNN");
    }

    /// <summary>Runs net_g (and net_g_ema) at a multi-scale batch's scale (<see cref="SrBatch.Scale"/>); nothing for other batches.</summary>
    protected void UseBatchScale(SrBatch batch)
    {
        if (batch.Scale is not { } scale) return;
        int previous = SelectScale(NetG, scale, "the training batch's scale");
        configuredUpscale ??= previous;
        if (NetGEma is not null) SelectScale(NetGEma, scale, "the training batch's scale");
    }

    /// <summary>net_g's own scale (its upscale option) once multi-scale batches have switched it; null before.</summary>
    private int? configuredUpscale;

    /// <summary>Networks saved with each checkpoint, by label (net_g, net_d).</summary>
    protected virtual IEnumerable<(string Label, Module Net, Module? Ema)> SavedNetworks()
    {
        yield return ("net_g", NetG, NetGEma);
    }

    /// <summary>The networks a checkpoint holds: label (net_g, net_d), network and its EMA copy.</summary>
    public IReadOnlyList<(string Label, Module Net, Module? Ema)> CheckpointNetworks => SavedNetworks().ToList();

    /// <summary>Writes models/&lt;label&gt;_&lt;iter&gt;.pth in BasicSR's layout: {'params': ..., 'params_ema': ...} (<see cref="NetworkFile"/>).</summary>
    public void SaveNetworks(string modelsDir, long iter)
    {
        Directory.CreateDirectory(modelsDir);
        foreach (var (label, net, netEma) in SavedNetworks())
            NetworkFile.Save(NetworkFile.PathFor(modelsDir, label, iter), net, netEma);
    }

    /// <summary>Restores networks from models/&lt;label&gt;_&lt;iter&gt;.pth (resume), except those named in
    /// <c>path.ignore_resume_networks</c> (e.g. <c>[network_d]</c>), which keep the weights they started with
    /// (their <c>pretrain_network_*</c>), as BasicSR's check_resume does.</summary>
    /// <param name="modelsDir">The models folder.</param>
    /// <param name="iter">The checkpoint's iteration.</param>
    /// <param name="all">Load every network, ignore_resume_networks too (a divergence rollback).</param>
    public void LoadNetworks(string modelsDir, long iter, bool all = false)
    {
        var ignored = all ? [] : IgnoredOnResume(Options.Path.IgnoreResumeNetworks);
        foreach (var (label, net, netEma) in SavedNetworks())
        {
            if (ignored.Contains("network_" + label.Replace("net_", "", StringComparison.Ordinal))) continue;
            var path = NetworkFile.PathFor(modelsDir, label, iter);
            LoadNetwork(net, path, "params", strict: true, "resume");
            if (netEma is not null) LoadNetwork(netEma, path, "params_ema", strict: true, "resume");
        }
    }

    private static HashSet<string> IgnoredOnResume(object? option) => option switch
    {
        null => [],
        string name => [name],
        IEnumerable<object?> names => names.Select(n => n as string ?? throw new OptionException(
            $"path.ignore_resume_networks: expected network names such as network_d, got {n ?? "~"}")).ToHashSet(),
        var other => throw new OptionException($"path.ignore_resume_networks: expected a list of network names such as [network_d], got {other}"),
    };

    /// <summary>The gradient scalers' states for a training-state file ({part: GradScaler.state_dict()}); null when the run
    /// has none (fp32, bf16).</summary>
    public Dictionary<string, object?>? GradScalerStates() =>
        scalers.Count == 0 ? null : scalers.ToDictionary(kv => kv.Key, kv => (object?)kv.Value.StateDict());

    /// <summary>Restores the scalers from <see cref="GradScalerStates"/>; a scaler the state does not hold (a resume of
    /// an fp32 or bf16 run in fp16) starts fresh, and saved scalers this run has no use for are ignored.</summary>
    public void LoadGradScalerStates(System.Collections.IDictionary? states)
    {
        if (states is null) return;
        foreach (var (part, scaler) in scalers)
            if (states.Contains(part))
                scaler.LoadStateDict(states[part] as System.Collections.IDictionary
                                     ?? throw new InvalidDataException($"training state: grad_scalers.{part} is not a GradScaler state"));
    }

    /// <summary>Optimizer and scheduler state for a training-state file.</summary>
    public (List<object?> Optimizers, List<object?> Schedulers) TrainingStateTrees() =>
        (optimizers.Select(o => (object?)o.StateDict()).ToList(), schedulers.Select(s => (object?)s.StateDict()).ToList());

    /// <summary>Restores optimizer and scheduler state saved by <see cref="TrainingStateTrees"/>.</summary>
    public void LoadTrainingStateTrees(IReadOnlyList<object?> optimizerStates, IReadOnlyList<object?> schedulerStates)
    {
        if (optimizerStates.Count != optimizers.Count || schedulerStates.Count != schedulers.Count)
            throw new InvalidOperationException(
                $"the training state has {optimizerStates.Count} optimizer(s) and {schedulerStates.Count} scheduler(s); " +
                $"this model has {optimizers.Count} and {schedulers.Count}");
        for (int i = 0; i < optimizers.Count; i++) optimizers[i].LoadStateDict((System.Collections.IDictionary)optimizerStates[i]!);
        for (int i = 0; i < schedulers.Count; i++) schedulers[i].LoadStateDict((System.Collections.IDictionary)schedulerStates[i]!);
    }

    public virtual void Dispose()
    {
        foreach (var o in optimizers) o.Dispose();
        NetG.Dispose();
        NetGEma?.Dispose();
        GC.SuppressFinalize(this);
    }
}
