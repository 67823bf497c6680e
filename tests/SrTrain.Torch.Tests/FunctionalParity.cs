namespace SrTrain.Torch.Tests;

/// <summary>Replays one op case of tests/fixtures/ops/ (written by tests/fixtures/make_ops.py):
/// runs the op on the stored inputs, compares the output, back-propagates the stored upstream
/// gradient and compares the gradient of every differentiable input.</summary>
internal static class FunctionalParity
{
    /// <summary>Checks forward and backward of <paramref name="op"/> against ops/<paramref name="name"/>.json.
    /// The op reads its inputs by fixture name (x, w, b, t, ...).</summary>
    public static void Check(string name, Func<Func<string, Tensor>, Tensor> op, Tolerance? tolerance = null)
    {
        using var fixture = TensorFixture.Load($"ops/{name}.json");
        using var scope = LibTorch.NewDisposeScope();
        var diff = fixture.Text("diff").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var leaves = new Dictionary<string, Tensor>();
        Tensor Input(string key)
        {
            if (!leaves.TryGetValue(key, out var leaf))
                leaves[key] = leaf = fixture[key].Clone().RequiresGrad_(diff.Contains(key));
            return leaf;
        }

        var y = op(Input);
        TensorAssert.Close(fixture["y"], y, tolerance, what: $"{name}: output");
        if (diff.Length == 0) return;
        y.Backward(fixture["gy"]);
        foreach (var key in diff)
        {
            var grad = Input(key).Grad;
            Assert.True(grad is not null, $"{name}: no gradient reached input '{key}'");
            TensorAssert.Close(fixture["g_" + key], grad!, tolerance, what: $"{name}: gradient of {key}");
        }
    }
}
