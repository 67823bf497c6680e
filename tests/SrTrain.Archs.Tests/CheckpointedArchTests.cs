using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Tests;

/// <summary><c>use_checkpoint: true</c> (gradient checkpointing per body block) changes memory, not numbers: with the
/// same weights and input, the loss and the gradient of every parameter in or after the body equal the plain network's
/// bit for bit on CPU. The layers before the body (conv_first, MDSR's pre_process) get the sum of the body's and the
/// global skip's gradients added in another order (the checkpoint sums the block's own terms first), so they agree
/// within float32 rounding; PyTorch's torch.utils.checkpoint does the same (a head conv before two checkpointed
/// residual blocks differs by 1.5e-8 there, gradients after it are equal).</summary>
public sealed class CheckpointedArchTests
{
    public static TheoryData<string> Archs() => new("RRDBNet", "EDSR", "MSRResNet", "MDSR");

    private static Module Small(string arch, bool useCheckpoint) => arch switch
    {
        "RRDBNet" => new RrdbNet(numFeat: 8, numBlock: 2, numGrowCh: 4, useCheckpoint: useCheckpoint),
        "EDSR" => new Edsr(numFeat: 8, numBlock: 3, upscale: 2, useCheckpoint: useCheckpoint),
        "MSRResNet" => new MsrResNet(numFeat: 8, numBlock: 3, upscale: 4, useCheckpoint: useCheckpoint),
        "MDSR" => new Mdsr(numFeat: 8, numBlock: 3, upscale: 3, useCheckpoint: useCheckpoint),
        _ => throw new ArgumentException(arch),
    };

    /// <summary>Parameters upstream of the body: the global skip or MDSR's branch reads the body's input too.</summary>
    private static bool BeforeBody(string arch, string name) =>
        name.StartsWith("conv_first.", StringComparison.Ordinal) || (arch == "MDSR" && name.StartsWith("pre_process.", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Archs))]
    public void LossAndGradientsEqualThePlainNetwork(string arch)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var plain = Small(arch, useCheckpoint: false);
        using var checkpointed = Small(arch, useCheckpoint: true);
        checkpointed.LoadStateDict(plain.StateDict());
        var x = Tensor.Rand([2, 3, 12, 12]);
        var target = Tensor.Rand(plain.Forward(x).Shape.ToArray());
        plain.ZeroGrad();
        var lossPlain = (plain.Forward(x) - target).Abs().Mean();
        lossPlain.Backward();
        var lossCkpt = (checkpointed.Forward(x) - target).Abs().Mean();
        lossCkpt.Backward();
        TensorAssert.Equal(lossPlain, lossCkpt, $"{arch} loss");
        var grads = checkpointed.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Grad);
        var differing = new List<string>();
        foreach (var (name, p) in plain.NamedParameters())
        {
            if (p.Grad is null) { Assert.Null(grads[name]); continue; }
            if (BeforeBody(arch, name))
            {
                TensorAssert.Close(p.Grad, grads[name]!, Tolerance.Layer, $"{arch} {name} gradient");
                continue;
            }
            var diff = (p.Grad - grads[name]!).Abs().Max().Item();
            if (diff != 0) differing.Add($"{name} (max |diff| {diff:E2})");
        }
        Assert.True(differing.Count == 0, $"{arch}: gradients differ: {string.Join(", ", differing)}");
    }
}
