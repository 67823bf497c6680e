using SrTrain.Abstractions.Contracts;
using SrTrain.Torch;

namespace SrTrain.Data.Pipeline;

/// <summary>Writes result tensors as image files through OpenCV, rounding like BasicSR's tensor2img.</summary>
public sealed class ImageFileWriter : IImageWriter
{
    public void Write(Tensor image, string path)
    {
        using var scope = LibTorch.NewDisposeScope();
        var cpu = image.Device.Type == DeviceType.Cpu && image.DType == DType.Float32 ? image : image.To(DType.Float32, Device.Cpu);
        ImageIO.Write(path, Image.FromTensor(cpu));
    }
}
