using SrTrain.Archs;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>MDSR for one scale (its <see cref="Mdsr.Upscale"/>): only that scale's pre-process and upsample
/// branches are written, so one file holds one scale.</summary>
public static class MdsrGraph
{
    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var net = m.As<Mdsr>();
        string branch = net.Upscales.ToList().IndexOf(net.Upscale).ToString();
        var mean = e.Buffer(m, "mean");
        var range = e.G.Scalar(net.ImgRange);
        var first = e.Emit(m["conv_first"], e.G.Mul(e.G.Sub(x, mean, "mean_shift"), range, "img_range"));
        var feat = e.Emit(m["pre_process"][branch], first);
        var res = e.G.Add(e.Emit(m["conv_after_body"], e.Emit(m["body"], feat)), feat, "body_residual");
        var y = e.Emit(m["conv_last"], e.Emit(m["upsample"][branch], res));
        return e.G.Add(e.G.Div(y, range, "img_range"), mean, "mean_shift");
    }
}
