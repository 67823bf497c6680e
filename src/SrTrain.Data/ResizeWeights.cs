namespace SrTrain.Data;

/// <summary>The 1-D contributions of MATLAB's imresize along one dimension: for each output index the
/// input indices (mirrored at the borders) and normalised bicubic weights.</summary>
internal sealed class ResizeWeights
{
    private ResizeWeights(int inLength, int outLength, int taps, int[] indices, double[] weights)
        => (InLength, OutLength, Taps, Indices, Weights) = (inLength, outLength, taps, indices, weights);

    public int InLength { get; }
    public int OutLength { get; }
    public int Taps { get; }

    /// <summary>0-based input indices, [OutLength, Taps] row-major.</summary>
    public int[] Indices { get; }

    /// <summary>Weights summing to 1 per output index, [OutLength, Taps] row-major.</summary>
    public double[] Weights { get; }

    /// <summary>MATLAB's bicubic kernel (Keys, a = -0.5).</summary>
    public static double Cubic(double x)
    {
        double a = Math.Abs(x), a2 = a * a, a3 = a2 * a;
        if (a <= 1) return 1.5 * a3 - 2.5 * a2 + 1;
        if (a <= 2) return -0.5 * a3 + 2.5 * a2 - 4 * a + 2;
        return 0;
    }

    /// <summary>MATLAB's <c>contributions(in_length, out_length, scale, @cubic, 4, antialiasing)</c>.</summary>
    public static ResizeWeights Compute(int inLength, int outLength, double scale, bool antialias)
    {
        if (inLength <= 0 || outLength <= 0) throw new ArgumentException($"cannot resize length {inLength} to {outLength}");
        bool widen = antialias && scale < 1;       // downscaling: stretch the kernel to low-pass by 1/scale
        double kernelWidth = widen ? 4.0 / scale : 4.0;
        int taps = (int)Math.Ceiling(kernelWidth) + 2;
        var indices = new int[outLength * taps];
        var weights = new double[outLength * taps];
        for (int i = 0; i < outLength; i++)
        {
            // Output pixel i+1 (MATLAB is 1-based) maps to input coordinate u; pixel centres align.
            double u = (i + 1) / scale + 0.5 * (1 - 1 / scale);
            int left = (int)Math.Floor(u - kernelWidth / 2);
            double sum = 0;
            for (int p = 0; p < taps; p++)
            {
                int index = left + p;
                double x = u - index;
                double w = widen ? scale * Cubic(scale * x) : Cubic(x);
                weights[i * taps + p] = w;
                indices[i * taps + p] = Mirror(index, inLength);
                sum += w;
            }
            for (int p = 0; p < taps; p++) weights[i * taps + p] /= sum;
        }
        return new ResizeWeights(inLength, outLength, taps, indices, weights);
    }

    // MATLAB's symmetric border: aux = [1:n, n:-1:1], index = aux(mod(index - 1, 2n) + 1); returns 0-based.
    private static int Mirror(int oneBased, int n)
    {
        int k = ((oneBased - 1) % (2 * n) + 2 * n) % (2 * n);
        return k < n ? k : 2 * n - 1 - k;
    }

    /// <summary>The weights as a dense [OutLength, InLength] matrix (mirrored taps summed).</summary>
    public float[] Dense()
    {
        var dense = new double[OutLength * InLength];
        for (int i = 0; i < OutLength; i++)
            for (int p = 0; p < Taps; p++)
                dense[i * InLength + Indices[i * Taps + p]] += Weights[i * Taps + p];
        return Array.ConvertAll(dense, v => (float)v);
    }
}
