using SrTrain.Archs;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>ESPCN: two tanh convs, a conv to C*r*r channels, pixel shuffle.</summary>
public static class EspcnGraph
{
    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var net = m.As<Espcn>();
        var feat = e.G.Tanh(e.Emit(m["conv1"], x), "conv1");
        feat = e.G.Tanh(e.Emit(m["conv2"], feat), "conv2");
        return e.G.PixelShuffle(e.Emit(m["conv3"], feat), net.Upscale, "conv3");
    }
}
