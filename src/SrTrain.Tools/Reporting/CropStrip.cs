using SrTrain.Core.Reporting.Raster;

namespace SrTrain.Tools.Reporting;

/// <summary>Draws crops of the same window side by side with a caption above each (bicubic | models | GT).</summary>
public static class CropStrip
{
    private const int Gap = 8, CaptionHeight = BitmapFont.GlyphHeight + 8;

    /// <summary>Panels of <paramref name="size"/> x <paramref name="size"/> HWC RGB pixels, each drawn at
    /// <paramref name="zoom"/>x (nearest neighbour: the pixels a model produced stay visible).</summary>
    public static RgbCanvas Render(IReadOnlyList<(string Caption, float[] Pixels)> panels, int size, int zoom)
    {
        if (panels.Count == 0) throw new ArgumentException("a crop strip needs at least one panel");
        int cell = size * zoom;
        var canvas = new RgbCanvas(Gap + panels.Count * (cell + Gap), CaptionHeight + cell + Gap, Rgb.White);
        int maxChars = cell / BitmapFont.Advance;
        for (int i = 0; i < panels.Count; i++)
        {
            int x = Gap + i * (cell + Gap);
            var caption = panels[i].Caption.Length > maxChars ? panels[i].Caption[..maxChars] : panels[i].Caption;
            canvas.DrawText(x + (cell - BitmapFont.Measure(caption)) / 2, 4, caption, Rgb.Black);
            canvas.Paste(panels[i].Pixels, size, size, x, CaptionHeight, zoom);
        }
        return canvas;
    }
}
