namespace SrTrain.Abstractions.Contracts;

/// <summary>A network that super-resolves at a scale chosen per call (MDSR's branches; VDSR and SRCNN, which
/// bicubic-upsample their input by it): multi-scale training sets <see cref="Upscale"/> to each batch's scale.</summary>
public interface IMultiScaleNetwork
{
    /// <summary>The scale the next forward uses.</summary>
    int Upscale { get; set; }

    /// <summary>Whether the network can run at <paramref name="scale"/>.</summary>
    bool SupportsScale(int scale);
}
