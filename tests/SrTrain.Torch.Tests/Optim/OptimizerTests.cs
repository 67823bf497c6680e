using System.Collections;
using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>What every optimizer shares: exact resume through StateDict / LoadStateDict, gradient
/// zeroing, and errors for state dicts that do not fit. Gradients come from
/// optim/grads.json, made at test time by tests/fixtures/make_optim.py (LiveFixture).</summary>
public class OptimizerTests
{
    public static TheoryData<string> Kinds => ["adam", "adam_amsgrad", "adamw", "sgd_momentum", "sgd_nesterov"];

    private static Optimizer Make(string kind, OptimizerTrajectory run) => kind switch
    {
        "adam" => new Adam([new AdamGroup(run.Group(0), lr: 1e-2), new AdamGroup(run.Group(1), lr: 3e-3, weightDecay: 1e-2)]),
        "adam_amsgrad" => new Adam([new AdamGroup(run.Group(0), lr: 1e-2, amsgrad: true), new AdamGroup(run.Group(1), lr: 3e-3, amsgrad: true)]),
        "adamw" => new AdamW([new AdamGroup(run.Group(0), lr: 1e-2, weightDecay: 1e-2), new AdamGroup(run.Group(1), lr: 3e-3, weightDecay: 0.1)]),
        "sgd_momentum" => new Sgd([new SgdGroup(run.Group(0), lr: 1e-2, momentum: 0.9, dampening: 0.1), new SgdGroup(run.Group(1), lr: 3e-2)]),
        "sgd_nesterov" => new Sgd([new SgdGroup(run.Group(0), lr: 1e-2, momentum: 0.9, nesterov: true, weightDecay: 1e-3), new SgdGroup(run.Group(1), lr: 3e-2, momentum: 0.5)]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Deep copy of a state-dict tree with every tensor cloned (what a save + load does).</summary>
    private static object? Snapshot(object? value) => value switch
    {
        Tensor t => t.Clone().DetachFromDisposeScope(),
        Dictionary<string, object?> d => d.ToDictionary(e => e.Key, e => Snapshot(e.Value)),
        Dictionary<long, object?> d => d.ToDictionary(e => e.Key, e => Snapshot(e.Value)),
        List<object?> l => l.Select(Snapshot).ToList(),
        _ => value,
    };

    private static void DisposeTree(object? value)
    {
        switch (value)
        {
            case Tensor t: t.Dispose(); break;
            case IDictionary d: foreach (DictionaryEntry e in d) DisposeTree(e.Value); break;
            case IList l: foreach (var v in l) DisposeTree(v); break;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResumesBitForBit(string kind)
    {
        const int half = 50;  // crosses the fixture's lr change at 60 after the resume
        using var straight = new OptimizerTrajectory();
        using (var opt = Make(kind, straight))
            for (int k = 0; k < 2 * half + 20; k++) straight.Step(opt, k);

        using var resumed = new OptimizerTrajectory();
        Dictionary<string, object?> saved;
        using (var first = Make(kind, resumed))
        {
            for (int k = 0; k < half; k++) resumed.Step(first, k);
            using var scope = LibTorch.NewDisposeScope();
            saved = (Dictionary<string, object?>)Snapshot(first.StateDict())!;
        }
        // A fresh optimizer (other lr, as a new run would build it) takes the saved state.
        using (var second = Make(kind, resumed))
        {
            foreach (var g in second.ParamGroups) g.Lr = 123;
            second.LoadStateDict(saved);
            DisposeTree(saved);
            for (int k = half; k < 2 * half + 20; k++) resumed.Step(second, k);
        }
        Assert.Equal(straight.Flat(), resumed.Flat());
    }

    [Fact]
    public void StateDictTensorsAreLiveViewsThatTheCallerMayDispose()
    {
        using var run = new OptimizerTrajectory();
        using var adam = new Adam(run.Parameters, lr: 1e-2);
        run.Step(adam, 0);
        var sd = adam.StateDict();
        var expAvg = (Tensor)((Dictionary<string, object?>)((Dictionary<long, object?>)sd["state"]!)[0]!)["exp_avg"]!;
        var before = expAvg.ToArray<float>();
        run.Step(adam, 1);
        Assert.NotEqual(before, expAvg.ToArray<float>());   // a view of the live moment, as in torch
        DisposeTree(sd);
        run.Step(adam, 2);                                  // the optimizer's own state is untouched
    }

    [Fact]
    public void LoadRejectsMismatchedShapesAndLeavesStateUnchanged()
    {
        using var run = new OptimizerTrajectory();
        using var adam = new Adam(run.Parameters, lr: 1e-2);
        run.Step(adam, 5);
        var sd = adam.StateDict();
        var entry = (Dictionary<string, object?>)((Dictionary<long, object?>)sd["state"]!)[1]!;
        entry["exp_avg_sq"] = Tensor.Zeros([3]);
        var ex = Assert.Throws<InvalidDataException>(() => adam.LoadStateDict(sd));
        Assert.Contains("state[1].exp_avg_sq", ex.Message);
        Assert.Contains("[5]", ex.Message);
        Assert.Equal(1, adam.StepCount(1));

        var groups = (List<object?>)sd["param_groups"]!;
        groups.Add(groups[0]);
        Assert.Contains("2 parameter groups", Assert.Throws<InvalidDataException>(() => adam.LoadStateDict(sd)).Message);
        DisposeTree(sd);
    }

    [Fact]
    public void LoadAcceptsTorchStyleStepAndStringKeys()
    {
        // A .pth reader may hand back a number for 'step' (torch < 1.12) and string keys.
        using var run = new OptimizerTrajectory();
        using var adam = new Adam(run.Parameters.Take(1), lr: 1e-2);
        var sd = new Dictionary<string, object?>
        {
            ["state"] = new Dictionary<string, object?>
            {
                ["7"] = new Dictionary<string, object?> { ["step"] = 3L, ["exp_avg"] = Tensor.Ones([4, 3], DType.Float64), ["exp_avg_sq"] = Tensor.Ones([4, 3]) },
            },
            ["param_groups"] = new List<object?> { new Dictionary<string, object?> { ["lr"] = 5e-4, ["initial_lr"] = 1e-3, ["betas"] = new object?[] { 0.5, 0.9 }, ["params"] = new List<object?> { 7L } } },
        };
        adam.LoadStateDict(sd);
        DisposeTree(sd);
        Assert.Equal(3, adam.StepCount(0));
        var g = adam.ParamGroups[0];
        Assert.Equal((5e-4, 1e-3, 0.5, 0.9), (g.Lr, g.InitialLr!.Value, g.Beta1, g.Beta2));
        var loaded = (Tensor)((Dictionary<string, object?>)((Dictionary<long, object?>)adam.StateDict()["state"]!)[0]!)["exp_avg"]!;
        Assert.Equal(DType.Float32, loaded.DType);   // cast to the parameter's dtype, as torch does
    }

    [Fact]
    public void ZeroGradDropsOrZeroesGradients()
    {
        using var run = new OptimizerTrajectory();
        using var sgd = new Sgd(run.Parameters, lr: 0.1);
        run.SetGradients(0);
        sgd.ZeroGrad(setToNone: false);
        Assert.All(run.Parameters[0].Grad!.ToArray<float>(), v => Assert.Equal(0f, v));
        sgd.ZeroGrad();
        Assert.Null(run.Parameters[0].Grad);
        sgd.Step();                                            // no gradients: nothing moves, no state
        Assert.Empty((Dictionary<long, object?>)sgd.StateDict()["state"]!);
    }

    [Fact]
    public void DisposeFreesStateAndForbidsFurtherSteps()
    {
        using var run = new OptimizerTrajectory();
        var adam = new Adam(run.Parameters, lr: 1e-2);
        run.Step(adam, 0);
        adam.Dispose();
        Assert.Throws<ObjectDisposedException>(() => adam.Step());
    }
}
