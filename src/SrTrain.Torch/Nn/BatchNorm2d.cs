namespace SrTrain.Torch.Nn;

/// <summary>Batch normalisation over NCHW (PyTorch: nn.BatchNorm2d), with running statistics and
/// num_batches_tracked in the state dict like PyTorch's.</summary>
public sealed class BatchNorm2d : Module
{
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true,
                       bool trackRunningStats = true, Device? device = null)
    {
        (Eps, Momentum) = (eps, momentum);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numFeatures], device: device));
            Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures], device: device));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], device: device));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures], device: device));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64, device));
        }
    }

    public double Eps { get; }
    public double Momentum { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public Tensor? RunningMean { get; }
    public Tensor? RunningVar { get; }
    public Tensor? NumBatchesTracked { get; }

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 4) throw new ArgumentException($"BatchNorm2d expects NCHW input, got shape [{string.Join(", ", input.Shape)}]");
        bool useBatchStats = Training || RunningMean is null;
        if (Training && NumBatchesTracked is not null)
            using (LibTorch.NoGrad())
            {
                // The shim passes scalars (and add's alpha) as doubles, which libtorch refuses on an
                // int64 tensor; count in float64 (exact below 2^53) and copy back, without a host sync.
                using var next = NumBatchesTracked.To(DType.Float64) + 1;
                NumBatchesTracked.CopyFrom(next);
            }
        return F.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStats, Momentum, Eps);
    }
}
