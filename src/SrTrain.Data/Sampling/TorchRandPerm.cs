namespace SrTrain.Data.Sampling;

/// <summary><c>torch.randperm(n, generator=g)</c> on the CPU with <c>g.manual_seed(seed)</c>: a Fisher-Yates pass that
/// swaps element i with i + (32-bit draw mod (n - i)). BasicSR's EnlargedSampler draws each epoch's order this way
/// from a generator seeded with the epoch number.</summary>
public static class TorchRandPerm
{
    public static int[] Permutation(int n, ulong seed)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"must be >= 0, got {n}");
        var mt = MersenneTwister.SeedByInt(seed);
        var r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        for (int i = 0; i < n - 1; i++)
        {
            int z = (int)(mt.NextUInt32() % (uint)(n - i));
            (r[i], r[z + i]) = (r[z + i], r[i]);
        }
        return r;
    }
}
