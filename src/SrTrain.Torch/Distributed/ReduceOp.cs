namespace SrTrain.Torch.Distributed;

/// <summary>How an all-reduce combines the ranks' tensors.</summary>
public enum ReduceOp
{
    /// <summary>Element-wise sum over the ranks.</summary>
    Sum,

    /// <summary>Element-wise mean over the ranks (the sum divided by the world size).</summary>
    Avg,
}
