using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests.Nn;

/// <summary>The C# twin of <c>Net</c> in tests/fixtures/make_nn.py: nested Sequential, ModuleList,
/// BatchNorm2d, PReLU and ConvTranspose2d, registered in the same order as the Python attributes.</summary>
internal sealed class NnTestNet : Module
{
    private readonly Conv2d head;
    private readonly Sequential body;
    private readonly ModuleList branches;
    private readonly Sequential up;
    private readonly Linear fc;

    public NnTestNet()
    {
        head = Register("head", new Conv2d(3, 4, 3, padding: 1));
        body = Register("body", new Sequential(new Block(4), new Sequential(new Conv2d(4, 4, 1), new LeakyReLU(0.2)), new Block(4)));
        branches = Register("branches", new ModuleList(new Conv2d(4, 4, 3, padding: 1, bias: false), new Identity(),
                                                       new ConvTranspose2d(4, 2, 4, stride: 2, padding: 1)));
        up = Register("up", new Sequential(new Conv2d(2, 8, 3, padding: 1), new PixelShuffle(2), new ReLU()));
        fc = Register("fc", new Linear(2, 5));
    }

    public override Tensor Forward(Tensor x)
    {
        x = body.Forward(head.Forward(x));
        x = branches[0].Forward(x) + branches[1].Forward(x);
        x = up.Forward(branches[2].Forward(x));
        return fc.Forward(x.Mean([2, 3]));
    }

    /// <summary>conv -> bn -> prelu (Python: Block).</summary>
    internal sealed class Block : Module
    {
        private readonly Conv2d conv;
        private readonly BatchNorm2d bn;
        private readonly PReLU act;

        public Block(long ch)
        {
            conv = Register("conv", new Conv2d(ch, ch, 3, padding: 1));
            bn = Register("bn", new BatchNorm2d(ch));
            act = Register("act", new PReLU(ch));
        }

        public override Tensor Forward(Tensor x) => act.Forward(bn.Forward(conv.Forward(x)));
    }
}
