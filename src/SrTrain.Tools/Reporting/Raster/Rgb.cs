using System.Globalization;

namespace SrTrain.Core.Reporting.Raster;

/// <summary>An sRGB colour with components in [0, 1]; the same value draws the PNG and writes the SVG.</summary>
public readonly record struct Rgb(float R, float G, float B)
{
    public static readonly Rgb White = new(1, 1, 1);
    public static readonly Rgb Black = new(0, 0, 0);
    public static readonly Rgb Grid = FromHex(0xe6e6e6);
    public static readonly Rgb Axis = FromHex(0x404040);

    /// <summary>Series colours (a colour-blind-safe qualitative palette, Okabe and Ito 2008).</summary>
    public static readonly IReadOnlyList<Rgb> Palette =
        [FromHex(0x0072b2), FromHex(0xd55e00), FromHex(0x009e73), FromHex(0xcc79a7), FromHex(0xe69f00), FromHex(0x56b4e9), FromHex(0x000000)];

    public static Rgb FromHex(int rgb) => new(((rgb >> 16) & 255) / 255f, ((rgb >> 8) & 255) / 255f, (rgb & 255) / 255f);

    /// <summary>"#0072b2", for SVG and HTML.</summary>
    public string Hex => string.Create(CultureInfo.InvariantCulture,
        $"#{(int)MathF.Round(R * 255):x2}{(int)MathF.Round(G * 255):x2}{(int)MathF.Round(B * 255):x2}");
}
