using SrTrain.Torch;

namespace SrTrain.Data.Loading;

/// <summary>One collated batch: NCHW float32 tensors (pinned when the loader targets CUDA) and the source
/// files. The tensors belong to no dispose scope: whoever takes the batch from the loader disposes it
/// (<c>using var batch = ...</c>), or moves the tensors elsewhere first; disposing twice is harmless.</summary>
public sealed class Batch : IDisposable
{
    internal Batch(int epoch, int index, Tensor? lq, Tensor? gt, IReadOnlyList<string?> lqPaths, IReadOnlyList<string?> gtPaths)
        => (Epoch, Index, Lq, Gt, LqPaths, GtPaths) = (epoch, index, lq, gt, lqPaths, gtPaths);

    public int Epoch { get; }

    /// <summary>Position of the batch in its epoch.</summary>
    public int Index { get; }

    /// <summary>Low-quality input [N, C, h, w], or null for GT-only datasets.</summary>
    public Tensor? Lq { get; }

    /// <summary>Ground truth [N, C, H, W], or null for LQ-only datasets (SingleImageDataset).</summary>
    public Tensor? Gt { get; }

    public IReadOnlyList<string?> LqPaths { get; }
    public IReadOnlyList<string?> GtPaths { get; }

    /// <summary>Number of samples.</summary>
    public int Count => LqPaths.Count;

    public void Dispose()
    {
        Lq?.Dispose();
        Gt?.Dispose();
    }
}
