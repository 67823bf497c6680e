namespace SrTrain.Torch.Nn;

/// <summary>Fully connected layer y = x W^T + b (PyTorch: nn.Linear).</summary>
public sealed class Linear : Module
{
    public Linear(long inFeatures, long outFeatures, bool bias = true, Device? device = null)
    {
        if (inFeatures < 1 || outFeatures < 1)
            throw new ArgumentException($"Linear: in ({inFeatures}) and out ({outFeatures}) features must be >= 1");
        Weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures], device: device));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outFeatures], device: device)) : null;
        Init.DefaultLayerInit(Weight, Bias);
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);
}
