using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Blocks;

/// <summary>conv-ReLU-conv with an identity skip and no batch norm (BasicSR: arch_util.ResidualBlockNoBN,
/// EDSR Fig. 2): <c>x + res_scale * conv2(relu(conv1(x)))</c>. Keys <c>conv1.*</c>, <c>conv2.*</c>.</summary>
public sealed class ResidualBlockNoBN : Module
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly double resScale;

    /// <param name="numFeat">Channels in and out.</param>
    /// <param name="resScale">Residual scaling (EDSR-large uses 0.1 to stabilise training).</param>
    /// <param name="pytorchInit">Keep PyTorch's default init; otherwise BasicSR's scaled MSRA (x0.1), as MSRResNet uses.</param>
    /// <param name="kernelSize">3 in BasicSR; MDSR's scale-specific pre-processing blocks use 5.</param>
    public ResidualBlockNoBN(int numFeat = 64, double resScale = 1, bool pytorchInit = false, int kernelSize = 3)
    {
        this.resScale = resScale;
        conv1 = Register("conv1", new Conv2d(numFeat, numFeat, kernelSize, padding: kernelSize / 2));
        conv2 = Register("conv2", new Conv2d(numFeat, numFeat, kernelSize, padding: kernelSize / 2));
        if (!pytorchInit) Init.ScaledMsra(this, 0.1);
    }

    /// <summary>res_scale: the residual branch is multiplied by it before the skip is added.</summary>
    public double ResScale => resScale;

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var res = conv2.Forward(F.Relu(conv1.Forward(x)));
        var y = resScale == 1 ? x + res : x + res * resScale;
        return y.MoveToOuterScope();
    }
}
