using System.Runtime.CompilerServices;
using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests;

/// <summary>Gradient checkpointing (<see cref="Checkpoint"/>): the checkpointed block's output, input gradient and
/// parameter gradients equal the plain forward's bit for bit; random ops in the block draw the same numbers again
/// in the recomputation and leave the caller's generator where the plain run leaves it; no graph without grad mode;
/// errors keep their type and message; the managed block is released with the graph.</summary>
[Collection(TensorSeedCollection.Name)]
public sealed class CheckpointTests
{
    /// <summary>conv - LeakyReLU - (dropout) - conv with a skip: the input is used twice, as in the archs' residual blocks.</summary>
    private sealed class Block : Module
    {
        private readonly Conv2d conv1;
        private readonly Conv2d conv2;
        private readonly double dropout;

        public Block(int ch, double dropout = 0)
        {
            conv1 = Register("conv1", new Conv2d(ch, ch, 3, padding: 1));
            conv2 = Register("conv2", new Conv2d(ch, ch, 3, padding: 1));
            this.dropout = dropout;
        }

        public int Calls { get; private set; }

        public override Tensor Forward(Tensor x)
        {
            Calls++;
            using var scope = LibTorch.NewDisposeScope();
            var h = F.LeakyRelu(conv1.Forward(x), 0.2);
            if (dropout > 0) h = F.Dropout(h, dropout, training: true);
            return (conv2.Forward(h) * 0.5 + x).MoveToOuterScope();
        }
    }

    private static (Tensor Loss, Tensor InputGrad, Tensor[] ParamGrads) Run(Sequential net, Tensor input, bool checkpoint)
    {
        net.ZeroGrad();
        var x = input.Clone().RequiresGrad_();
        var y = checkpoint ? Checkpoint.Sequential(net, x) : net.Forward(x);
        var loss = (y * y).Mean();
        loss.Backward();
        return (loss.Detach(), x.Grad!, net.Parameters().Select(p => p.Grad!).ToArray());
    }

    [Fact]
    public void GradientsEqualThePlainForwardBitForBit()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(3);
        using var net = new Sequential(new Block(4), new Block(4), new Block(4));
        var input = Tensor.Randn([2, 4, 9, 7]);
        var plain = Run(net, input, checkpoint: false);
        var ckpt = Run(net, input, checkpoint: true);
        TensorAssert.Equal(plain.Loss, ckpt.Loss, "loss");
        TensorAssert.Equal(plain.InputGrad, ckpt.InputGrad, "input gradient");
        for (int i = 0; i < plain.ParamGrads.Length; i++) TensorAssert.Equal(plain.ParamGrads[i], ckpt.ParamGrads[i], $"parameter {i} gradient");
    }

    [Fact]
    public void EachBlockRunsTwiceAndKeepsOnlyItsInput()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(4);
        var block = new Block(3);
        using var net = new Sequential(block);
        var x = Tensor.Randn([1, 3, 5, 5]).RequiresGrad_();
        var y = Checkpoint.Sequential(net, x);
        Assert.Equal(1, block.Calls);
        Assert.True(y.RequiresGrad);
        y.Sum().Backward();
        Assert.Equal(2, block.Calls);
    }

    [Fact]
    public void RandomOpsDrawTheSameNumbersInTheRecomputation()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(5);
        using var net = new Sequential(new Block(4, dropout: 0.5), new Block(4, dropout: 0.5));
        var input = Tensor.Randn([2, 4, 6, 6]);
        LibTorch.ManualSeed(11);
        var plain = Run(net, input, checkpoint: false);
        var after = Tensor.Rand([4]);
        LibTorch.ManualSeed(11);
        var ckpt = Run(net, input, checkpoint: true);
        var afterCkpt = Tensor.Rand([4]);
        TensorAssert.Equal(plain.Loss, ckpt.Loss, "loss");
        TensorAssert.Equal(plain.InputGrad, ckpt.InputGrad, "input gradient");
        for (int i = 0; i < plain.ParamGrads.Length; i++) TensorAssert.Equal(plain.ParamGrads[i], ckpt.ParamGrads[i], $"parameter {i} gradient");
        TensorAssert.Equal(after, afterCkpt, "the generator after the step");
    }

    [Fact]
    public void ParametersGetGradientsWhenTheInputNeedsNone()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(6);
        using var net = new Sequential(new Block(2));
        var x = Tensor.Randn([1, 2, 4, 4]);
        Checkpoint.Sequential(net, x).Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void WithoutGradModeItIsAPlainForward()
    {
        using var scope = LibTorch.NewDisposeScope();
        var block = new Block(2);
        using var net = new Sequential(block);
        using (LibTorch.NoGrad())
        {
            var y = Checkpoint.Sequential(net, Tensor.Randn([1, 2, 4, 4]));
            Assert.False(y.RequiresGrad);
        }
        Assert.Equal(1, block.Calls);
    }

    [Fact]
    public void ForwardErrorsKeepTheirTypeAndBackwardErrorsTheirMessage()
    {
        using var scope = LibTorch.NewDisposeScope();
        var w = Tensor.Ones([3]).RequiresGrad_();
        var x = Tensor.Ones([3]).RequiresGrad_();
        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Run(_ => throw new ArgumentException("bad block"), x, [w]));
        Assert.Equal("bad block", e.Message);

        int calls = 0;
        var y = Checkpoint.Run(t => ++calls == 1 ? t * w : throw new InvalidOperationException("second run fails"), x, [w]);
        var te = Assert.Throws<TorchException>(() => y.Sum().Backward());
        Assert.Contains("second run fails", te.Message);
    }

    [Fact]
    public void TheBlockIsReleasedWithItsGraph()
    {
        var marker = ForwardAndDrop();
        for (int i = 0; i < 5 && marker.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(marker.IsAlive, "the checkpointed closure is still referenced after its graph was freed");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ForwardAndDrop()
    {
        var captured = new object();
        using var scope = LibTorch.NewDisposeScope();
        var w = Tensor.Ones([2]).RequiresGrad_();
        var x = Tensor.Ones([2]);
        _ = Checkpoint.Run(t => { GC.KeepAlive(captured); return t * w; }, x, [w]);
        return new WeakReference(captured);
    }
}
