namespace SrTrain.Data;

/// <summary>The source of one sample's crops and flips. This class is SplitMix64, seeded from (manual_seed, epoch,
/// sample index) by the loader's <c>random_stream: per_sample</c>, so results depend neither on the worker nor on
/// the number of workers; <see cref="Sampling.PythonRandom"/> overrides the draws with BasicSR's streams.</summary>
public class SampleRng(ulong seed)
{
    private ulong state = seed;

    /// <summary>The generator for sample <paramref name="index"/> of <paramref name="epoch"/> under <paramref name="seed"/>.</summary>
    public static SampleRng For(ulong seed, long epoch, long index) =>
        new(Mix(Mix(Mix(seed) ^ (ulong)epoch) ^ (ulong)index));

    /// <summary>The next 64 random bits.</summary>
    public virtual ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public virtual int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), $"must be positive, got {maxExclusive}");
        // Multiply-shift keeps the bias below 2^-32, irrelevant for crop positions.
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public virtual double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
