namespace SrTrain.Data.Transforms;

/// <summary>BasicSR's paired_random_crop: a random <c>gt_size</c> GT patch and the aligned
/// <c>gt_size / scale</c> LQ patch (the LQ position is drawn, the GT one is scale times it).</summary>
public static class PairedRandomCrop
{
    /// <summary>Crops both images (decoded, or stored ones, which convert only the patches to float); a GT/LQ size
    /// mismatch or an image smaller than its patch is an error naming the files.</summary>
    public static (Image Gt, Image Lq) Apply(ICroppable gt, ICroppable lq, int gtSize, int scale, SampleRng rng,
                                             string gtName = "GT", string lqName = "LQ")
    {
        var (h, w) = GtRegion(gt.Height, gt.Width, lq.Height, lq.Width, scale, gtName, lqName);
        var (top, left) = Position(h, w, lq.Height, lq.Width, gtSize, scale, rng, gtName, lqName);
        return (gt.Crop(top * scale, left * scale, gtSize, gtSize), lq.Crop(top, left, gtSize / scale, gtSize / scale));
    }

    /// <summary>The GT region that pairs with the whole LQ: scale x its size. A GT up to scale-1 pixels larger (an LQ
    /// made from a GT that was not mod-cropped) uses its top-left region, as BasicSR's validation crops it; any other
    /// size is a wrong pairing or a wrong scale, an error naming both files.</summary>
    public static (int Height, int Width) GtRegion(int gtHeight, int gtWidth, int lqHeight, int lqWidth, int scale,
                                                   string gtName = "GT", string lqName = "LQ")
    {
        int h = lqHeight * scale, w = lqWidth * scale;
        if (gtHeight < h || gtWidth < w || gtHeight - h >= scale || gtWidth - w >= scale)
            throw new InvalidDataException(
                $"scale mismatch: GT {gtName} is {gtHeight}x{gtWidth}, LQ {lqName} is {lqHeight}x{lqWidth}; with scale {scale} the GT should be {h}x{w}");
        return (h, w);
    }

    /// <summary>The LQ patch's top-left corner for a GT region of exactly scale x the LQ (the GT patch starts at scale
    /// times it), drawn as <see cref="Apply"/> draws it.</summary>
    public static (int Top, int Left) Position(int gtHeight, int gtWidth, int lqHeight, int lqWidth, int gtSize, int scale,
                                               SampleRng rng, string gtName = "GT", string lqName = "LQ")
    {
        if (gtSize % scale != 0)
            throw new ArgumentException($"gt_size {gtSize} is not divisible by scale {scale}");
        int lqSize = gtSize / scale;
        if (gtHeight != lqHeight * scale || gtWidth != lqWidth * scale)
            throw new InvalidDataException(
                $"scale mismatch: GT {gtName} is {gtHeight}x{gtWidth}, which is not {scale}x the LQ {lqName} ({lqHeight}x{lqWidth})");
        if (lqHeight < lqSize || lqWidth < lqSize)
            throw new InvalidDataException(
                $"LQ {lqName} ({lqHeight}x{lqWidth}) is smaller than the patch {lqSize}x{lqSize} (gt_size {gtSize} / scale {scale}); " +
                $"lower gt_size or remove the image");
        int top = rng.NextInt(lqHeight - lqSize + 1);
        int left = rng.NextInt(lqWidth - lqSize + 1);
        return (top, left);
    }

    /// <summary>A random <paramref name="size"/> square crop of one image (for the on-the-fly bicubic dataset).</summary>
    public static Image Single(ICroppable image, int size, SampleRng rng, string name = "image")
    {
        var (top, left) = SinglePosition(image.Height, image.Width, size, rng, name);
        return image.Crop(top, left, size, size);
    }

    /// <summary>The top-left corner <see cref="Single"/> draws for an image of the given size.</summary>
    public static (int Top, int Left) SinglePosition(int height, int width, int size, SampleRng rng, string name = "image")
    {
        if (height < size || width < size)
            throw new InvalidDataException($"{name} ({height}x{width}) is smaller than the patch {size}x{size}; lower gt_size or remove the image");
        int top = rng.NextInt(height - size + 1);
        int left = rng.NextInt(width - size + 1);
        return (top, left);
    }
}
