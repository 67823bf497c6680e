using SrTrain.Torch;

namespace SrTrain.Archs.Blocks;

/// <summary>The RGB mean that EDSR and MDSR subtract from their input and add to their output.</summary>
public static class MeanShift
{
    /// <summary>DIV2K's RGB mean in [0,1] (EDSR, BasicSR's default <c>rgb_mean</c>).</summary>
    public static readonly double[] Div2kRgbMean = [0.4488, 0.4371, 0.4040];

    /// <summary>The mean as a (1, C, 1, 1) tensor; <paramref name="rgbMean"/> null means DIV2K's.</summary>
    public static Tensor MeanTensor(double[]? rgbMean, int numInCh)
    {
        var values = rgbMean ?? Div2kRgbMean;
        if (values.Length != numInCh)
            throw new ArgumentException($"rgb_mean has {values.Length} values but num_in_ch is {numInCh}; give one mean per input channel");
        return Tensor.From(values.Select(v => (float)v).ToArray(), [1, values.Length, 1, 1]);
    }
}
