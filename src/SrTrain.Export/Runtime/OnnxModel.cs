using Microsoft.ML.OnnxRuntime;
using SrTrain.Export.Onnx;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Export.Runtime;

/// <summary>An exported SR model in ONNX Runtime (CPU, all graph optimisations on), with the metadata
/// <c>srtrain export</c> recorded. <see cref="Run"/> takes and returns NCHW float32 in [0, 1] like the
/// network's Forward; <see cref="AsModule"/> lets the image and video pipelines use it in place of one.</summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession session;

    private OnnxModel(InferenceSession session, OnnxModelInfo info, string path) =>
        (this.session, Info, Path) = (session, info, path);

    /// <summary>The model's arch, scale and options from its metadata.</summary>
    public OnnxModelInfo Info { get; }

    /// <summary>The file it was loaded from.</summary>
    public string Path { get; }

    /// <summary>Channels of the input (C of N, C, H, W).</summary>
    public long InputChannels => session.InputMetadata[OnnxExporter.InputName].Dimensions[1];

    /// <summary>Loads <paramref name="path"/>; a missing, unreadable or foreign file is an error naming it.</summary>
    public static OnnxModel Load(string path, int intraOpThreads = 0)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model {path} does not exist", path);
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = intraOpThreads };
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load it: {e.Message}", e);
        }
        finally
        {
            options.Dispose();
        }
        try
        {
            var info = OnnxModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap, path);
            if (!session.InputMetadata.ContainsKey(OnnxExporter.InputName) || !session.OutputMetadata.ContainsKey(OnnxExporter.OutputName))
                throw new InvalidDataException($"{path}: expected an input '{OnnxExporter.InputName}' and an output '{OnnxExporter.OutputName}'");
            return new OnnxModel(session, info, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The model's output for <paramref name="x"/> (NCHW float32, any device) as a CPU tensor of the
    /// current scope. Heights and widths that are not a multiple of <see cref="OnnxModelInfo.InputMultiple"/>
    /// are padded (reflect, bottom/right) and the output cropped, as the .pth inference does.</summary>
    public Tensor Run(Tensor x)
    {
        if (x.Dim != 4) throw new ArgumentException($"expected an NCHW batch, got shape [{string.Join(", ", x.Shape)}]");
        int m = Info.InputMultiple;
        long h = x.Size(2), w = x.Size(3);
        long ph = (m - h % m) % m, pw = (m - w % m) % m;
        if (ph == 0 && pw == 0) return RunExact(x);
        var mode = h > ph && w > pw ? PaddingMode.Reflect : PaddingMode.Replicate;
        var y = RunExact(F.Pad(x, [0, pw, 0, ph], mode));
        return y.Narrow(2, 0, h * Info.Scale).Narrow(3, 0, w * Info.Scale);
    }

    private Tensor RunExact(Tensor x)
    {
        var data = x.Contiguous().ToArray<float>();
        var shape = x.Shape.ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var runOptions = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = session.Run(runOptions, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{Path}: ONNX Runtime failed on input [{string.Join(", ", shape)}]: {e.Message}", e);
        }
        using var owned = outputs;
        var output = outputs[0];
        var outShape = output.GetTensorTypeAndShape().Shape;
        return Tensor.From(output.GetTensorDataAsSpan<float>(), outShape);
    }

    /// <summary>A module whose Forward is <see cref="Run"/> (no parameters; the session stays owned by this model).</summary>
    public Module AsModule() => new RuntimeModule(this);

    public void Dispose() => session.Dispose();

    private sealed class RuntimeModule(OnnxModel model) : Module
    {
        public override Tensor Forward(Tensor input) => model.Run(input);
    }
}
