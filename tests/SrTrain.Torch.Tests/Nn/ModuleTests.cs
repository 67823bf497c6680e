using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests.Nn;

/// <summary>Module bookkeeping against PyTorch: state-dict keys/shapes/order, loading with named
/// errors, mode propagation, dtype/device moves keeping parameter identity, gradients.
/// Reference: tests/fixtures/nn/net.json, regenerate with <c>/usr/bin/python3 tests/fixtures/make_nn.py</c>.</summary>
public class ModuleTests
{
    private static Dictionary<string, Tensor> FixtureStateDict(TensorFixture fx) =>
        fx.Text("keys").Split('\n').ToDictionary(k => k, k => fx["sd." + k]);

    [Fact]
    public void StateDictKeysShapesAndOrderEqualPyTorchs()
    {
        using var fx = TensorFixture.Load("nn/net.json");
        using var net = new NnTestNet();
        var sd = net.StateDict();
        var expectedKeys = fx.Text("keys").Split('\n');
        Assert.Equal(expectedKeys, sd.Keys.ToArray());
        var expectedShapes = fx.Text("shapes").Split('\n');
        Assert.Equal(expectedShapes, sd.Values.Select(t => string.Join(",", t.Shape)).ToArray());
        // BatchNorm buffers are in the state dict, num_batches_tracked as a 0-d int64 like PyTorch's.
        Assert.Contains("body.0.bn.running_mean", sd.Keys);
        Assert.Contains("body.2.bn.running_var", sd.Keys);
        Assert.Equal(DType.Int64, sd["body.0.bn.num_batches_tracked"].DType);
        Assert.Equal(DType.Int64, fx["sd.body.0.bn.num_batches_tracked"].DType);
        Assert.Empty(sd["body.0.bn.num_batches_tracked"].Shape);
        // Buffers are state, not parameters.
        Assert.DoesNotContain(net.NamedParameters(), p => p.Name.Contains("running"));
    }

    [Fact]
    public void NumParametersEqualsPyTorchs()
    {
        using var fx = TensorFixture.Load("nn/net.json");
        using var net = new NnTestNet();
        Assert.Equal((long)fx.Number("num_parameters"), net.NumParameters());
    }

    [Fact]
    public void LoadedPyTorchWeightsGiveTheSameOutputInEvalAndTrainMode()
    {
        using var fx = TensorFixture.Load("nn/net.json");
        using var net = new NnTestNet();
        using var scope = LibTorch.NewDisposeScope();
        var result = net.LoadStateDict(FixtureStateDict(fx));
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(3, net.StateDict()["body.2.bn.num_batches_tracked"].ItemInt64());

        net.Eval();
        TensorAssert.Close(fx["output_eval"], net.Forward(fx["input"]), Tolerance.Layer, what: "eval output");
        net.Train();
        TensorAssert.Close(fx["output_train"], net.Forward(fx["input"]), Tolerance.Layer, what: "train output");
        Assert.Equal(4, net.StateDict()["body.0.bn.num_batches_tracked"].ItemInt64());
    }

    [Fact]
    public void StrictLoadNamesMissingAndUnexpectedKeysAndChangesNothing()
    {
        using var fx = TensorFixture.Load("nn/net.json");
        using var net = new NnTestNet();
        using var scope = LibTorch.NewDisposeScope();
        var before = net.StateDict()["head.weight"].Clone();
        var state = FixtureStateDict(fx);
        state.Remove("body.0.bn.running_var");
        state.Remove("fc.bias");
        state["tail.weight"] = Tensor.Zeros([3]);

        var ex = Assert.Throws<StateDictMismatchException>(() => net.LoadStateDict(state));
        Assert.Contains("missing keys: body.0.bn.running_var, fc.bias", ex.Message);
        Assert.Contains("unexpected keys: tail.weight", ex.Message);
        Assert.Contains(nameof(NnTestNet), ex.Message);
        Assert.Equal(["body.0.bn.running_var", "fc.bias"], ex.Result.MissingKeys);
        Assert.Equal(["tail.weight"], ex.Result.UnexpectedKeys);
        TensorAssert.Equal(before, net.StateDict()["head.weight"], "head.weight after a failed load");
    }

    [Fact]
    public void NonStrictLoadReportsKeysAndLoadsTheRest()
    {
        using var fx = TensorFixture.Load("nn/net.json");
        using var net = new NnTestNet();
        using var scope = LibTorch.NewDisposeScope();
        var fcBias = net.StateDict()["fc.bias"].Clone();
        var state = FixtureStateDict(fx);
        state.Remove("fc.bias");
        state["extra.running_mean"] = Tensor.Zeros([4]);

        var result = net.LoadStateDict(state, strict: false);
        Assert.Equal(["fc.bias"], result.MissingKeys);
        Assert.Equal(["extra.running_mean"], result.UnexpectedKeys);
        TensorAssert.Equal(fx["sd.head.weight"], net.StateDict()["head.weight"], "loaded head.weight");
        TensorAssert.Equal(fx["sd.body.2.bn.running_var"], net.StateDict()["body.2.bn.running_var"], "loaded buffer");
        TensorAssert.Equal(fcBias, net.StateDict()["fc.bias"], "missing key keeps its value");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShapeMismatchIsAnErrorNamingKeyAndBothShapes(bool strict)
    {
        using var fx = TensorFixture.Load("nn/net.json");
        using var net = new NnTestNet();
        using var scope = LibTorch.NewDisposeScope();
        var state = FixtureStateDict(fx);
        state["branches.2.weight"] = Tensor.Zeros([4, 3, 4, 4]);

        var ex = Assert.Throws<StateDictMismatchException>(() => net.LoadStateDict(state, strict));
        Assert.Contains("branches.2.weight: checkpoint has shape [4, 3, 4, 4], model has [4, 2, 4, 4]", ex.Message);
        Assert.Single(ex.ShapeMismatches);
    }

    [Fact]
    public void TrainAndEvalReachEveryDescendant()
    {
        using var fx = TensorFixture.Load("nn/net.json");
        using var net = new NnTestNet();
        Assert.Equal(fx.Text("module_names").Split('\n'), net.NamedModules().Select(m => m.Name).ToArray());
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.Training, m.Name));
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.Training, m.Name));
        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.Training, m.Name));
    }

    [Fact]
    public void ToDTypeAndDeviceKeepParameterIdentityAndValues()
    {
        using var net = new NnTestNet();
        using var scope = LibTorch.NewDisposeScope();
        var parameters = net.Parameters().ToList();
        var buffers = net.NamedBuffers().Select(b => b.Tensor).ToList();
        var values = parameters.Select(p => p.Detach().Clone()).ToList();

        net.To(DType.Float64);
        Assert.Equal(parameters, net.Parameters().ToList()); // same objects: an optimizer holding them stays valid
        Assert.Equal(buffers, net.NamedBuffers().Select(b => b.Tensor).ToList());
        Assert.All(parameters, p => Assert.Equal(DType.Float64, p.DType));
        Assert.All(parameters, p => Assert.True(p.RequiresGrad));
        Assert.Equal(DType.Float64, net.StateDict()["body.0.bn.running_mean"].DType);
        Assert.Equal(DType.Int64, net.StateDict()["body.0.bn.num_batches_tracked"].DType); // integer buffers keep their type
        for (int i = 0; i < parameters.Count; i++)
            TensorAssert.Equal(values[i], parameters[i], $"parameter {i} after To(Float64)");

        // The converted parameters are the ones autograd now trains.
        net.Forward(Tensor.Randn([1, 3, 6, 6], DType.Float64)).Sum().Backward();
        Assert.All(parameters, p => Assert.Equal(DType.Float64, p.Grad!.DType));

        net.To(Device.Cpu).To(DType.Float32);
        Assert.Equal(parameters, net.Parameters().ToList());
        Assert.All(parameters, p => Assert.Equal(DType.Float32, p.DType));
        Assert.All(parameters, p => Assert.Equal(Device.Cpu, p.Device));
    }

    [Fact]
    public void ZeroGradDropsOrZeroesEveryGradient()
    {
        using var net = new NnTestNet();
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Randn([2, 3, 6, 6]);
        net.Forward(x).Sum().Backward();
        Assert.All(net.NamedParameters(), p => Assert.NotNull(p.Tensor.Grad));

        net.ZeroGrad();
        Assert.All(net.NamedParameters(), p => Assert.Null(p.Tensor.Grad));

        net.Forward(x).Sum().Backward();
        net.ZeroGrad(setToNone: false);
        Assert.All(net.NamedParameters(), p => Assert.Equal(0.0, p.Tensor.Grad!.Abs().Max().Item()));
    }
}
