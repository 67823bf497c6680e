using SrTrain.Archs;
using SrTrain.Torch;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>SRCNN: bicubic pre-upsampling, conv 9-1-5 with ReLU.</summary>
public static class SrcnnGraph
{
    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var net = m.As<Srcnn>();
        var up = net.Upscale == 1 ? x : e.G.Resize(x, net.Upscale, InterpolationMode.Bicubic, false, "upsample");
        var y = e.G.Relu(e.Emit(m["conv1"], up), "conv1");
        y = e.G.Relu(e.Emit(m["conv2"], y), "conv2");
        return e.Emit(m["conv3"], y);
    }
}
