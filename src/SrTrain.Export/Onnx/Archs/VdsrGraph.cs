using SrTrain.Archs;
using SrTrain.Torch;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>VDSR: bicubic pre-upsampling, a ReLU conv stack, global residual.</summary>
public static class VdsrGraph
{
    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var net = m.As<Vdsr>();
        var up = net.Upscale == 1 ? x : e.G.Resize(x, net.Upscale, InterpolationMode.Bicubic, false, "upsample");
        var feat = e.G.Relu(e.Emit(m["conv_first"], up), "conv_first");
        foreach (var layer in m["body"].Children()) feat = e.G.Relu(e.Emit(layer, feat), layer.Path);
        return e.G.Add(up, e.Emit(m["conv_last"], feat), "conv_last");
    }
}
