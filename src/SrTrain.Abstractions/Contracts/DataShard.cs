namespace SrTrain.Abstractions.Contracts;

/// <summary>Which part of each training epoch this process loads in data-parallel training (BasicSR's
/// EnlargedSampler): rank <see cref="Rank"/> of <see cref="Count"/> takes positions Rank, Rank + Count, ... of the
/// epoch's shared permutation, padded to a multiple of <see cref="Count"/>.</summary>
public sealed record DataShard(int Rank, int Count)
{
    /// <summary>The whole epoch (one process).</summary>
    public static readonly DataShard Whole = new(0, 1);
}
