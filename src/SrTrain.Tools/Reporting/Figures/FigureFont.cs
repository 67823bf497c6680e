using SkiaSharp;

namespace SrTrain.Tools.Reporting.Figures;

/// <summary>The one font of every figure SrTrain draws (loss plots, crop strips, sweep grids): DejaVu Sans, from the
/// Debian package fonts-dejavu-core that scripts/setup.sh installs. SkiaSharp (through ScottPlot) finds it under
/// /usr/share/fonts; naming it rather than taking the system default keeps PNG and SVG alike on every machine.</summary>
public static class FigureFont
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> Loaded = new(Load);

    /// <summary>The typeface; an exception naming the Debian package when the font is not installed.</summary>
    public static SKTypeface Typeface => Loaded.Value;

    private static SKTypeface Load()
    {
        var typeface = SKTypeface.FromFamilyName(Family);
        // Skia falls back to another family (or an empty typeface) rather than failing; a different name means missing.
        if (typeface is null || typeface.FamilyName != Family)
            throw new InvalidOperationException($"the figure font '{Family}' is not installed; install the Debian package " +
                                                "fonts-dejavu-core (scripts/setup.sh does)");
        return typeface;
    }
}
