using SrTrain.Torch.Nn;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>SRResNet (SRGAN's generator): conv-BN-PReLU blocks; eval-mode BN folded into the convs or kept as
/// BatchNormalization (<see cref="OnnxEmitter.FoldBatchNorm"/>).</summary>
public static class SrResNetGraph
{
    public static string Emit(OnnxEmitter e, ModuleAt m, string x)
    {
        var feat = e.Emit(m["prelu_first"], e.Emit(m["conv_first"], x));
        var body = feat;
        foreach (var block in m["body"].Children())
        {
            var res = ConvBn(e, block["conv1"], block["bn1"], body);
            res = ConvBn(e, block["conv2"], block["bn2"], e.Emit(block["prelu"], res));
            body = e.G.Add(body, res, block.Path);
        }
        var output = e.G.Add(feat, ConvBn(e, m["conv_after_body"], m["bn_after_body"], body), "body_residual");
        return e.Emit(m["conv_last"], e.Emit(m["upsample"], output));
    }

    private static string ConvBn(OnnxEmitter e, ModuleAt conv, ModuleAt bn, string x) =>
        e.ConvBn(conv.As<Conv2d>(), conv.Path, bn.As<BatchNorm2d>(), bn.Path, x);
}
