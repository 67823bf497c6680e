using SrTrain.Archs;
using SrTrain.Archs.Blocks;

namespace SrTrain.Export.Onnx.Archs;

/// <summary>Writes a module's Forward into the graph, given the value of its input; returns its output.</summary>
public delegate string EmitGraph(OnnxEmitter e, ModuleAt m, string x);

/// <summary>The ONNX graphs of the generator archs and their blocks, by module type. Each mirrors its arch's
/// Forward op for op (same order, so float32 results agree to rounding), one file per arch.</summary>
public static class ArchGraphs
{
    private static readonly Dictionary<Type, EmitGraph> Graphs = new()
    {
        [typeof(Srcnn)] = SrcnnGraph.Emit,
        [typeof(Espcn)] = EspcnGraph.Emit,
        [typeof(Vdsr)] = VdsrGraph.Emit,
        [typeof(MsrResNet)] = MsrResNetGraph.Emit,
        [typeof(SrResNet)] = SrResNetGraph.Emit,
        [typeof(Edsr)] = EdsrGraph.Emit,
        [typeof(Mdsr)] = MdsrGraph.Emit,
        [typeof(RrdbNet)] = RrdbNetGraph.Emit,
        [typeof(Rrdb)] = RrdbNetGraph.EmitRrdb,
        [typeof(ResidualDenseBlock)] = RrdbNetGraph.EmitDenseBlock,
        [typeof(ResidualBlockNoBN)] = EmitResidualBlock,
    };

    /// <summary>The graph writer of <paramref name="type"/>, or null when there is none.</summary>
    public static EmitGraph? Find(Type type) => Graphs.GetValueOrDefault(type);

    /// <summary>Arch types the exporter can write (the generators).</summary>
    public static IEnumerable<Type> Archs => Graphs.Keys.Where(t => t.Namespace == typeof(Srcnn).Namespace);

    /// <summary>BasicSR's ResidualBlockNoBN: x + conv2(relu(conv1(x))) * res_scale.</summary>
    private static string EmitResidualBlock(OnnxEmitter e, ModuleAt m, string x)
    {
        var block = m.As<ResidualBlockNoBN>();
        var res = e.Emit(m["conv2"], e.G.Relu(e.Emit(m["conv1"], x), m.Path));
        return e.G.Add(x, e.Scale(res, block.ResScale, m.Path), m.Path);
    }
}
