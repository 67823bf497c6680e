using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>Unsharp masking of GT images (BasicSR's USMSharp, radius 50, weight 0.5, threshold 10): the residual from
/// a Gaussian blur (σ 8 for the 51-tap kernel, as cv2.getGaussianKernel(51, 0)) is added back at half strength, only
/// where it exceeds 10 grey levels, blended through the blurred mask so edges of the mask are soft.</summary>
public sealed class UsmSharpener : IDisposable
{
    private readonly Tensor kernel;

    public UsmSharpener(Device device, int radius = 50)
    {
        if (radius % 2 == 0) radius++;
        double sigma = 0.3 * ((radius - 1) * 0.5 - 1) + 0.8;
        var g = new double[radius];
        for (int i = 0; i < radius; i++) { double x = i - (radius - 1) / 2.0; g[i] = Math.Exp(-x * x / (2 * sigma * sigma)); }
        double sum = g.Sum();
        var k = new float[radius * radius];
        for (int i = 0; i < radius; i++)
            for (int j = 0; j < radius; j++) k[i * radius + j] = (float)(g[i] / sum * (g[j] / sum));
        using var cpu = Tensor.From(k, [1, radius, radius]);
        kernel = cpu.To(device).DetachFromDisposeScope();
    }

    /// <summary>The sharpened batch (N, C, H, W) in [0, 1].</summary>
    public Tensor Apply(Tensor img, double weight = 0.5, double threshold = 10)
    {
        var blur = Filter2D.Apply(img, kernel);
        var residual = img - blur;
        var mask = (residual.Abs() * 255).Gt(threshold).To(DType.Float32);
        var softMask = Filter2D.Apply(mask, kernel);
        var sharp = (img + residual * weight).Clamp(0, 1);
        return softMask * sharp + (1 - softMask) * img;
    }

    public void Dispose() => kernel.Dispose();
}
