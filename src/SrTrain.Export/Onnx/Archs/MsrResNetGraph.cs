using SrTrain.Archs;
using SrTrain.Torch;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>MSRResNet: residual trunk without BN, pixel-shuffle upsampling, plus a bilinear base image.</summary>
public static class MsrResNetGraph
{
    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var net = m.As<MsrResNet>();
        var feat = e.G.LeakyRelu(e.Emit(m["conv_first"], x), 0.1, "conv_first");
        var output = e.Emit(m["body"], feat);
        int shuffle = net.Upscale == 4 ? 2 : net.Upscale;
        output = e.G.LeakyRelu(e.G.PixelShuffle(e.Emit(m["upconv1"], output), shuffle, "upconv1"), 0.1, "upconv1");
        if (m.Has("upconv2"))
            output = e.G.LeakyRelu(e.G.PixelShuffle(e.Emit(m["upconv2"], output), shuffle, "upconv2"), 0.1, "upconv2");
        output = e.Emit(m["conv_last"], e.G.LeakyRelu(e.Emit(m["conv_hr"], output), 0.1, "conv_hr"));
        var baseImage = e.G.Resize(x, net.Upscale, InterpolationMode.Bilinear, false, "base");
        return e.G.Add(output, baseImage, "out");
    }
}
