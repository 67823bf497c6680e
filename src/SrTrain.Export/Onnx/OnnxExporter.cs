using Google.Protobuf;
using Onnx;
using SrTrain.Archs;
using SrTrain.Export.Onnx.Archs;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Export.Onnx;

/// <summary>Writes a generator as an ONNX model: the graph from its module tree (<see cref="OnnxEmitter"/>),
/// the weights as initializers, input <c>input</c> (N, C, H, W) and output <c>output</c>, float32 at the
/// boundary, and the <see cref="OnnxModelInfo"/> metadata. There is no torch.onnx in the binding; this is it.</summary>
public static class OnnxExporter
{
    public const string InputName = "input", OutputName = "output";

    /// <summary>The ONNX IR version of the vendored schema (onnx 1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>The model for <paramref name="net"/> (put in eval mode; runs one small forward to learn its output channels).</summary>
    public static ModelProto Build(Module net, OnnxModelInfo info, OnnxExportOptions options)
    {
        options.Validate();
        if (ArchGraphs.Find(net.GetType()) is null)
            throw new OnnxExportException($"arch {info.Arch} ({net.GetType().Name}) has no ONNX graph; the exporter writes " +
                                          string.Join(", ", ArchGraphs.Archs.Select(t => t.Name)));
        net.Eval();
        long inCh = InputChannels(net, info.InputMultiple), outCh = OutputChannels(net, inCh, info);
        var shape = options.StaticShape;
        if (shape is not null)
        {
            if (shape[1] != inCh) throw new ArgumentException($"--static {string.Join("x", shape)}: {info.Arch} takes {inCh} input channels, not {shape[1]}");
            if (shape[2] % info.InputMultiple != 0 || shape[3] % info.InputMultiple != 0)
                throw new ArgumentException($"--static {string.Join("x", shape)}: {info.Arch} x{info.Scale} needs height and width that are multiples of {info.InputMultiple}");
        }

        var g = new OnnxGraphBuilder(options.Fp16);
        g.Graph.Name = $"{info.Arch}_x{info.Scale}";
        g.Graph.Input.Add(Value(InputName, shape is null ? [null, inCh, null, null] : [.. shape.Select(v => (long?)v)], ["N", "", "H", "W"]));
        g.Graph.Output.Add(Value(OutputName, shape is null ? [null, outCh, null, null] : [shape[0], outCh, shape[2] * info.Scale, shape[3] * info.Scale],
                                 ["N", "", "H_out", "W_out"]));

        var emitter = new OnnxEmitter(g, options.FoldBatchNorm);
        string x = options.Fp16 ? g.Cast(InputName, true, "input") : InputName;
        string y = emitter.Emit(new ModuleAt(net, ""), x);
        if (options.Fp16) y = g.Cast(y, false, "output");
        g.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "output", Input = { y }, Output = { OutputName } });

        var model = new ModelProto
        {
            IrVersion = IrVersion, ProducerName = "SrTrain", ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"{info.Arch} x{info.Scale} exported by srtrain export", Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (k, v) in info.ToMetadata()) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }

    /// <summary>Builds and writes the model to <paramref name="path"/> (write then rename: never a half-written file).</summary>
    public static ModelProto Save(Module net, OnnxModelInfo info, OnnxExportOptions options, string path)
    {
        var model = Build(net, info, options);
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        var tmp = full + ".tmp";
        using (var stream = File.Create(tmp)) model.WriteTo(stream);
        File.Move(tmp, full, overwrite: true);
        return model;
    }

    /// <summary>The multiple an arch needs its input's height and width to have (RRDBNet x1/x2 unshuffle by 4/2).</summary>
    public static int InputMultiple(Module net) => net is RrdbNet r ? RrdbNetGraph.UnshuffleFactor(r.Scale) : 1;

    private static long InputChannels(Module net, int multiple)
    {
        var first = net.NamedModules().Select(m => m.Module).OfType<Conv2d>().FirstOrDefault()
                    ?? throw new OnnxExportException($"{net.GetType().Name} has no Conv2d to tell its input channels");
        return first.InChannels / (multiple * multiple);
    }

    private static long OutputChannels(Module net, long inCh, OnnxModelInfo info)
    {
        long side = 2L * info.InputMultiple;
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var device = net.Parameters().FirstOrDefault()?.Device ?? Device.Cpu;
        var y = net.Forward(Tensor.Zeros([1, inCh, side, side], device: device));
        if (y.Dim != 4 || y.Size(2) != side * info.Scale)
            throw new ArgumentException($"{info.Arch} made [{string.Join(", ", y.Shape)}] from a {side}x{side} input; scale {info.Scale} expects {side * info.Scale}x{side * info.Scale}");
        return y.Size(1);
    }

    private static ValueInfoProto Value(string name, long?[] dims, string[] symbols)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] is { } d ? new TensorShapeProto.Types.Dimension { DimValue = d }
                                          : new TensorShapeProto.Types.Dimension { DimParam = symbols[i] });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
