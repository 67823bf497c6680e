using SrTrain.Torch;

namespace SrTrain.Core.Reporting.Raster;

/// <summary>A small RGB raster (HWC float in [0, 1], the layout of SrTrain.Data's Image) with the drawing the
/// reports need: filled rectangles, anti-aliased lines, 5x7 bitmap text, pasted images. Saved as PNG through an
/// <see cref="Contracts.IImageWriter"/> (<see cref="ToTensor"/>), so Core needs no image library.</summary>
public sealed class RgbCanvas
{
    public RgbCanvas(int width, int height, Rgb background)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"canvas size {width}x{height} must be positive");
        (Width, Height) = (width, height);
        Pixels = new float[(long)width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Row-major HWC RGB values.</summary>
    public float[] Pixels { get; }

    public Rgb this[int x, int y]
    {
        get
        {
            long i = ((long)y * Width + x) * 3;
            return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }

    /// <summary>Blends <paramref name="color"/> over pixel (x, y) with coverage <paramref name="alpha"/>; outside pixels are ignored.</summary>
    public void Blend(int x, int y, Rgb color, float alpha = 1f)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || alpha <= 0) return;
        alpha = MathF.Min(alpha, 1f);
        long i = ((long)y * Width + x) * 3;
        Pixels[i] += (color.R - Pixels[i]) * alpha;
        Pixels[i + 1] += (color.G - Pixels[i + 1]) * alpha;
        Pixels[i + 2] += (color.B - Pixels[i + 2]) * alpha;
    }

    public void FillRect(int x, int y, int width, int height, Rgb color)
    {
        int x0 = Math.Max(x, 0), y0 = Math.Max(y, 0), x1 = Math.Min(x + width, Width), y1 = Math.Min(y + height, Height);
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++) Blend(xx, yy, color);
    }

    /// <summary>An anti-aliased line of <paramref name="thickness"/> pixels: each pixel near the segment gets the
    /// coverage of a round-capped stroke, estimated from its centre's distance to the segment.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, Rgb color, double thickness = 1.5)
    {
        double half = thickness / 2;
        int minX = (int)Math.Floor(Math.Min(x0, x1) - half - 1), maxX = (int)Math.Ceiling(Math.Max(x0, x1) + half + 1);
        int minY = (int)Math.Floor(Math.Min(y0, y1) - half - 1), maxY = (int)Math.Ceiling(Math.Max(y0, y1) + half + 1);
        minX = Math.Max(minX, 0); minY = Math.Max(minY, 0); maxX = Math.Min(maxX, Width - 1); maxY = Math.Min(maxY, Height - 1);
        double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        for (int y = minY; y <= maxY; y++)
            for (int x = minX; x <= maxX; x++)
            {
                double px = x + 0.5 - x0, py = y + 0.5 - y0;
                double t = len2 == 0 ? 0 : Math.Clamp((px * dx + py * dy) / len2, 0, 1);
                double ex = px - t * dx, ey = py - t * dy;
                double coverage = Math.Clamp(half + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1);
                if (coverage > 0) Blend(x, y, color, (float)coverage);
            }
    }

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each font cell a
    /// <paramref name="scale"/> x <paramref name="scale"/> block.</summary>
    public void DrawText(int x, int y, string text, Rgb color, int scale = 1)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int gx = x + i * BitmapFont.Advance * scale;
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                    if (BitmapFont.Ink(text[i], row, col)) FillRect(gx + col * scale, y + row * scale, scale, scale, color);
        }
    }

    /// <summary>Copies an HWC RGB block (values in [0, 1]) with its top-left at (x, y), each source pixel drawn as a
    /// <paramref name="zoom"/> x <paramref name="zoom"/> block (nearest neighbour, so pixels stay visible).</summary>
    public void Paste(float[] hwc, int width, int height, int x, int y, int zoom = 1)
    {
        if (hwc.LongLength != (long)width * height * 3) throw new ArgumentException($"paste: {hwc.LongLength} values for a {width}x{height} RGB block");
        for (int sy = 0; sy < height * zoom; sy++)
            for (int sx = 0; sx < width * zoom; sx++)
            {
                int tx = x + sx, ty = y + sy;
                if ((uint)tx >= (uint)Width || (uint)ty >= (uint)Height) continue;
                long s = ((long)(sy / zoom) * width + sx / zoom) * 3, t = ((long)ty * Width + tx) * 3;
                Pixels[t] = hwc[s]; Pixels[t + 1] = hwc[s + 1]; Pixels[t + 2] = hwc[s + 2];
            }
    }

    /// <summary>The canvas as a (3, H, W) float tensor, owned by the current dispose scope.</summary>
    public Tensor ToTensor()
    {
        var chw = new float[Pixels.LongLength];
        long plane = (long)Width * Height;
        for (long p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) chw[c * plane + p] = Pixels[p * 3 + c];
        return Tensor.From(chw, [3, Height, Width]);
    }
}
