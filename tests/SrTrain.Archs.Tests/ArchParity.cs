using SrTrain.TestSupport;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>Runs a fixture case through our arch and compares with PyTorch's output (max abs error).</summary>
public static class ArchParity
{
    /// <summary>The float32 tolerance the issue sets for every arch.</summary>
    public const double MaxAbsError = 1e-4;

    /// <summary>Builds the arch from the case's options, loads the case's weights with
    /// <see cref="ArchCheckpoint.Load(Module, IReadOnlyDictionary{string, Tensor}, bool)"/> (strict), runs the forwards in the
    /// case's mode and returns the max abs error of the last output; also checks recorded buffers.</summary>
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
        double err = (y - expected).Abs().Max().Item();
        if (Environment.GetEnvironmentVariable("SRTRAIN_ARCH_ERRORS") is { Length: > 0 } report)
            File.AppendAllText(report, $"{c.Name}\t{err:E2}\n");   // measured figures for reports
        Assert.True(err < MaxAbsError, $"{c.Name}: max abs error {err:E3} vs PyTorch (limit {MaxAbsError:E0})");
        var state = net.StateDict();
        foreach (var (key, want) in c.After())
        {
            double e = (state[key].To(DType.Float64) - want.To(DType.Float64)).Abs().Max().Item();
            Assert.True(e < 1e-5, $"{c.Name}: buffer {key} after {c.Forwards} forwards differs from PyTorch's by {e:E3}");
        }
        return err;
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
