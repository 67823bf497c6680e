using SrTrain.Data.Transforms;

namespace SrTrain.Data.Datasets;

/// <summary>The last per-image steps BasicSR's datasets share: <c>color: y</c> (keep the Y channel of
/// YCbCr) and <c>mean</c>/<c>std</c> normalisation.</summary>
internal sealed class ImageFinish
{
    private readonly bool yOnly;
    private readonly double[]? mean, std;

    public ImageFinish(string? color, double[]? mean, double[]? std)
    {
        yOnly = color switch
        {
            null or "" or "rgb" or "RGB" => false,
            "y" or "Y" => true,
            _ => throw new ArgumentException($"color: '{color}' is not supported (y or omitted)"),
        };
        if ((mean is null) != (std is null)) throw new ArgumentException("mean and std must be given together");
        if (std is not null && std.Any(s => s == 0)) throw new ArgumentException("std: values must be non-zero");
        (this.mean, this.std) = (mean, std);
    }

    public Image Apply(Image image)
    {
        if (yOnly) image = ColorSpace.RgbToY(image);
        if (mean is null || std is null) return image;
        if (mean.Length != image.Channels || std.Length != image.Channels)
            throw new ArgumentException($"mean/std have {mean.Length}/{std.Length} values, the images have {image.Channels} channels");
        var d = image.Data;
        int c = image.Channels;
        for (int i = 0; i < d.Length; i++) d[i] = (float)((d[i] - mean[i % c]) / std[i % c]);
        return image;
    }
}
