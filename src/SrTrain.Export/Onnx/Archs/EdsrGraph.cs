using SrTrain.Archs;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>EDSR: mean shift and img_range scaling around a residual trunk and sub-pixel upsampling.</summary>
public static class EdsrGraph
{
    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var net = m.As<Edsr>();
        var mean = e.Buffer(m, "mean");
        var range = e.G.Scalar(net.ImgRange);
        var feat = e.Emit(m["conv_first"], e.G.Mul(e.G.Sub(x, mean, "mean_shift"), range, "img_range"));
        var res = e.G.Add(e.Emit(m["conv_after_body"], e.Emit(m["body"], feat)), feat, "body_residual");
        var y = e.Emit(m["conv_last"], e.Emit(m["upsample"], res));
        return e.G.Add(e.G.Div(y, range, "img_range"), mean, "mean_shift");
    }
}
