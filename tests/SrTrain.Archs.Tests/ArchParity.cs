using SrTrain.TestSupport;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>Runs a fixture case through our arch and compares with PyTorch's output.</summary>
public static class ArchParity
{
    /// <summary>Whole arch forwards: <see cref="Tolerance.Network"/> (relative to the output's magnitude, so it holds on
    /// any CPU's kernels); buffers updated by the forwards (batch-norm statistics, spectral-norm u and v) are single
    /// reductions: <see cref="Tolerance.Layer"/>.</summary>
    public static readonly Tolerance Output = Tolerance.Network;

    /// <summary>Builds the arch from the case's options, loads the case's weights with
    /// <see cref="ArchCheckpoint.Load(Module, IReadOnlyDictionary{string, Tensor}, bool)"/> (strict), runs the forwards in the
    /// case's mode and checks the last output and the recorded buffers; returns the worst error of the output as a
    /// fraction of the tolerance (pass: at most 1).</summary>
    public static double Run(ArchFixture.Case c, Func<Module, Tensor, Tensor>? forward = null)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var net = c.Build();
        ArchCheckpoint.Load(net, c.State(), strict: true);
        net.Train(c.Train);
        var x = c.Input();
        Tensor y = null!;
        using (LibTorch.NoGrad())
            for (int i = 0; i < c.Forwards; i++) y = forward is null ? net.Forward(x) : forward(net, x);
        var expected = c.Output();
        Assert.True(expected.Shape.SequenceEqual(y.Shape),
            $"{c.Name}: output shape [{string.Join(", ", y.Shape)}], PyTorch's [{string.Join(", ", expected.Shape)}]");
        var worst = Output.Worst(expected, y);
        if (Environment.GetEnvironmentVariable("SRTRAIN_ARCH_ERRORS") is { Length: > 0 } report)
            File.AppendAllText(report, $"{c.Name}\t{worst.Ratio:E2}\t{(y - expected).Abs().Max().Item():E2}\n");   // measured figures for reports
        TensorAssert.Close(expected, y, Output, $"{c.Name}: output vs PyTorch");
        var state = net.StateDict();
        foreach (var (key, want) in c.After())
            TensorAssert.Close(want, state[key], Tolerance.Layer, $"{c.Name}: buffer {key} after {c.Forwards} forwards vs PyTorch");
        return worst.Ratio;
    }

    /// <summary>The state-dict keys and shapes of <paramref name="net"/>, one "key&lt;TAB&gt;[shape]" line each, in order.</summary>
    public static List<string> KeyLines(Module net) =>
        net.StateDict().Select(p => $"{p.Key}\t[{string.Join(", ", p.Value.Shape)}]").ToList();

    /// <summary>The key list fixture (tests/fixtures/archs/keys/<paramref name="name"/>.txt): header, then lines.</summary>
    public static (string Header, List<string> Lines) KeyFixture(string name)
    {
        var lines = File.ReadAllLines(RepoPaths.Fixture($"archs/keys/{name}.txt")).Where(l => l.Length > 0).ToList();
        return (lines[0], lines.Skip(1).ToList());
    }
}
