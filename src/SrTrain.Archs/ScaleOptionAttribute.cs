namespace SrTrain.Archs;

/// <summary>Names the constructor parameter that sets an arch's upscaling factor (<c>scale</c> for RRDBNet,
/// <c>upscale</c> for EDSR and MSRResNet), and the factors it supports, so <c>srtrain infer --scale 4</c>
/// can set it whatever BasicSR calls it. Read through <see cref="ArchInfo"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ScaleOptionAttribute(string key, params int[] supportedScales) : Attribute
{
    /// <summary>The option key in snake_case, e.g. "upscale".</summary>
    public string Key { get; } = key;

    /// <summary>Scales the arch can be built for.</summary>
    public IReadOnlyList<int> SupportedScales { get; } = supportedScales;
}
