using SrTrain.Tools.Reporting.Figures;

namespace SrTrain.Tools.Reporting;

/// <summary>Draws crops of the same window side by side with a caption above each (bicubic | models | GT).</summary>
public static class CropStrip
{
    /// <summary>Pixels between panels and around the strip.</summary>
    public const int Gap = 8;

    /// <summary>Panels of <paramref name="size"/> x <paramref name="size"/> HWC RGB pixels, each drawn at
    /// <paramref name="zoom"/>x (nearest neighbour: the pixels a model produced stay visible).</summary>
    public static RgbPixels Render(IReadOnlyList<(string Caption, float[] Pixels)> panels, int size, int zoom)
    {
        if (panels.Count == 0) throw new ArgumentException("a crop strip needs at least one panel");
        return LabelledRow.Render(panels.Select(p => new LabelledImage(p.Caption, p.Pixels, size, size)).ToList(), Gap, Gap, zoom);
    }
}
