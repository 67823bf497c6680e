using SrTrain.Archs;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>RRDBNet (ESRGAN): pixel-unshuffled input for scales 1 and 2, RRDB trunk, nearest x2 twice.</summary>
public static class RrdbNetGraph
{
    /// <summary>RRDBNet x1/x2 pixel-unshuffle their input by 4/2 (so H and W must be multiples of it).</summary>
    public static int UnshuffleFactor(int scale) => scale switch { 1 => 4, 2 => 2, _ => 1 };

    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var net = m.As<RrdbNet>();
        int r = UnshuffleFactor(net.Scale);
        var convFirst = m["conv_first"];
        var input = r > 1 ? e.G.PixelUnshuffle(x, r, convFirst.As<Conv2d>().InChannels / (r * r), "unshuffle") : x;
        var feat = e.Emit(convFirst, input);
        feat = e.G.Add(feat, e.Emit(m["conv_body"], e.Emit(m["body"], feat)), "trunk_residual");   // ESRGAN Fig. 4
        feat = e.G.LeakyRelu(e.Emit(m["conv_up1"], e.G.Resize(feat, 2, InterpolationMode.Nearest, false, "up1")), 0.2, "conv_up1");
        feat = e.G.LeakyRelu(e.Emit(m["conv_up2"], e.G.Resize(feat, 2, InterpolationMode.Nearest, false, "up2")), 0.2, "conv_up2");
        return e.Emit(m["conv_last"], e.G.LeakyRelu(e.Emit(m["conv_hr"], feat), 0.2, "conv_hr"));
    }

    /// <summary>RRDB: three dense blocks, residual scaled by 0.2.</summary>
    public static string EmitRrdb(OnnxEmitter e, ModuleAt m, string x)
    {
        var output = e.Emit(m["rdb3"], e.Emit(m["rdb2"], e.Emit(m["rdb1"], x)));
        return e.G.Add(e.G.MulScalar(output, 0.2, m.Path), x, m.Path);
    }

    /// <summary>Residual dense block: each conv sees the concatenation of all earlier features (ESRGAN Fig. 4).</summary>
    public static string EmitDenseBlock(OnnxEmitter e, ModuleAt m, string x)
    {
        var features = new List<string> { x };
        for (int i = 1; i <= 4; i++)
        {
            var input = i == 1 ? x : e.G.Concat(features, 1, m.Path);
            features.Add(e.G.LeakyRelu(e.Emit(m[$"conv{i}"], input), 0.2, m.Path));
        }
        var x5 = e.Emit(m["conv5"], e.G.Concat(features, 1, m.Path));
        return e.G.Add(e.G.MulScalar(x5, 0.2, m.Path), x, m.Path);
    }
}
