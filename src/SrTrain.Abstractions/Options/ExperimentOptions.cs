using SrTrain.Abstractions.Registry;

namespace SrTrain.Abstractions.Options;

/// <summary>A whole option file (BasicSR schema). Sections that configure registered types
/// (network_g, datasets, losses, metrics) stay as key/value maps here and are checked strictly by the
/// registry when the type is built; every other key is bound and checked here.</summary>
public sealed record ExperimentOptions(
    [OptionDoc("experiment name; outputs go to experiments/<name>/ (train) or results/<name>/ (test)")] string Name,
    [OptionDoc("training model: SRModel, SRGANModel, ESRGANModel, RealESRNetModel, RealESRGANModel")] string ModelType = "SRModel",
    [OptionDoc("upscaling factor; propagated to datasets (the network's own scale key must agree: options --check checks it)")] int Scale = 4,
    [OptionDoc("0 = CPU; >0 = the first CUDA device when the linked libtorch has CUDA (SrTrain trains on one device)")] string? NumGpu = "1",
    [OptionDoc("SrTrain: cpu | cuda | cuda:N; overrides num_gpu")] string? Device = null,
    [OptionDoc("seed of every random generator (weights, crops, shuffling); random when ~")] long? ManualSeed = null,
    [OptionDoc("SrTrain: fp32 | bf16 (autocast) | fp16 (CUDA only: autocast with a dynamic gradient scaler per optimizer, as torch.cuda.amp.GradScaler) | auto (bf16 where native: CPU flags avx512_bf16/amx_bf16 or a CUDA GPU with bf16, else fp32; the log says which and why) — bf16 is about 2x faster on CPUs with AVX512-BF16, slower where emulated")] string Precision = "fp32",
    [OptionDoc("SrTrain: cuDNN autotuning on CUDA (torch.backends.cudnn.benchmark); ~ = true, as BasicSR's train.py sets it; false for reproducible convolution algorithms (no effect on the CPU)")] bool? CudnnBenchmark = null,
    [OptionDoc("SrTrain: auto | contiguous | channels_last memory format of the networks; auto takes channels_last where it measured faster (bf16 training and inference on a CPU whose oneDNN has AVX-512; CUDA under fp16/bf16) and contiguous elsewhere (float32 CPU training); the log says which and why. contiguous rounds exactly as PyTorch's default NCHW")] string MemoryFormat = "auto",
    [OptionDoc("SrTrain: auto | direct | winograd: the algorithm of float32 3x3 stride-1 convolutions on the CPU (channels multiples of 16, NCHW). winograd: oneDNN's Winograd F(4x4,3x3) kernels, 1.3-2x faster per layer on AVX-512 and rounding a few float32 epsilons differently; direct: libtorch's own (PyTorch's rounding); auto takes winograd for float32 NCHW training where oneDNN has it (AVX-512), running a batch in chunks where a layer's Winograd scratchpad would exceed 40 MiB (peak memory), and direct elsewhere; the log says which and why")] string ConvAlgorithm = "auto",
    [OptionDoc("SrTrain: intra-op threads of libtorch (default: all cores)")] int? NumThreads = null,
    [OptionDoc("dataset sections: train, val, val_2, ... (train options) or test_1, ... (test options)")] Dictionary<string, object?>? Datasets = null,
    [OptionDoc("generator: type + the arch's parameters (srtrain list archs)")] Dictionary<string, object?>? NetworkG = null,
    [OptionDoc("discriminator (GAN models): type + the arch's parameters")] Dictionary<string, object?>? NetworkD = null,
    [OptionDoc("paths: pretrained weights, resume state")] PathOptions? Path = null,
    [OptionDoc("training hyper-parameters")] TrainOptions? Train = null,
    [OptionDoc("validation")] ValOptions? Val = null,
    [OptionDoc("logging and checkpoints")] LoggerOptions? Logger = null,
    [OptionDoc("RealESRNetModel: train on the USM-sharpened GT (unsharp mask, radius 50, weight 0.5, threshold 10)")] bool? GtUsm = null,
    [OptionDoc("RealESRGANModel: the pixel loss compares with the USM-sharpened GT")] bool? L1GtUsm = null,
    [OptionDoc("RealESRGANModel: the perceptual loss compares with the USM-sharpened GT")] bool? PercepGtUsm = null,
    [OptionDoc("RealESRGANModel: the discriminator's real images are the USM-sharpened GT")] bool? GanGtUsm = null,
    [OptionDoc("Real-ESRGAN degradation, first stage: probabilities of resizing [up, down, keep]")] double[]? ResizeProb = null,
    [OptionDoc("first stage: [low, high] resize scale (down draws from [low, 1], up from [1, high])")] double[]? ResizeRange = null,
    [OptionDoc("first stage: probability of Gaussian noise (else Poisson noise)")] double? GaussianNoiseProb = null,
    [OptionDoc("first stage: [low, high] Gaussian noise sigma in grey levels")] double[]? NoiseRange = null,
    [OptionDoc("first stage: [low, high] Poisson noise scale")] double[]? PoissonScaleRange = null,
    [OptionDoc("first stage: probability that an image's noise is gray (one field for all channels)")] double? GrayNoiseProb = null,
    [OptionDoc("first stage: [low, high] JPEG quality")] double[]? JpegRange = null,
    [OptionDoc("second stage: probability of blurring with the dataset's kernel2")] double? SecondBlurProb = null,
    [OptionDoc("second stage: probabilities of resizing [up, down, keep]")] double[]? ResizeProb2 = null,
    [OptionDoc("second stage: [low, high] resize scale, relative to GT size / scale")] double[]? ResizeRange2 = null,
    [OptionDoc("second stage: probability of Gaussian noise (else Poisson noise)")] double? GaussianNoiseProb2 = null,
    [OptionDoc("second stage: [low, high] Gaussian noise sigma in grey levels")] double[]? NoiseRange2 = null,
    [OptionDoc("second stage: [low, high] Poisson noise scale")] double[]? PoissonScaleRange2 = null,
    [OptionDoc("second stage: probability of gray noise")] double? GrayNoiseProb2 = null,
    [OptionDoc("second stage: [low, high] quality of the last JPEG")] double[]? JpegRange2 = null,
    [OptionDoc("Real-ESRGAN models: GT patch size cropped from the degraded pair (the dataset's GT is 400 x 400)")] int? GtSize = null,
    [OptionDoc("Real-ESRGAN models: training-pair pool size, a multiple of the batch size; batches are drawn from it once full")] int? QueueSize = null,
    [OptionDoc("Real-ESRGAN models: false trains on the LQ of a paired dataset (RealESRGANPairedDataset, PairedImageDataset) instead of synthesising it, and the degradation keys are not read (default true)")] bool? HighOrderDegradation = null,
    [NoEffect("set by the launcher: srtrain train --launcher pytorch|slurm or srtrain launch (docs/distributed.md)")] object? Dist = null,
    [OptionDoc("multi-process training (--launcher pytorch|slurm, srtrain launch): {backend: gloo|nccl, port: (slurm's master port), timeout: seconds of a collective}")] Dictionary<string, object?>? DistParams = null,
    [NoEffect("SrTrain's data-parallel training has no unused-parameter search: every parameter with a gradient is averaged")] object? FindUnusedParameters = null,
    [NoEffect("distributed-training option")] object? UseStaticGraph = null,
    [OptionDoc("set by the CLI: true for train, false for test")] bool IsTrain = true,
    [OptionDoc("set by --debug: frequent logging/validation, name prefixed debug_")] bool Debug = false,
    [OptionDoc("BasicSR's auto_resume, also set by --auto-resume")] bool AutoResume = false)
{
    public Dictionary<string, object?> Datasets { get; } = Datasets ?? [];
    public PathOptions Path { get; init; } = Path ?? new PathOptions();
    public LoggerOptions Logger { get; init; } = Logger ?? new LoggerOptions();
}

/// <summary>The <c>path</c> section.</summary>
public sealed record PathOptions(
    [OptionDoc("generator weights to start from (.pth / .safetensors)")] string? PretrainNetworkG = null,
    [OptionDoc("key inside the checkpoint: params, params_ema, or ~ for a bare state dict")] string? ParamKeyG = "params",
    [OptionDoc("require every key to match")] bool StrictLoadG = true,
    [OptionDoc("discriminator weights to start from")] string? PretrainNetworkD = null,
    [OptionDoc("key inside the discriminator checkpoint")] string? ParamKeyD = "params",
    [OptionDoc("require every discriminator key to match")] bool StrictLoadD = true,
    [OptionDoc("training state (.state) to resume from")] string? ResumeState = null,
    [OptionDoc("networks whose weights are not reloaded on resume, e.g. [network_d]: they keep their pretrain_network_* weights (BasicSR's check_resume)")] object? IgnoreResumeNetworks = null,
    [OptionDoc("root folder for experiments/ and results/ (default: current directory)")] string? Root = null,
    [OptionDoc("override of experiments/<name>")] string? ExperimentsRoot = null,
    [OptionDoc("override of results/<name>")] string? ResultsRoot = null,
    [NoEffect("derived from experiments_root")] string? Models = null,
    [NoEffect("derived from experiments_root")] string? TrainingStates = null,
    [NoEffect("derived from experiments_root")] string? Log = null,
    [NoEffect("derived from experiments_root")] string? Visualization = null);

/// <summary>The <c>train</c> section.</summary>
public sealed record TrainOptions(
    [OptionDoc("iterations to train")] long TotalIter,
    [OptionDoc("generator optimizer: type Adam|AdamW|SGD, lr, betas, weight_decay, ...")] Dictionary<string, object?> OptimG,
    [OptionDoc("discriminator optimizer (GAN models)")] Dictionary<string, object?>? OptimD = null,
    [OptionDoc("learning-rate schedule: MultiStepLR | CosineAnnealingRestartLR | ...")] Dictionary<string, object?>? Scheduler = null,
    [OptionDoc("linear warm-up iterations (-1: none)")] long WarmupIter = -1,
    [OptionDoc("EMA decay of the generator weights (0: no EMA); saved as params_ema")] double EmaDecay = 0,
    [OptionDoc("pixel loss: L1Loss | MSELoss | CharbonnierLoss")] Dictionary<string, object?>? PixelOpt = null,
    [OptionDoc("perceptual loss (VGG features)")] Dictionary<string, object?>? PerceptualOpt = null,
    [OptionDoc("adversarial loss (GAN models)")] Dictionary<string, object?>? GanOpt = null,
    [OptionDoc("the generator trains every net_d_iters-th iteration; the discriminator trains every iteration")] int NetDIters = 1,
    [OptionDoc("iterations 1..net_d_init_iters train only the discriminator")] long NetDInitIters = 0,
    [OptionDoc("clip the generator's gradient norm to this value (~: no clipping)")] double? GradClipNorm = null,
    [OptionDoc("SrTrain: gradient accumulation, micro-batches of batch_size_per_gpu per optimizer step (losses scaled by 1/K; iterations, logs, EMA and schedules count optimizer steps)")] int AccumIter = 1,
    [NoEffect("BasicSR's option for the LDL loss, which SrTrain does not implement")] object? LdlOpt = null,
    [OptionDoc("SrTrain: after this many consecutive steps with a non-finite loss or gradient (each skipped), roll back to the last good state")] int NanSkipLimit = 10,
    [OptionDoc("SrTrain: a rollback multiplies the learning rate by this factor (0 < factor <= 1)")] double NanLrFactor = 0.5,
    [OptionDoc("SrTrain: rollbacks allowed before training stops with a divergence message (0: stop at the first)")] int NanRollbacks = 3,
    [OptionDoc("SrTrain: seconds without a finished iteration before the watchdog saves state and stops (~: 10x the median iteration time, at least 300)")] double? StallTimeout = null);

/// <summary>The <c>val</c> section.</summary>
public sealed record ValOptions(
    [OptionDoc("validate every N iterations")] long ValFreq = 5000,
    [OptionDoc("save SR images under visualization/ (train) or results/<name>/visualization (test)")] bool SaveImg = false,
    [OptionDoc("suffix of saved image names")] string? Suffix = null,
    [OptionDoc("metrics by name: {psnr: {type: calculate_psnr, crop_border: 4, test_y_channel: false}}")] Dictionary<string, object?>? Metrics = null,
    [NoEffect("SrTrain draws no validation progress bar")] bool? Pbar = null,
    [OptionDoc("SrTrain: run the network on tiles of this LQ size for large images (0: whole image)")] int Tile = 0,
    [OptionDoc("SrTrain: overlap of tiles in LQ pixels")] int TilePad = 10,
    [OptionDoc("x8 self-ensemble (flips and rotations averaged), EDSR's '+' results")] bool SelfEnsemble = false)
{
    public Dictionary<string, object?> Metrics { get; } = Metrics ?? [];
}

/// <summary>The <c>logger</c> section.</summary>
public sealed record LoggerOptions(
    [OptionDoc("log a line every N iterations")] long PrintFreq = 100,
    [OptionDoc("save a checkpoint every N iterations")] long SaveCheckpointFreq = 5000,
    [OptionDoc("write TensorBoard event files under tb_logger/<name>")] bool UseTbLogger = false,
    [NoEffect("Weights & Biases is not available; use TensorBoard or the CSV log")] object? Wandb = null);
