using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using SrTrain.Torch;
using SrTrain.Torch.Optim;

namespace SrTrain.Engine.Tests.Training;

/// <summary>Optimizer sections bind to torch.optim's keys; Adam and AdamW keep torch's op-by-op update (bit for bit)
/// unless the file says <c>fused: true</c>.</summary>
public class OptimizerSpecsTests
{
    private static AdamGroup GroupOf(Type spec, params (string Key, object? Value)[] section)
    {
        var bound = (IOptimizerSpec)ConstructorBinder.Bind(spec, section.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)), "train.optim_g");
        using var p = Tensor.Zeros([3]).RequiresGrad_();
        using var optimizer = (AdamBase)bound.Create([p]);
        return optimizer.ParamGroups[0];
    }

    [Theory]
    [InlineData(typeof(AdamSpec))]
    [InlineData(typeof(AdamWSpec))]
    public void AdamKeepsTorchsUpdateByDefault(Type spec)
    {
        var group = GroupOf(spec, ("lr", 2e-4), ("betas", new List<object?> { 0.9, 0.99 }));
        Assert.False(group.Fused);
        Assert.Equal(2e-4, group.Lr);
        Assert.Equal(0.99, group.Beta2);
    }

    [Theory]
    [InlineData(typeof(AdamSpec))]
    [InlineData(typeof(AdamWSpec))]
    public void FusedTrueTakesTheFusedUpdate(Type spec) => Assert.True(GroupOf(spec, ("fused", true)).Fused);
}
