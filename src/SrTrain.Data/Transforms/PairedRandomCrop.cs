namespace SrTrain.Data.Transforms;

/// <summary>BasicSR's paired_random_crop: a random <c>gt_size</c> GT patch and the aligned
/// <c>gt_size / scale</c> LQ patch (the LQ position is drawn, the GT one is scale times it).</summary>
public static class PairedRandomCrop
{
    /// <summary>Crops both images; a GT/LQ size mismatch or an image smaller than its patch is an error naming the files.</summary>
    public static (Image Gt, Image Lq) Apply(Image gt, Image lq, int gtSize, int scale, SampleRng rng,
                                             string gtName = "GT", string lqName = "LQ")
    {
        if (gtSize % scale != 0)
            throw new ArgumentException($"gt_size {gtSize} is not divisible by scale {scale}");
        int lqSize = gtSize / scale;
        if (gt.Height != lq.Height * scale || gt.Width != lq.Width * scale)
            throw new InvalidDataException(
                $"scale mismatch: GT {gtName} is {gt.Height}x{gt.Width}, which is not {scale}x the LQ {lqName} ({lq.Height}x{lq.Width})");
        if (lq.Height < lqSize || lq.Width < lqSize)
            throw new InvalidDataException(
                $"LQ {lqName} ({lq.Height}x{lq.Width}) is smaller than the patch {lqSize}x{lqSize} (gt_size {gtSize} / scale {scale}); " +
                $"lower gt_size or remove the image");
        int top = rng.NextInt(lq.Height - lqSize + 1);
        int left = rng.NextInt(lq.Width - lqSize + 1);
        return (gt.Crop(top * scale, left * scale, gtSize, gtSize), lq.Crop(top, left, lqSize, lqSize));
    }

    /// <summary>A random <paramref name="size"/> square crop of one image (for the on-the-fly bicubic dataset).</summary>
    public static Image Single(Image image, int size, SampleRng rng, string name = "image")
    {
        if (image.Height < size || image.Width < size)
            throw new InvalidDataException($"{name} ({image.Height}x{image.Width}) is smaller than the patch {size}x{size}; lower gt_size or remove the image");
        int top = rng.NextInt(image.Height - size + 1);
        int left = rng.NextInt(image.Width - size + 1);
        return image.Crop(top, left, size, size);
    }
}
