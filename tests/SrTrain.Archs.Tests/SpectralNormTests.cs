using System.Text.Json;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Tests;

/// <summary>SpectralNorm against torch.nn.utils.spectral_norm, run at test time (PythonReference): same
/// state-dict keys in the same order, same u/v after training-mode forwards, no update in eval mode, same
/// output and same gradient of weight_orig and bias (the gradient flows through sigma).</summary>
public sealed class SpectralNormTests
{
    // For each layer kind: builds it with seed 3, runs two training forwards and one eval forward of seeded
    // inputs, backpropagates sum(out * g) of the last training forward; prints everything as base64 JSON.
    private const string Script = """
import base64, json, sys, torch
from torch import nn
def run(kind):
  torch.manual_seed(3)
  layer = {"conv": lambda: nn.Conv2d(4, 6, 3, 2, 1), "convt": lambda: nn.ConvTranspose2d(4, 3, 3, 2, 1, 1),
           "linear": lambda: nn.Linear(5, 7)}[kind]()
  layer = nn.utils.spectral_norm(layer, n_power_iterations=2 if kind == "linear" else 1)
  enc = lambda t: {"dtype": "float32", "shape": list(t.shape), "b64": base64.b64encode(t.detach().contiguous().numpy().tobytes()).decode()}
  init = {k: enc(v) for k, v in layer.state_dict().items()}
  torch.manual_seed(11)
  x = torch.rand(2, 5) if kind == "linear" else torch.rand(2, 4, 5, 6)
  layer.train()
  layer(x)
  y = layer(x)
  g = torch.linspace(-1, 1, y.numel()).reshape(y.shape)
  (y * g).sum().backward()
  after = {k: enc(v) for k, v in layer.state_dict().items()}
  layer.eval()
  y_eval = layer(x)
  return {"keys": list(init.keys()), "init": init, "after": after, "y": enc(y), "y_eval": enc(y_eval),
          "grad_w": enc(layer.weight_orig.grad), "grad_b": enc(layer.bias.grad)}
print(json.dumps({k: run(k) for k in ["conv", "convt", "linear"]}))
""";

    // One Python run for all kinds: starting torch costs seconds on the shared machine.
    private static readonly Lazy<JsonDocument> Reference = new(() => JsonDocument.Parse(PythonReference.Run(Script)));

    [Theory]
    [InlineData("conv")]
    [InlineData("convt")]
    [InlineData("linear")]
    public void MatchesTorchSpectralNorm(string kind)
    {
        var r = Reference.Value.RootElement.GetProperty(kind);
        using var scope = LibTorch.NewDisposeScope();
        Module inner = kind switch
        {
            "conv" => new Conv2d(4, 6, 3, stride: 2, padding: 1),
            "convt" => new ConvTranspose2d(4, 3, 3, stride: 2, padding: 1, outputPadding: 1),
            _ => new Linear(5, 7),
        };
        using var sn = new SpectralNorm(inner, nPowerIterations: kind == "linear" ? 2 : 1);
        Assert.Equal(r.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), sn.StateDict().Keys);
        sn.LoadStateDict(r.GetProperty("init").EnumerateObject().ToDictionary(p => p.Name, p => ArchFixture.Decode(p.Value)));

        LibTorch.ManualSeed(11);
        var x = kind == "linear" ? Tensor.Rand([2, 5]) : Tensor.Rand([2, 4, 5, 6]);
        sn.Train();
        sn.Forward(x);
        var y = sn.Forward(x);
        var expected = ArchFixture.Decode(r.GetProperty("y"));
        TensorAssert.Close(expected, y, Tolerance.Layer, what: "train output");
        var g = Tensor.Linspace(-1, 1, y.NumEl).Reshape(y.Shape);
        (y * g).Sum().Backward();
        var state = sn.StateDict();
        foreach (var p in r.GetProperty("after").EnumerateObject())
            TensorAssert.Close(ArchFixture.Decode(p.Value), state[p.Name], Tolerance.Layer, what: p.Name);
        TensorAssert.Close(ArchFixture.Decode(r.GetProperty("grad_w")), state["weight_orig"].Grad!, Tolerance.Network, what: "weight_orig.grad");
        TensorAssert.Close(ArchFixture.Decode(r.GetProperty("grad_b")), state["bias"].Grad!, Tolerance.Layer, what: "bias.grad");

        sn.Eval();
        var u = state["weight_u"].Clone();
        var yEval = sn.Forward(x);
        TensorAssert.Close(ArchFixture.Decode(r.GetProperty("y_eval")), yEval, Tolerance.Layer, what: "eval output");
        TensorAssert.Equal(u, state["weight_u"], "weight_u after an eval forward");
    }

    [Fact]
    public void NormalisedWeightHasUnitSpectralNormAfterManyIterations()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var sn = new SpectralNorm(new Linear(8, 6), nPowerIterations: 50);
        var w = sn.ComputeWeight(doPowerIteration: true);
        // Largest singular value of W / sigma by power iteration on W^T W in double precision.
        var m = w.Detach().To(DType.Float64);
        var v = Tensor.Ones([8], DType.Float64);
        for (int i = 0; i < 200; i++) { v = m.T().MatMul(m.MatMul(v)); v = v / v.Norm(); }
        Assert.InRange(m.MatMul(v).Norm().Item(), 0.999, 1.001);
    }

    [Fact]
    public void RejectsALayerWithoutAWeightMatrix()
    {
        var e = Assert.Throws<ArgumentException>(() => new SpectralNorm(new BatchNorm2d(4)));
        Assert.Contains("BatchNorm2d", e.Message);
    }
}
