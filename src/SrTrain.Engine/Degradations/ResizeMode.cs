using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>The resize modes Real-ESRGAN draws from (F.interpolate's area, bilinear and bicubic).</summary>
public enum ResizeMode { Area, Bilinear, Bicubic }

/// <summary>F.interpolate with Real-ESRGAN's modes, by scale factor or to a size; area is adaptive average pooling, as
/// F.interpolate(mode='area') is.</summary>
public static class Resize
{
    /// <summary>By <paramref name="scale"/>: output floor(size x scale); bilinear/bicubic sample with the scale itself
    /// (F.interpolate(scale_factor=s), recompute_scale_factor unset), as BasicSR's first resize does.</summary>
    public static Tensor ByScale(Tensor x, double scale, ResizeMode mode)
    {
        if (mode != ResizeMode.Area) return F.Interpolate(x, scale, Interp(mode));
        return F.AdaptiveAvgPool2d(x, ((long)Math.Floor(x.Size(2) * scale), (long)Math.Floor(x.Size(3) * scale)));
    }

    /// <summary>To (<paramref name="h"/>, <paramref name="w"/>).</summary>
    public static Tensor ToSize(Tensor x, long h, long w, ResizeMode mode)
    {
        if (h < 1 || w < 1) throw new ArgumentException($"resize: the degraded image would be {h}x{w} pixels; use larger GT patches");
        return mode == ResizeMode.Area ? F.AdaptiveAvgPool2d(x, (h, w)) : F.Interpolate(x, (h, w), Interp(mode));
    }

    /// <summary>The Python name (area, bilinear, bicubic).</summary>
    public static string Name(ResizeMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>The mode of a Python name.</summary>
    public static ResizeMode Parse(string name) => name switch
    {
        "area" => ResizeMode.Area,
        "bilinear" => ResizeMode.Bilinear,
        "bicubic" => ResizeMode.Bicubic,
        _ => throw new ArgumentException($"resize mode '{name}' is not area, bilinear or bicubic"),
    };

    private static InterpolationMode Interp(ResizeMode mode) => mode == ResizeMode.Bilinear ? InterpolationMode.Bilinear : InterpolationMode.Bicubic;
}
