using SrTrain.Abstractions.Contracts;
using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>The discriminator's predictions of a whole accumulated batch (real and fake, no gradients), for the
/// relativistic averages E[C(x_r)] and E[C(x_f)] of ESRGAN when the batch is split into micro-batches.</summary>
internal sealed class RelativisticBatchMeans
{
    private readonly double[] fakeSums;
    private readonly long count;

    private RelativisticBatchMeans(Tensor realAll, Tensor fakeAll, double[] fakeSums)
    {
        RealAll = realAll;
        FakeAll = fakeAll;
        RealMean = realAll.Mean();
        this.fakeSums = fakeSums;
        count = fakeAll.NumEl;
    }

    /// <summary>C(x_r) of every micro-batch, concatenated (detached).</summary>
    public Tensor RealAll { get; }

    /// <summary>C(x_f) of every micro-batch, concatenated (detached).</summary>
    public Tensor FakeAll { get; }

    /// <summary>E[C(x_r)] over the whole batch (detached).</summary>
    public Tensor RealMean { get; }

    /// <summary>E[C(x_f)] over the whole batch where micro-batch <paramref name="index"/>'s predictions are
    /// <paramref name="fakePred"/> (with their graph) and the others' are constants.</summary>
    public Tensor FakeMean(int index, Tensor fakePred)
    {
        double others = 0;
        for (int k = 0; k < fakeSums.Length; k++)
            if (k != index) others += fakeSums[k];
        return (fakePred.Sum() + others) / count;
    }

    /// <summary>Predicts every micro-batch under no-grad (the tensors belong to the caller's scope).</summary>
    public static RelativisticBatchMeans Predict(IReadOnlyList<SrBatch> microBatches, Func<Tensor, Tensor> generator, Func<Tensor, Tensor> discriminator)
    {
        using var _ = LibTorch.NoGrad();
        var real = new List<Tensor>();
        var fake = new List<Tensor>();
        foreach (var b in microBatches)
        {
            real.Add(discriminator(b.Gt ?? throw new InvalidOperationException("ESRGAN training needs GT in every batch")));
            fake.Add(discriminator(generator(b.Lq)));
        }
        return new RelativisticBatchMeans(Tensor.Cat(real, 0), Tensor.Cat(fake, 0), fake.Select(f => f.To(DType.Float64).Sum().Item()).ToArray());
    }
}
