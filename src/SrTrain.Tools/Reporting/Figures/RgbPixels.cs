using SrTrain.Torch;

namespace SrTrain.Tools.Reporting.Figures;

/// <summary>An RGB picture as row-major HWC floats in [0, 1] (the layout of SrTrain.Data's Image), what
/// <see cref="LabelledRow"/> draws; written through an <see cref="SrTrain.Abstractions.Contracts.IImageWriter"/> (<see cref="ToTensor"/>).</summary>
public sealed record RgbPixels(int Width, int Height, float[] Hwc)
{
    /// <summary>Value of channel <paramref name="c"/> at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public float this[int x, int y, int c] => Hwc[((long)y * Width + x) * 3 + c];

    /// <summary>The picture as a (3, H, W) float tensor, owned by the current dispose scope.</summary>
    public Tensor ToTensor()
    {
        var chw = new float[Hwc.LongLength];
        long plane = (long)Width * Height;
        for (long p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) chw[c * plane + p] = Hwc[p * 3 + c];
        return Tensor.From(chw, [3, Height, Width]);
    }
}
