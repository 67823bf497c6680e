namespace SrTrain.Data.Degradations;

/// <summary>A square blur kernel (odd size, row-major, sums to 1) of Real-ESRGAN's degradation model.</summary>
/// <param name="Size">Side length (odd).</param>
/// <param name="Values">Size x Size values, row-major, as float32 (BasicSR's <c>torch.FloatTensor(kernel)</c>).</param>
public sealed record BlurKernel(int Size, float[] Values)
{
    /// <summary>The value at row <paramref name="row"/>, column <paramref name="col"/>.</summary>
    public float this[int row, int col] => Values[row * Size + col];

    /// <summary>The kernel zero-padded to <paramref name="size"/> (centred), as BasicSR pads every kernel to 21 x 21
    /// so a batch can stack them.</summary>
    public BlurKernel PadTo(int size)
    {
        if (size < Size || (size - Size) % 2 != 0)
            throw new ArgumentException($"cannot pad a {Size}x{Size} kernel to {size}x{size}: the size must be at least {Size} and differ by an even number");
        if (size == Size) return this;
        int p = (size - Size) / 2;
        var v = new float[size * size];
        for (int r = 0; r < Size; r++) Array.Copy(Values, r * Size, v, (r + p) * size + p, Size);
        return new BlurKernel(size, v);
    }

    /// <summary>The identity kernel (one at the centre): BasicSR's <c>pulse_tensor</c>, used when no final sinc filter is drawn.</summary>
    public static BlurKernel Pulse(int size)
    {
        var v = new float[size * size];
        v[(size / 2) * size + size / 2] = 1;
        return new BlurKernel(size, v);
    }

    /// <summary>Normalises a float64 kernel to sum 1 and rounds it to float32.</summary>
    internal static BlurKernel FromDoubles(int size, double[] values)
    {
        double sum = 0;
        foreach (var x in values) sum += x;
        return new BlurKernel(size, values.Select(x => (float)(x / sum)).ToArray());
    }
}
