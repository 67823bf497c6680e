namespace SrTrain.Data.Sampling;

/// <summary>MT19937 (Matsumoto and Nishimura, 1998), the 32-bit generator behind both Python's <c>random</c> module
/// and PyTorch's CPU generator; the two differ only in how they seed it (<see cref="SeedByArray"/>,
/// <see cref="SeedByInt"/>). Reproduced so that SrTrain can draw BasicSR's crops, flips and epoch orders.</summary>
public sealed class MersenneTwister
{
    private const int N = 624, M = 397;
    private const uint MatrixA = 0x9908B0DF, Upper = 0x80000000, Lower = 0x7FFFFFFF;
    private readonly uint[] mt = new uint[N];
    private int index = N;

    private MersenneTwister() { }

    /// <summary>init_genrand: PyTorch's <c>torch.Generator().manual_seed(seed)</c> (the low 32 bits of the seed).</summary>
    public static MersenneTwister SeedByInt(ulong seed)
    {
        var g = new MersenneTwister();
        g.InitGenrand((uint)seed);
        return g;
    }

    /// <summary>init_by_array: Python's <c>random.seed(n)</c> for an int n, whose key is |n| in 32-bit words, least
    /// significant first (one zero word for 0).</summary>
    public static MersenneTwister SeedByArray(IReadOnlyList<uint> key)
    {
        var g = new MersenneTwister();
        g.InitGenrand(19650218);
        int i = 1, j = 0, length = Math.Max(key.Count, 1);
        for (int k = Math.Max(N, length); k > 0; k--)
        {
            g.mt[i] = (g.mt[i] ^ ((g.mt[i - 1] ^ (g.mt[i - 1] >> 30)) * 1664525U)) + (key.Count == 0 ? 0 : key[j]) + (uint)j;
            i++; j++;
            if (i >= N) { g.mt[0] = g.mt[N - 1]; i = 1; }
            if (j >= length) j = 0;
        }
        for (int k = N - 1; k > 0; k--)
        {
            g.mt[i] = (g.mt[i] ^ ((g.mt[i - 1] ^ (g.mt[i - 1] >> 30)) * 1566083941U)) - (uint)i;
            i++;
            if (i >= N) { g.mt[0] = g.mt[N - 1]; i = 1; }
        }
        g.mt[0] = 0x80000000;
        return g;
    }

    /// <summary>The next 32 tempered bits (genrand_uint32).</summary>
    public uint NextUInt32()
    {
        if (index >= N) Twist();
        uint y = mt[index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        return y ^ (y >> 18);
    }

    private void InitGenrand(uint s)
    {
        mt[0] = s;
        for (int i = 1; i < N; i++) mt[i] = 1812433253U * (mt[i - 1] ^ (mt[i - 1] >> 30)) + (uint)i;
        index = N;
    }

    private void Twist()
    {
        for (int k = 0; k < N; k++)
        {
            uint y = (mt[k] & Upper) | (mt[(k + 1) % N] & Lower);
            mt[k] = mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : MatrixA);
        }
        index = 0;
    }
}
