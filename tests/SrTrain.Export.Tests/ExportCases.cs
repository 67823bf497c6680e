using SrTrain.Archs;
using SrTrain.Torch.Nn;

namespace SrTrain.Export.Tests;

/// <summary>One generator configuration to export: small widths so a case runs in a second or two.</summary>
/// <remarks><paramref name="WeightGain"/> multiplies every conv weight: MSRResNet's scaled-MSRA init (x0.1) leaves its
/// residual branch near zero, which would hide float16 rounding behind the bilinear base image.</remarks>
public sealed record ExportCase(string Arch, int Scale, string[] Options, bool FoldBatchNorm = true, double WeightGain = 1)
{
    public string Name => $"{Arch}_x{Scale}{(FoldBatchNorm ? "" : "_bn")}";

    /// <summary>The seeded network (BatchNorm statistics and affine parameters made non-trivial, as after training).</summary>
    public Module Build(int seed = 1)
    {
        LibTorch.ManualSeed((ulong)seed);
        var pairs = Options.Select(o => o.Split('=')).Select(p => new KeyValuePair<string, object?>(p[0], p[1]));
        var net = ArchInfo.Get(Arch).Create(pairs, Scale);
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        foreach (var conv in net.NamedModules().Select(m => m.Module).OfType<Conv2d>())
            if (WeightGain != 1) conv.Weight.CopyFrom(conv.Weight * WeightGain);
        foreach (var bn in net.NamedModules().Select(m => m.Module).OfType<BatchNorm2d>())
        {
            bn.RunningMean!.CopyFrom(Tensor.Randn(bn.RunningMean.Shape.ToArray()) * 0.1);
            bn.RunningVar!.CopyFrom(Tensor.Rand(bn.RunningVar.Shape.ToArray()) + 0.5);
            bn.Weight!.CopyFrom(Tensor.Rand(bn.Weight.Shape.ToArray()) + 0.5);
            bn.Bias!.CopyFrom(Tensor.Randn(bn.Bias.Shape.ToArray()) * 0.1);
        }
        net.Eval();
        return net;
    }

    /// <summary>Every generator arch, every code path of its graph (scales that change the graph, BN kept and folded).</summary>
    public static readonly ExportCase[] All =
    [
        new("SRCNN", 3, ["num_feat1=16", "num_feat2=8"]),
        new("ESPCN", 3, ["num_feat1=16", "num_feat2=8"]),
        new("VDSR", 2, ["num_feat=16", "num_layer=4"]),
        new("MSRResNet", 4, ["num_feat=16", "num_block=2"], WeightGain: 10),
        new("MSRResNet", 3, ["num_feat=16", "num_block=2"], WeightGain: 10),
        new("SRResNet", 4, ["num_feat=16", "num_block=2"]),
        new("SRResNet", 2, ["num_feat=16", "num_block=2"], FoldBatchNorm: false),
        new("EDSR", 2, ["num_feat=16", "num_block=2", "res_scale=0.1"]),
        new("MDSR", 3, ["num_feat=16", "num_block=2"]),
        new("MDSR", 4, ["num_feat=16", "num_block=2"]),
        new("RRDBNet", 4, ["num_feat=16", "num_block=1", "num_grow_ch=8"]),
        new("RRDBNet", 2, ["num_feat=16", "num_block=1", "num_grow_ch=8"]),
        new("RRDBNet", 1, ["num_feat=16", "num_block=1", "num_grow_ch=8"]),
    ];

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in All) data.Add(c.Name);
            return data;
        }
    }

    public static ExportCase Get(string name) => All.Single(c => c.Name == name);
}
