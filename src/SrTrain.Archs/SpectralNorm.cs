using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>Spectral normalisation (Miyato et al., 2018) of a Conv2d, ConvTranspose2d or Linear, equal to
/// PyTorch's <c>torch.nn.utils.spectral_norm</c>: the layer computes with W / sigma(W), sigma estimated by
/// power iteration on persistent vectors u and v. Its state dict is PyTorch's: the wrapped layer's other
/// parameters (<c>bias</c>), then <c>weight_orig</c> (trainable), then buffers <c>weight_u</c>, <c>weight_v</c>,
/// all directly under the wrapper's name (<c>conv1.weight_orig</c>), so it replaces the layer in a parent.
/// In training mode each forward first runs <c>nPowerIterations</c> steps updating u and v in place
/// (without grad); in eval mode u and v are used as they are.</summary>
public sealed class SpectralNorm : Module
{
    private readonly Module layer;
    private readonly Tensor weightOrig;
    private readonly Tensor? bias;
    private readonly Tensor u;
    private readonly Tensor v;
    private readonly int dim;

    /// <remarks><c>layer</c>: The layer to normalise; its tensors now belong to this wrapper (do not use or dispose it). <c>dim</c>: The output dim of the weight: default 0, 1 for ConvTranspose2d (as PyTorch).</remarks>
    public SpectralNorm(Module layer, int nPowerIterations = 1, double eps = 1e-12, int? dim = null)
    {
        if (layer is not (Conv2d or ConvTranspose2d or Linear))
            throw new ArgumentException($"SpectralNorm wraps Conv2d, ConvTranspose2d or Linear, not {layer.GetType().Name}");
        if (nPowerIterations <= 0) throw new ArgumentException($"n_power_iterations must be positive, got {nPowerIterations}");
        (this.layer, NPowerIterations, Eps) = (layer, nPowerIterations, eps);
        this.dim = dim ?? (layer is ConvTranspose2d ? 1 : 0);
        Tensor? weight = null;
        // PyTorch deletes 'weight' and appends 'weight_orig': the other parameters keep their place before it.
        foreach (var (name, p) in layer.NamedParameters(recurse: false))
        {
            if (name == "weight") weight = p;
            else
            {
                RegisterParameter(name, p);
                if (name == "bias") bias = p;
            }
        }
        weightOrig = RegisterParameter("weight_orig", weight ?? throw new ArgumentException("the layer has no 'weight' parameter"));
        foreach (var (name, b) in layer.NamedBuffers(recurse: false)) RegisterBuffer(name, b);
        using var scope = LibTorch.NewDisposeScope();
        using (LibTorch.NoGrad())
        {
            var mat = WeightMatrix(weightOrig);
            // Same draws as PyTorch: normal_(0, 1) of size h, then of size w, each normalised.
            u = RegisterBuffer("weight_u", Normalize(Tensor.Empty([mat.Size(0)], weightOrig.DType, weightOrig.Device).Normal_(0, 1)).DetachFromDisposeScope());
            v = RegisterBuffer("weight_v", Normalize(Tensor.Empty([mat.Size(1)], weightOrig.DType, weightOrig.Device).Normal_(0, 1)).DetachFromDisposeScope());
        }
    }

    public int NPowerIterations { get; }
    public double Eps { get; }

    /// <summary>The estimate of the largest singular value of the weight (as a matrix) from the current u, v.</summary>
    public double Sigma()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var _ = LibTorch.NoGrad();
        return u.MatMul(WeightMatrix(weightOrig).MatMul(v)).Item();
    }

    /// <summary>W / sigma, after power iteration when <paramref name="doPowerIteration"/> (PyTorch: compute_weight).</summary>
    public Tensor ComputeWeight(bool doPowerIteration)
    {
        using var scope = LibTorch.NewDisposeScope();
        var mat = WeightMatrix(weightOrig);
        if (doPowerIteration)
        {
            using var _ = LibTorch.NoGrad();
            for (int i = 0; i < NPowerIterations; i++)
            {
                v.CopyFrom(Normalize(mat.T().MatMul(u)));
                u.CopyFrom(Normalize(mat.MatMul(v)));
            }
        }
        // Clones, as PyTorch: later in-place updates of u and v must not alter what backward saved.
        Tensor uc, vc;
        using (LibTorch.NoGrad()) (uc, vc) = (u.Clone(), v.Clone());
        var sigma = uc.MatMul(mat.MatMul(vc));
        return (weightOrig / sigma).MoveToOuterScope();
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var w = ComputeWeight(Training);
        var y = layer switch
        {
            Conv2d c => F.Conv2d(x, w, bias, c.Stride, c.Padding, c.Dilation, c.Groups),
            ConvTranspose2d t => F.ConvTranspose2d(x, w, bias, t.Stride, t.Padding, t.OutputPadding, t.Groups, t.Dilation),
            Linear => F.Linear(x, w, bias),
            _ => throw new InvalidOperationException("unreachable: checked in the constructor"),
        };
        return y.MoveToOuterScope();
    }

    private Tensor WeightMatrix(Tensor w)
    {
        var m = dim == 0 ? w : w.Permute([dim, .. Enumerable.Range(0, w.Dim).Where(d => d != dim).Select(d => (long)d)]);
        return m.Reshape(m.Size(0), -1);
    }

    private Tensor Normalize(Tensor t) => t / t.Norm().Clamp(min: Eps);
}
