namespace SrTrain.Tools.Inference;

/// <summary>How <see cref="Upscaler"/> enlarges an alpha channel, which the RGB network never sees.</summary>
public enum AlphaUpsampler
{
    /// <summary>MATLAB-exact bicubic (Data.Imresize): cheap, and a mask gains nothing from GAN texture.</summary>
    Bicubic,
    /// <summary>Through the network as a 3-channel grey image, whose mean is kept (Real-ESRGAN's default).</summary>
    Net,
}
