using Google.Protobuf;
using Onnx;
using SrTrain.Torch;

namespace SrTrain.Export.Onnx;

/// <summary>Builds one ONNX graph node by node: weights become initializers named by their state-dict keys,
/// values are referred to by name. With <see cref="Fp16"/> initializers and constants are float16 and the
/// caller casts the graph's float32 input and output (so a user feeds the same tensors either way).</summary>
public sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> names = [];
    private int counter;

    public OnnxGraphBuilder(bool fp16) => Fp16 = fp16;

    /// <summary>True when the graph computes in float16.</summary>
    public bool Fp16 { get; }

    /// <summary>The graph under construction (inputs, outputs and metadata are the exporter's).</summary>
    public GraphProto Graph { get; } = new();

    private TensorProto.Types.DataType FloatType => Fp16 ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;

    /// <summary>A fresh value name from <paramref name="hint"/> (a module path or op name).</summary>
    public string Fresh(string hint)
    {
        var name = $"{(hint.Length == 0 ? "v" : hint)}_{counter++}";
        names.Add(name);
        return name;
    }

    /// <summary>Adds <paramref name="values"/> (shape <paramref name="dims"/>) as a floating-point initializer in the graph's precision.</summary>
    public string Initializer(string name, float[] values, long[] dims)
    {
        if (!names.Add(name)) name = Fresh(name);
        var t = new TensorProto { Name = name, DataType = (int)FloatType };
        t.Dims.AddRange(dims);
        byte[] raw;
        if (Fp16)
        {
            raw = new byte[values.Length * 2];
            for (int i = 0; i < values.Length; i++)
                BitConverter.TryWriteBytes(raw.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)values[i]));
        }
        else
        {
            raw = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        }
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
        t.RawData = ByteString.CopyFrom(raw);
        Graph.Initializer.Add(t);
        return name;
    }

    /// <summary>A module's tensor (a weight, a bias, a buffer) as an initializer named <paramref name="key"/>.</summary>
    public string Initializer(string key, Tensor tensor) => Initializer(key, tensor.ToArray<float>(), tensor.Shape.ToArray());

    /// <summary>A float32 initializer regardless of <see cref="Fp16"/> (Resize's scales are always float).</summary>
    public string Float32Initializer(string hint, float[] values)
    {
        var t = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(values.Length);
        t.FloatData.AddRange(values);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>An int64 initializer (indices, shapes).</summary>
    public string Int64Initializer(string hint, long[] values)
    {
        var t = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A scalar constant in the graph's precision, broadcast by the elementwise ops.</summary>
    public string Scalar(double value) => Initializer(Fresh("const"), [(float)value], []);

    /// <summary>Appends a node of <paramref name="op"/> and returns its (single) output's name.</summary>
    public string Node(string op, string hint, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = Fresh(hint.Length == 0 ? op : $"{hint}/{op}");
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public string Add(string a, string b, string hint = "") => Node("Add", hint, [a, b]);
    public string Sub(string a, string b, string hint = "") => Node("Sub", hint, [a, b]);
    public string Mul(string a, string b, string hint = "") => Node("Mul", hint, [a, b]);
    public string Div(string a, string b, string hint = "") => Node("Div", hint, [a, b]);

    /// <summary>x * c; c == 1 emits nothing.</summary>
    public string MulScalar(string x, double c, string hint = "") => c == 1 ? x : Mul(x, Scalar(c), hint);

    public string Relu(string x, string hint = "") => Node("Relu", hint, [x]);
    public string Tanh(string x, string hint = "") => Node("Tanh", hint, [x]);
    public string Sigmoid(string x, string hint = "") => Node("Sigmoid", hint, [x]);

    public string LeakyRelu(string x, double slope, string hint = "") => Node("LeakyRelu", hint, [x], Attr("alpha", (float)slope));

    public string Concat(IEnumerable<string> xs, int axis, string hint = "") => Node("Concat", hint, xs, Attr("axis", (long)axis));

    /// <summary>PyTorch's pixel_shuffle is DepthToSpace in CRD order (channel-major), exactly.</summary>
    public string PixelShuffle(string x, int r, string hint = "") =>
        Node("DepthToSpace", hint, [x], Attr("blocksize", (long)r), Attr("mode", "CRD"));

    /// <summary>PyTorch's pixel_unshuffle orders the output channels c*r*r + i*r + j; ONNX's SpaceToDepth gives
    /// (i*r + j)*C + c. A Gather over channels with the fixed permutation makes them equal (a copy, exact).</summary>
    public string PixelUnshuffle(string x, int r, long channels, string hint = "")
    {
        var s2d = Node("SpaceToDepth", hint, [x], Attr("blocksize", (long)r));
        var perm = new long[channels * r * r];
        for (long c = 0; c < channels; c++)
            for (long k = 0; k < r * r; k++)
                perm[c * r * r + k] = k * channels + c;
        return Node("Gather", hint, [s2d, Int64Initializer("unshuffle_perm", perm)], Attr("axis", 1L));
    }

    /// <summary>F.interpolate(x, scale_factor) as Resize with PyTorch's coordinate conventions (what torch.onnx
    /// emits): nearest = asymmetric + floor; bilinear/bicubic = pytorch_half_pixel, bicubic a = -0.75.</summary>
    public string Resize(string x, double scale, InterpolationMode mode, bool alignCorners, string hint = "")
    {
        var scales = Float32Initializer("resize_scales", [1f, 1f, (float)scale, (float)scale]);
        var attrs = new List<AttributeProto>();
        switch (mode)
        {
            case InterpolationMode.Nearest:
                attrs.Add(Attr("mode", "nearest"));
                attrs.Add(Attr("coordinate_transformation_mode", "asymmetric"));
                attrs.Add(Attr("nearest_mode", "floor"));
                break;
            case InterpolationMode.Bilinear:
            case InterpolationMode.Bicubic:
                attrs.Add(Attr("mode", mode == InterpolationMode.Bilinear ? "linear" : "cubic"));
                attrs.Add(Attr("coordinate_transformation_mode", alignCorners ? "align_corners" : "pytorch_half_pixel"));
                if (mode == InterpolationMode.Bicubic) attrs.Add(Attr("cubic_coeff_a", -0.75f));
                break;
            default:
                throw new OnnxExportException($"cannot export interpolation mode {mode} at {hint}: the exporter maps nearest, bilinear and bicubic");
        }
        return Node("Resize", hint, [x, "", scales], [.. attrs]);
    }

    /// <summary>Cast to float16 (true) or float32 (false).</summary>
    public string Cast(string x, bool toFp16, string hint = "") =>
        Node("Cast", hint, [x], Attr("to", (long)(toFp16 ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float)));
}
