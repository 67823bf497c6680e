using System.Numerics;

namespace SrTrain.Data.Sampling;

/// <summary>Python's <c>random.Random</c> seeded with an int, as far as BasicSR's data pipeline draws from it:
/// <c>random.random()</c> for flips and <c>random.randint(0, m)</c> for crop positions (CPython 3's _randbelow:
/// rejection sampling on <c>getrandbits(m.bit_length())</c>, so a draw may take more than one 32-bit word).</summary>
public sealed class PythonRandom : SampleRng
{
    private readonly MersenneTwister mt;

    /// <summary><c>random.seed(seed)</c>.</summary>
    public PythonRandom(long seed) : base(0)
    {
        var magnitude = BigInteger.Abs(seed);
        var words = new List<uint>();
        while (magnitude > 0) { words.Add((uint)(magnitude & uint.MaxValue)); magnitude >>= 32; }
        mt = MersenneTwister.SeedByArray(words.Count == 0 ? [0u] : words);
    }

    /// <summary><c>random.random()</c>: 53 bits from two words.</summary>
    public override double NextDouble()
    {
        uint a = mt.NextUInt32() >> 5, b = mt.NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>random.randrange(maxExclusive)</c>, i.e. <c>random.randint(0, maxExclusive - 1)</c>.</summary>
    public override int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), $"must be positive, got {maxExclusive}");
        int k = 32 - BitOperations.LeadingZeroCount((uint)maxExclusive);
        uint r;
        do r = GetRandBits(k); while (r >= (uint)maxExclusive);
        return (int)r;
    }

    /// <summary><c>random.getrandbits(k)</c> for 1 &lt;= k &lt;= 32.</summary>
    public uint GetRandBits(int k)
    {
        if (k is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(k), $"must be in [1, 32], got {k}");
        return mt.NextUInt32() >> (32 - k);
    }

    public override ulong NextUInt64() =>
        throw new NotSupportedException("Python's random module has no 64-bit draw that BasicSR's pipeline uses");
}
