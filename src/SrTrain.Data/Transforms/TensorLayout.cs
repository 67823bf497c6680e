namespace SrTrain.Data.Transforms;

/// <summary>HWC ↔ CHW conversion of pixel data (BasicSR's img2tensor / tensor2img layout change).</summary>
public static class TensorLayout
{
    /// <summary>The image's values in CHW order (a new array).</summary>
    public static float[] ToChw(Image image)
    {
        var chw = new float[image.Data.LongLength];
        ToChw(image, chw);
        return chw;
    }

    /// <summary>Writes the image's values in CHW order into <paramref name="destination"/>.</summary>
    public static unsafe void ToChw(Image image, Span<float> destination)
    {
        int h = image.Height, w = image.Width, c = image.Channels, plane = h * w;
        if (destination.Length != plane * c) throw new ArgumentException($"destination holds {destination.Length} values, image {image.SizeText} needs {plane * c}");
        // Pointer loop: the loader runs this for every sample of every batch.
        fixed (float* src = image.Data, dst = destination)
            for (int k = 0; k < c; k++)
            {
                float* o = dst + (long)k * plane, s = src + k;
                for (int p = 0; p < plane; p++, s += c) o[p] = *s;
            }
    }

    /// <summary>An image from CHW-ordered values.</summary>
    public static Image FromChw(float[] chw, int channels, int height, int width)
    {
        var image = new Image(height, width, channels);
        int plane = height * width;
        for (int p = 0; p < plane; p++)
            for (int k = 0; k < channels; k++)
                image.Data[p * channels + k] = chw[k * plane + p];
        return image;
    }
}
