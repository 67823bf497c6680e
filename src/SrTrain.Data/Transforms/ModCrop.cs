namespace SrTrain.Data.Transforms;

/// <summary>BasicSR's mod_crop: drops the bottom/right rows and columns so both sides are multiples of the scale.</summary>
public static class ModCrop
{
    /// <summary>The top-left (H - H % scale) x (W - W % scale) part; the image itself when nothing is cropped.</summary>
    public static Image Apply(Image image, int scale)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), $"scale must be >= 1, got {scale}");
        int h = image.Height - image.Height % scale, w = image.Width - image.Width % scale;
        if (h == 0 || w == 0) throw new ArgumentException($"image {image.SizeText} is smaller than the scale {scale}");
        return h == image.Height && w == image.Width ? image : image.Crop(0, 0, h, w);
    }
}
