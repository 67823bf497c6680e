using SrTrain.Archs.Blocks;
using SrTrain.Export.Onnx.Archs;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Export.Onnx;

/// <summary>Writes modules of the binding's Nn tree into an <see cref="OnnxGraphBuilder"/>: the standard layers
/// (Conv2d, BatchNorm2d, activations, PixelShuffle/Unshuffle, Upsample, Sequential) by their type, the arch
/// blocks and roots through <see cref="ArchGraphs"/>. A module with no mapping is an
/// <see cref="OnnxExportException"/> naming its path and op.</summary>
public sealed class OnnxEmitter(OnnxGraphBuilder graph, bool foldBatchNorm)
{
    public OnnxGraphBuilder G { get; } = graph;

    /// <summary>Eval-mode BatchNorm2d after a conv is folded into the conv's weights (else a BatchNormalization node).</summary>
    public bool FoldBatchNorm { get; } = foldBatchNorm;

    /// <summary>The graph value of <paramref name="m"/>'s Forward on <paramref name="x"/>.</summary>
    public string Emit(ModuleAt m, string x)
    {
        switch (m.Module)
        {
            case Conv2d conv: return Conv(conv, m.Path, x);
            case BatchNorm2d bn: return BatchNorm(bn, m.Path, x);
            case ReLU: return G.Relu(x, m.Path);
            case LeakyReLU lrelu: return G.LeakyRelu(x, lrelu.NegativeSlope, m.Path);
            case PReLU prelu: return PRelu(prelu, m.Path, x);
            case Sigmoid: return G.Sigmoid(x, m.Path);
            case Tanh: return G.Tanh(x, m.Path);
            case Identity: return G.Node("Identity", m.Path, [x]);
            case PixelShuffle ps: return G.PixelShuffle(x, ps.UpscaleFactor, m.Path);
            case Upsample up: return G.Resize(x, up.ScaleFactor, up.Mode, false, m.Path);
            case Sequential: return EmitSequence(m, x);
            case ModuleList: throw new OnnxExportException($"module '{m.Describe()}' is a ModuleList, which has no Forward to export");
        }
        if (ArchGraphs.Find(m.Module.GetType()) is { } emit) return emit(this, m, x);
        throw OnnxExportException.Unsupported(m.Path, m.Module, $"{m.Module.GetType().Name}.Forward");
    }

    /// <summary>A Sequential's children in order; a Conv2d directly followed by a BatchNorm2d is folded.</summary>
    private string EmitSequence(ModuleAt seq, string x)
    {
        var children = seq.Children().ToList();
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i].Module is Conv2d conv && i + 1 < children.Count && children[i + 1].Module is BatchNorm2d bn)
            {
                x = ConvBn(conv, children[i].Path, bn, children[i + 1].Path, x);
                i++;
            }
            else x = Emit(children[i], x);
        }
        return x;
    }

    /// <summary>Conv2d with its weight and bias as initializers named by their state-dict keys.</summary>
    public string Conv(Conv2d conv, string path, string x) =>
        ConvNode(conv, path, x, G.Initializer(path + ".weight", conv.Weight),
                 conv.Bias is null ? null : G.Initializer(path + ".bias", conv.Bias));

    private string ConvNode(Conv2d conv, string path, string x, string weight, string? bias)
    {
        long k = conv.KernelSize, p = conv.Padding;
        return G.Node("Conv", path, bias is null ? [x, weight] : [x, weight, bias],
            OnnxGraphBuilder.Attr("kernel_shape", [k, k]), OnnxGraphBuilder.Attr("strides", [(long)conv.Stride, conv.Stride]),
            OnnxGraphBuilder.Attr("pads", [p, p, p, p]), OnnxGraphBuilder.Attr("dilations", [(long)conv.Dilation, conv.Dilation]),
            OnnxGraphBuilder.Attr("group", (long)conv.Groups));
    }

    /// <summary>bn(conv(x)) in eval mode: folded into one Conv (w * g / sqrt(var + eps), (b - mean) * g / sqrt(var + eps) + beta,
    /// computed in double) when <see cref="FoldBatchNorm"/>, else Conv then BatchNormalization.</summary>
    public string ConvBn(Conv2d conv, string convPath, BatchNorm2d bn, string bnPath, string x)
    {
        if (!FoldBatchNorm) return BatchNorm(bn, bnPath, Conv(conv, convPath, x));
        var (mean, var, gamma, beta) = Statistics(bn, bnPath);
        var w = conv.Weight.ToArray<float>();
        var b = conv.Bias?.ToArray<float>();
        long outCh = conv.OutChannels, per = w.Length / outCh;
        var fw = new float[w.Length];
        var fb = new float[outCh];
        for (long o = 0; o < outCh; o++)
        {
            double s = gamma[o] / Math.Sqrt((double)var[o] + bn.Eps);
            for (long i = 0; i < per; i++) fw[o * per + i] = (float)(w[o * per + i] * s);
            fb[o] = (float)(((b?[o] ?? 0.0) - mean[o]) * s + beta[o]);
        }
        return ConvNode(conv, convPath, x, G.Initializer(convPath + ".weight", fw, conv.Weight.Shape.ToArray()),
                        G.Initializer(convPath + ".bias", fb, [outCh]));
    }

    /// <summary>Eval-mode BatchNorm2d as BatchNormalization (running statistics).</summary>
    public string BatchNorm(BatchNorm2d bn, string path, string x)
    {
        var (mean, var, gamma, beta) = Statistics(bn, path);
        long n = mean.Length;
        return G.Node("BatchNormalization", path,
            [x, G.Initializer(path + ".weight", gamma, [n]), G.Initializer(path + ".bias", beta, [n]),
             G.Initializer(path + ".running_mean", mean, [n]), G.Initializer(path + ".running_var", var, [n])],
            OnnxGraphBuilder.Attr("epsilon", (float)bn.Eps));
    }

    private static (float[] Mean, float[] Var, float[] Gamma, float[] Beta) Statistics(BatchNorm2d bn, string path)
    {
        if (bn.RunningMean is null || bn.RunningVar is null)
            throw OnnxExportException.Unsupported(path, bn, "batch_norm with batch statistics (track_running_stats=False)");
        var mean = bn.RunningMean.ToArray<float>();
        var gamma = bn.Weight?.ToArray<float>() ?? Enumerable.Repeat(1f, mean.Length).ToArray();
        var beta = bn.Bias?.ToArray<float>() ?? new float[mean.Length];
        return (mean, bn.RunningVar.ToArray<float>(), gamma, beta);
    }

    /// <summary>PReLU: one slope ([1]) or one per channel ([C, 1, 1], broadcast over H and W).</summary>
    public string PRelu(PReLU prelu, string path, string x)
    {
        long n = prelu.Weight.NumEl;
        var slope = G.Initializer(path + ".weight", prelu.Weight.ToArray<float>(), n == 1 ? [1] : [n, 1, 1]);
        return G.Node("PRelu", path, [x, slope]);
    }

    /// <summary>x * c for a residual scale (res_scale, ESRGAN's 0.2); nothing when c is 1.</summary>
    public string Scale(string x, double c, string hint) => G.MulScalar(x, c, hint);

    /// <summary>A (1, C, 1, 1) buffer such as EDSR's RGB mean, as an initializer.</summary>
    public string Buffer(ModuleAt owner, string name)
    {
        foreach (var (n, t) in owner.Module.NamedBuffers(owner.Path, recurse: false))
            if (n == (owner.Path.Length == 0 ? name : owner.Path + "." + name)) return G.Initializer(n, t);
        throw new OnnxExportException($"module '{owner.Describe()}' ({owner.Module.GetType().Name}) has no buffer '{name}'");
    }
}
