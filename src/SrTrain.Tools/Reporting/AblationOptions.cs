using SrTrain.Abstractions.Registry;

namespace SrTrain.Tools.Reporting;

/// <summary>An ablation file: several runs (e.g. SRResNet, EDSR, ESRGAN's PSNR and GAN stages) trained on the
/// same data under the same budget, then compared in one report. Each run becomes an
/// <see cref="Abstractions.Options.ExperimentOptions"/> whose shared keys (scale, seed, datasets, train) come from here.</summary>
public sealed record AblationOptions(
    [OptionDoc("ablation name; runs train in experiments/<name>_<run>/, the report goes to results/<name>/")] string Name,
    [OptionDoc("the budget every run gets: total_iter, batch_size, gt_size, print_freq")] AblationBudget Budget,
    [OptionDoc("dataset sections shared by every run: train, val, val_2, ... (BasicSR keys; the budget sets batch_size_per_gpu and gt_size of train)")]
    Dictionary<string, object?> Datasets,
    [OptionDoc("the runs in order; each: name, network_g, model_type, network_d, train, init_from, total_iter, label, note")] List<object?> Runs,
    [OptionDoc("upscaling factor of every run")] int Scale = 4,
    [OptionDoc("0 = CPU; >0 = the first CUDA device")] string? NumGpu = "0",
    [OptionDoc("cpu | cuda | cuda:N; overrides num_gpu")] string? Device = null,
    [OptionDoc("seed of every run (each run starts from the same seed)")] long ManualSeed = 0,
    [OptionDoc("intra-op threads of libtorch (default: all cores)")] int? NumThreads = null,
    [OptionDoc("fp32 | bf16")] string Precision = "fp32",
    [OptionDoc("auto | contiguous | channels_last")] string MemoryFormat = "auto",
    [OptionDoc("auto | direct | winograd (float32 convolutions; see the training option)")] string ConvAlgorithm = "auto",
    [OptionDoc("train section shared by every run (optim_g, scheduler, pixel_opt, ema_decay, ...); a run's own train keys override it")]
    Dictionary<string, object?>? Train = null,
    [OptionDoc("what the report shows: crop images, crop size")] AblationReportOptions? Report = null,
    [OptionDoc("root folder for experiments/ and results/ (default: current directory)")] string? Root = null,
    [OptionDoc("free text printed at the top of the report (what the budget means, caveats)")] string? Note = null);

/// <summary>The shared budget: every run trains <see cref="TotalIter"/> iterations (unless it says otherwise, which
/// the report shows) of <see cref="BatchSize"/> HR crops of <see cref="GtSize"/> pixels.</summary>
public sealed record AblationBudget(
    [OptionDoc("iterations per run")] long TotalIter,
    [OptionDoc("batch size (sets datasets.train.batch_size_per_gpu)")] int BatchSize,
    [OptionDoc("HR crop size (sets datasets.train.gt_size)")] int GtSize,
    [OptionDoc("log the losses every N iterations (the points of the loss curves)")] long PrintFreq = 10);

/// <summary>One run of an ablation.</summary>
public sealed record AblationRun(
    [OptionDoc("short name, unique in the file; the experiment is <ablation name>_<name>")] string Name,
    [OptionDoc("generator: type + the arch's parameters")] Dictionary<string, object?> NetworkG,
    [OptionDoc("SRModel | SRGANModel | ESRGANModel")] string ModelType = "SRModel",
    [OptionDoc("discriminator of a GAN run")] Dictionary<string, object?>? NetworkD = null,
    [OptionDoc("train keys of this run, merged over the shared train section")] Dictionary<string, object?>? Train = null,
    [OptionDoc("start from the final generator of this earlier run (ESRGAN's GAN stage from its PSNR stage)")] string? InitFrom = null,
    [OptionDoc("iterations of this run when not the budget's (stated in the report)")] long? TotalIter = null,
    [OptionDoc("name shown in the report (default: name)")] string? Label = null,
    [OptionDoc("a sentence about this run, shown in the report")] string? Note = null);

/// <summary>The <c>report</c> section of an ablation file.</summary>
public sealed record AblationReportOptions(
    [OptionDoc("validation image names (file stems) to show as side-by-side crops (default: the first max_crops of the first val set)")]
    List<string>? CropImages = null,
    [OptionDoc("side of a crop in HR pixels (shown at 2x when smaller than 128)")] int CropSize = 96,
    [OptionDoc("how many images get crops when crop_images is not given")] int MaxCrops = 3,
    [OptionDoc("evaluate on tiles of this LQ size (0: whole images)")] int Tile = 0,
    [OptionDoc("overlap of tiles in LQ pixels")] int TilePad = 10,
    [OptionDoc("weight of the loss curves' smoothing, TensorBoard's slider: an EMA with debiasing drawn over the faint raw line (0: raw only, below 1)")]
    double Smoothing = 0.6);
