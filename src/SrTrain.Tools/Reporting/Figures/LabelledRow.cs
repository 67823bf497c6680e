using SkiaSharp;

namespace SrTrain.Tools.Reporting.Figures;

/// <summary>One image of a <see cref="LabelledRow"/>: row-major HWC floats in [0, 1] with 1 to 4 channels
/// (grey, grey + alpha, RGB, RGBA; grey is spread to RGB, alpha is dropped).</summary>
public sealed record LabelledImage(string Label, float[] Pixels, int Width, int Height, int Channels = 3);

/// <summary>The canvas of every picture of images with labels: images side by side on white, each under its label
/// in <see cref="FigureFont"/>. The ablation report's crop strips (bicubic | models | GT) and the interpolation
/// sweep's grids (one column per alpha) are both rows. Labels are drawn by SkiaSharp; image pixels are copied
/// exactly (nearest-neighbour zoom), so a panel can be compared with the file it came from.</summary>
public static class LabelledRow
{
    /// <summary>Height of the label strip above the images.</summary>
    public const int LabelHeight = 20;

    /// <summary>Label size in pixels.</summary>
    public const float FontSize = 13;

    /// <summary>Column i holds <paramref name="images"/>[i] zoomed <paramref name="zoom"/>x, top-aligned and centred
    /// under its label; a column is as wide as its image, or as its label when that is wider (labels are never cut).
    /// <paramref name="gap"/> pixels separate columns, <paramref name="margin"/> surround the whole row.</summary>
    public static RgbPixels Render(IReadOnlyList<LabelledImage> images, int gap, int margin = 0, int zoom = 1)
    {
        if (images.Count == 0) throw new ArgumentException("a labelled row needs at least one image");
        if (gap < 0 || margin < 0 || zoom < 1) throw new ArgumentException($"gap {gap} and margin {margin} must be >= 0, zoom {zoom} >= 1");
        foreach (var image in images)
            if (image.Channels is < 1 or > 4 || image.Pixels.LongLength != (long)image.Width * image.Height * image.Channels)
                throw new ArgumentException($"image '{image.Label}': {image.Pixels.LongLength} values for {image.Height}x{image.Width}x{image.Channels}");

        using var font = new SKFont(FigureFont.Typeface, FontSize) { Subpixel = true, Edging = SKFontEdging.Antialias };
        var widths = images.Select(i => Math.Max(i.Width * zoom, (int)Math.Ceiling(font.MeasureText(i.Label)) + 2)).ToList();
        int width = 2 * margin + widths.Sum() + gap * (images.Count - 1);
        int height = 2 * margin + LabelHeight + images.Max(i => i.Height) * zoom;

        var hwc = new float[(long)width * height * 3];
        using (var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque)))
        {
            using (var canvas = new SKCanvas(bitmap))
            using (var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            {
                canvas.Clear(SKColors.White);
                // Centre the text's ascent-to-descent box in the label strip.
                float baseline = margin + (LabelHeight - (font.Metrics.Descent - font.Metrics.Ascent)) / 2 - font.Metrics.Ascent;
                int left = margin;
                for (int i = 0; i < images.Count; i++)
                {
                    canvas.DrawText(images[i].Label, left + widths[i] / 2f, baseline, SKTextAlign.Center, font, ink);
                    left += widths[i] + gap;
                }
            }
            var rgba = bitmap.GetPixelSpan();
            for (long p = 0; p < (long)width * height; p++)
                for (int c = 0; c < 3; c++) hwc[p * 3 + c] = rgba[(int)(p * 4 + c)] / 255f;
        }

        int x0 = margin;
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            Paste(hwc, width, image, x0 + (widths[i] - image.Width * zoom) / 2, margin + LabelHeight, zoom);
            x0 += widths[i] + gap;
        }
        return new RgbPixels(width, height, hwc);
    }

    private static void Paste(float[] target, int targetWidth, LabelledImage image, int left, int top, int zoom)
    {
        for (int y = 0; y < image.Height * zoom; y++)
            for (int x = 0; x < image.Width * zoom; x++)
            {
                long s = ((long)(y / zoom) * image.Width + x / zoom) * image.Channels, t = ((long)(top + y) * targetWidth + left + x) * 3;
                for (int c = 0; c < 3; c++) target[t + c] = image.Pixels[s + (image.Channels < 3 ? 0 : c)];
            }
    }
}
