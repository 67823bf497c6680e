using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>RRDBNet, the ESRGAN generator (Wang et al., 2018, Fig. 4) as BasicSR's rrdbnet_arch: conv, a trunk
/// of <c>num_block</c> RRDBs and a conv with a global skip, nearest-neighbour x2 upsampling twice (each
/// followed by conv + LeakyReLU 0.2), two output convs. For scale 2 and 1 the input is first
/// pixel-unshuffled by 2 and 4 (so H and W must be multiples of 2 and 4), as BasicSR and Real-ESRGAN do.
/// The RDB convs get the scaled MSRA init (x0.1); the others keep PyTorch's default, as in BasicSR.
/// Checkpoints in the ESRGAN release's key layouts load as they are (<see cref="EsrganReleaseLayout"/>).</summary>
[Arch("RRDBNet")]
[ScaleOption("scale", 1, 2, 4)]
public sealed class RrdbNet : Module, ICheckpointKeyAdapter, IStatesInputRule
{
    private readonly Conv2d convFirst;
    private readonly Sequential body;
    private readonly Conv2d convBody;
    private readonly Conv2d convUp1;
    private readonly Conv2d convUp2;
    private readonly Conv2d convHr;
    private readonly Conv2d convLast;
    private readonly bool useCheckpoint;

    /// <remarks><c>useCheckpoint</c>: Recomputes each body block in the backward instead of keeping its activations (gradient checkpointing): much less memory for one more body forward; the same gradients (bit for bit from the body on, on CPU).</remarks>
    public RrdbNet(int numInCh = 3, int numOutCh = 3, int scale = 4, int numFeat = 64, int numBlock = 23, int numGrowCh = 32,
                   bool useCheckpoint = false)
    {
        this.useCheckpoint = useCheckpoint;
        if (scale is not (1 or 2 or 4))
            throw new ArgumentException($"RRDBNet supports scale 1, 2 or 4 (two x2 nearest upsamplings after a pixel unshuffle), not {scale}");
        Scale = scale;
        convFirst = Register("conv_first", new Conv2d(numInCh * UnshuffleFactor * UnshuffleFactor, numFeat, 3, padding: 1));
        body = Register("body", Sequential.Of(numBlock, _ => new Rrdb(numFeat, numGrowCh)));
        convBody = Register("conv_body", new Conv2d(numFeat, numFeat, 3, padding: 1));
        convUp1 = Register("conv_up1", new Conv2d(numFeat, numFeat, 3, padding: 1));
        convUp2 = Register("conv_up2", new Conv2d(numFeat, numFeat, 3, padding: 1));
        convHr = Register("conv_hr", new Conv2d(numFeat, numFeat, 3, padding: 1));
        convLast = Register("conv_last", new Conv2d(numFeat, numOutCh, 3, padding: 1));
    }

    public int Scale { get; }

    /// <summary>The trunk's RRDBs.</summary>
    public int NumBlock => body.Count;

    private int UnshuffleFactor => Scale switch { 1 => 4, 2 => 2, _ => 1 };

    /// <summary>Height and width must be multiples of the pixel-unshuffle factor (4 at scale 1, 2 at scale 2); others are
    /// reflection-padded for inference, as Real-ESRGAN does.</summary>
    public InputRule InputRule => new(UnshuffleFactor, PaddingMode.Reflect);

    /// <summary>Renames the ESRGAN release layouts (RRDB_ESRGAN_x4.pth's <c>model.*</c>, the ESRGAN repository's
    /// <c>RRDB_trunk.*</c>) to these keys; BasicSR's keys pass through.</summary>
    public IReadOnlyDictionary<string, Tensor> AdaptCheckpointKeys(IReadOnlyDictionary<string, Tensor> state, out string? conversion)
    {
        var layout = EsrganReleaseLayout.Detect(state);
        if (layout == EsrganReleaseLayout.Layout.BasicSR)
        {
            conversion = null;
            return state;
        }
        conversion = $"converted the ESRGAN {layout} key layout to RRDBNet's";
        return EsrganReleaseLayout.ToBasicSR(state);
    }

    private Tensor RunBody(Tensor feat) => useCheckpoint ? Checkpoint.Sequential(body, feat) : body.Forward(feat);

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        int r = UnshuffleFactor;
        if (r > 1 && (x.Size(-2) % r != 0 || x.Size(-1) % r != 0))
            throw new ArgumentException(
                $"RRDBNet x{Scale} pixel-unshuffles its input by {r}: height and width must be multiples of {r}, got [{string.Join(", ", x.Shape)}] (pad the image first)");
        var feat = convFirst.Forward(r > 1 ? F.PixelUnshuffle(x, r) : x);
        feat = feat + convBody.Forward(RunBody(feat));       // ESRGAN Fig. 4: global residual over the trunk
        feat = F.LeakyRelu(convUp1.Forward(F.Interpolate(feat, 2.0, InterpolationMode.Nearest)), 0.2);
        feat = F.LeakyRelu(convUp2.Forward(F.Interpolate(feat, 2.0, InterpolationMode.Nearest)), 0.2);
        return convLast.Forward(F.LeakyRelu(convHr.Forward(feat), 0.2)).MoveToOuterScope();
    }
}

/// <summary>Residual-in-residual dense block (ESRGAN Fig. 4): three RDBs, output scaled by 0.2 plus the input.</summary>
public sealed class Rrdb : Module
{
    private readonly ResidualDenseBlock rdb1;
    private readonly ResidualDenseBlock rdb2;
    private readonly ResidualDenseBlock rdb3;

    public Rrdb(int numFeat, int numGrowCh = 32)
    {
        rdb1 = Register("rdb1", new ResidualDenseBlock(numFeat, numGrowCh));
        rdb2 = Register("rdb2", new ResidualDenseBlock(numFeat, numGrowCh));
        rdb3 = Register("rdb3", new ResidualDenseBlock(numFeat, numGrowCh));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var output = rdb3.Forward(rdb2.Forward(rdb1.Forward(x)));
        return (output * 0.2 + x).MoveToOuterScope();
    }
}

/// <summary>Residual dense block: five 3x3 convs, each seeing the concatenation of the input and all earlier
/// outputs (growth <c>num_grow_ch</c>), LeakyReLU 0.2, output scaled by 0.2 plus the input (residual scaling).</summary>
public sealed class ResidualDenseBlock : Module
{
    private readonly Conv2d[] convs = new Conv2d[5];

    public ResidualDenseBlock(int numFeat = 64, int numGrowCh = 32)
    {
        for (int i = 0; i < 5; i++)
            convs[i] = Register($"conv{i + 1}", new Conv2d(numFeat + i * numGrowCh, i == 4 ? numFeat : numGrowCh, 3, padding: 1));
        Init.ScaledMsra(this, 0.1);
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var features = new List<Tensor> { x };
        for (int i = 0; i < 4; i++)
            features.Add(F.LeakyRelu(convs[i].Forward(i == 0 ? x : Tensor.Cat(features, 1)), 0.2));
        var x5 = convs[4].Forward(Tensor.Cat(features, 1));
        return (x5 * 0.2 + x).MoveToOuterScope();
    }
}
