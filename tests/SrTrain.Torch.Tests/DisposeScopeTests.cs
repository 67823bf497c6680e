using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests;

/// <summary>Dispose scopes free what they own, hand tensors out on request, nest, never touch
/// parameters, and keep a training loop's memory flat.</summary>
public class DisposeScopeTests
{
    [Fact]
    public void TensorsCreatedInAScopeAreDisposedAtItsEnd()
    {
        Tensor a, b, c;
        using (var scope = LibTorch.NewDisposeScope())
        {
            a = Tensor.Ones([3]);
            b = a * 2;
            c = F.Relu(b);
            Assert.Equal(3, scope.OwnedCount);
            Assert.Same(scope, DisposeScope.Current);
        }
        Assert.True(a.IsDisposed && b.IsDisposed && c.IsDisposed);
        var ex = Assert.Throws<ObjectDisposedException>(() => a.Sum());
        Assert.Contains("disposed", ex.Message);
    }

    [Fact]
    public void MoveToOuterScopeHandsTheTensorToTheEnclosingScope()
    {
        Tensor kept, dropped;
        using (var outer = LibTorch.NewDisposeScope())
        {
            using (var inner = LibTorch.NewDisposeScope())
            {
                kept = Tensor.Ones([2]).MoveToOuterScope();
                dropped = Tensor.Ones([2]);
                Assert.Equal(1, inner.OwnedCount);
                Assert.Equal(1, outer.OwnedCount);
            }
            Assert.True(dropped.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal(2.0, kept.Sum().Item());
        }
        Assert.True(kept.IsDisposed);
    }

    [Fact]
    public void MoveToOuterScopeFromTheOutermostScopeLeavesTheCallerOwner()
    {
        Tensor t;
        using (LibTorch.NewDisposeScope()) t = Tensor.Ones([2]).MoveToOuterScope();
        Assert.False(t.IsDisposed);
        t.Dispose();
        Assert.True(t.IsDisposed);
    }

    [Fact]
    public void DetachFromDisposeScopeSurvivesEveryScope()
    {
        Tensor t;
        using (LibTorch.NewDisposeScope())
        using (LibTorch.NewDisposeScope())
            t = Tensor.Ones([2]).DetachFromDisposeScope();
        Assert.False(t.IsDisposed);
        t.Dispose();
    }

    [Fact]
    public void NestedScopesRestoreTheOuterOneAsCurrent()
    {
        Assert.Null(DisposeScope.Current);
        using var outer = LibTorch.NewDisposeScope();
        Tensor inInner;
        using (var inner = LibTorch.NewDisposeScope())
        {
            Assert.Same(outer, inner.Outer);
            inInner = Tensor.Zeros([1]);
        }
        Assert.Same(outer, DisposeScope.Current);
        var afterInner = Tensor.Zeros([1]);
        Assert.True(inInner.IsDisposed);
        Assert.Equal(1, outer.OwnedCount);
        outer.Dispose();
        Assert.True(afterInner.IsDisposed);
        Assert.Null(DisposeScope.Current);
    }

    [Fact]
    public void ExplicitDisposeInsideAScopeIsSafe()
    {
        using var scope = LibTorch.NewDisposeScope();
        var t = Tensor.Ones([2]);
        t.Dispose();
        Assert.Equal(0, scope.OwnedCount);
        scope.Dispose(); // must not free the handle twice
        scope.Dispose();
    }

    [Fact]
    public void ScopesArePerThread()
    {
        using var scope = LibTorch.NewDisposeScope();
        Tensor? other = null;
        var thread = new Thread(() => other = Tensor.Ones([2]));
        thread.Start();
        thread.Join();
        scope.Dispose();
        Assert.False(other!.IsDisposed); // made on another thread with no scope: its creator owns it
        other.Dispose();
    }

    [Fact]
    public void ParametersAndBuffersAreNeverDisposedByScopes()
    {
        Conv2d conv;
        BatchNorm2d bn;
        using (LibTorch.NewDisposeScope())
        {
            conv = new Conv2d(3, 4, 3, padding: 1);
            bn = new BatchNorm2d(4);
            bn.Forward(conv.Forward(Tensor.Randn([2, 3, 5, 5]))).Sum().Backward();
            _ = conv.Weight.Grad;
        }
        using (LibTorch.NewDisposeScope())
        {
            Assert.All(conv.Parameters().Concat(bn.StateDict().Values), t => Assert.False(t.IsDisposed));
            Assert.NotNull(conv.Weight.Grad); // the gradient lives on the parameter, not on the disposed handle
            Assert.Equal(1, bn.NumBatchesTracked!.ItemInt64());
        }
        conv.Dispose();
        bn.Dispose();
        Assert.True(conv.Weight.IsDisposed);
    }
}
