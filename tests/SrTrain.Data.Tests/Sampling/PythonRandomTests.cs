using System.Globalization;
using System.Text.Json;
using SrTrain.Data.Sampling;

namespace SrTrain.Data.Tests.Sampling;

/// <summary><see cref="PythonRandom"/> and <see cref="TorchRandPerm"/> against Python's random module and torch.randperm
/// (run by /usr/bin/python3 at test time; integer arithmetic, so the same on any CPU).</summary>
public sealed class PythonRandomTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(5L)]
    [InlineData(4294967296L + 7)]   // two key words
    [InlineData(-12L)]              // random.seed uses |n|
    public void DrawsWhatPythonsRandomDraws(long seed)
    {
        const string Code = """
            import json, random, sys
            r = random.Random(int(sys.argv[1]))
            out = {"random": [r.random() for _ in range(5)],
                   "randint": [r.randint(0, m) for m in (0, 1, 6, 8, 100, 1000, 2**20, 2**31 - 2)],
                   "bits": [r.getrandbits(k) for k in (1, 7, 31, 32)],
                   "after": r.random()}
            print(json.dumps(out))
            """;
        using var doc = JsonDocument.Parse(PythonReference.Run(Code, seed.ToString(CultureInfo.InvariantCulture)));
        var root = doc.RootElement;
        var rng = new PythonRandom(seed);
        foreach (var v in root.GetProperty("random").EnumerateArray()) Assert.Equal(v.GetDouble(), rng.NextDouble());
        int[] maxima = [0, 1, 6, 8, 100, 1000, 1 << 20, int.MaxValue - 1];
        var ints = root.GetProperty("randint").EnumerateArray().Select(v => v.GetInt64()).ToList();
        for (int i = 0; i < maxima.Length; i++) Assert.Equal(ints[i], rng.NextInt(maxima[i] + 1));
        int[] bits = [1, 7, 31, 32];
        var expectedBits = root.GetProperty("bits").EnumerateArray().Select(v => v.GetUInt32()).ToList();
        for (int i = 0; i < bits.Length; i++) Assert.Equal(expectedBits[i], rng.GetRandBits(bits[i]));
        Assert.Equal(root.GetProperty("after").GetDouble(), rng.NextDouble());
    }

    [Theory]
    [InlineData(1, 0UL)]
    [InlineData(10, 0UL)]
    [InlineData(75, 1UL)]
    [InlineData(4000, 2UL)]
    [InlineData(32208, 12345UL)]
    public void PermutationIsTorchRandpermSeededWithTheEpoch(int n, ulong seed)
    {
        const string Code = """
            import json, sys, torch
            g = torch.Generator()
            g.manual_seed(int(sys.argv[2]))
            print(json.dumps(torch.randperm(int(sys.argv[1]), generator=g).tolist()))
            """;
        var expected = JsonSerializer.Deserialize<int[]>(PythonReference.Run(Code, n.ToString(CultureInfo.InvariantCulture),
                                                                             seed.ToString(CultureInfo.InvariantCulture)))!;
        Assert.Equal(expected, TorchRandPerm.Permutation(n, seed));
    }
}
