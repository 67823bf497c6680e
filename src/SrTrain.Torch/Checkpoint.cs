using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using SrTrain.Torch.Interop;
using SrTrain.Torch.Nn;

namespace SrTrain.Torch;

/// <summary>Gradient checkpointing (PyTorch: torch.utils.checkpoint.checkpoint): a block runs without recording
/// its activations, only its input is kept, and the backward runs the block again with grad enabled (same CPU
/// generator state, same autocast state) to get its gradients. Trades one extra forward per block for the
/// activation memory of the block. The native side is a custom autograd node (native/src/checkpoint.cpp) that
/// calls back into the managed forward; gradients are those of the plain forward, bit for bit on CPU.</summary>
public static class Checkpoint
{
    private static readonly object registration = new();
    private static bool registered;

    /// <summary>Runs <paramref name="block"/> on <paramref name="input"/> checkpointed; its parameters that require
    /// grad receive their gradients in the backward. Without grad mode (validation) it is a plain forward.</summary>
    public static Tensor Run(Module block, Tensor input) =>
        Run(block.Forward, input, block.Parameters().Where(p => p.RequiresGrad).ToList());

    /// <summary>Runs each child of <paramref name="blocks"/> checkpointed in turn (one saved input per block). The
    /// results belong to the enclosing dispose scope, as <see cref="Sequential.Forward"/>'s.</summary>
    public static Tensor Sequential(Sequential blocks, Tensor input)
    {
        var x = input;
        for (int i = 0; i < blocks.Count; i++) x = Run(blocks[i], x);
        return ReferenceEquals(x, input) ? input.Alias() : x;
    }

    /// <summary>Runs <paramref name="forward"/> checkpointed. <paramref name="parameters"/> are the tensors
    /// (requiring grad) it uses besides its input: their gradients flow through the checkpoint, so they must be
    /// all of them; anything else it reads is treated as a constant.</summary>
    public static unsafe Tensor Run(Func<Tensor, Tensor> forward, Tensor input, IReadOnlyList<Tensor> parameters)
    {
        if (!LibTorch.IsGradEnabled) return forward(input);
        EnsureCallbacks();
        var block = new Block(forward);
        // Freed by the native side (release callback) when the forward fails or the graph holding it goes.
        var handle = GCHandle.ToIntPtr(GCHandle.Alloc(block));
        var raw = Tensor.Raws(parameters);
        int rc;
        nint result;
        fixed (nint* p = raw) rc = Native.srt_checkpoint(handle, input.H, p, raw.Length, out result);
        GC.KeepAlive(parameters);
        if (rc != 0 && block.Error is { } error) ExceptionDispatchInfo.Throw(error);
        return Tensor.Wrap(rc, result);
    }

    private static unsafe void EnsureCallbacks()
    {
        lock (registration)
        {
            if (registered) return;
            Native.srt_checkpoint_set_callbacks(&RunBlock, &ReleaseBlock);
            registered = true;
        }
    }

    [UnmanagedCallersOnly]
    private static int RunBlock(nint handle, nint input, nint output)
    {
        var block = (Block)GCHandle.FromIntPtr(handle).Target!;
        try
        {
            using var scope = LibTorch.NewDisposeScope();
            var x = new Tensor(input);
            using var autocast = block.RestoreAutocast();
            var y = block.Forward(x);
            Native.Check(Native.srt_tensor_assign(output, y.H));
            return 0;
        }
        catch (Exception e)
        {
            // No exception may unwind into native code: keep it for the managed caller, report its message.
            block.Error = e;
            Native.srt_set_error_message($"{e.GetType().Name}: {e.Message}");
            return -1;
        }
    }

    [UnmanagedCallersOnly]
    private static void ReleaseBlock(nint handle) => GCHandle.FromIntPtr(handle).Free();

    /// <summary>One checkpointed call: the forward and the autocast state it ran under, which the recomputation
    /// (possibly outside the autocast region, or on an autograd worker thread) must reproduce.</summary>
    private sealed class Block
    {
        private readonly (int Enabled, int DType)[] autocast = new (int, int)[2];

        public Block(Func<Tensor, Tensor> forward)
        {
            Forward = forward;
            for (int d = 0; d < autocast.Length; d++)
            {
                Native.Check(Native.srt_autocast_get(d, out var enabled, out var dtype));
                autocast[d] = (enabled, dtype);
            }
        }

        public Func<Tensor, Tensor> Forward { get; }

        public Exception? Error { get; set; }

        /// <summary>Scopes that set the forward's autocast state where the current thread's differs (none in the forward itself).</summary>
        public IDisposable RestoreAutocast()
        {
            var scopes = new List<AutocastScope>();
            for (int d = 0; d < autocast.Length; d++)
            {
                Native.Check(Native.srt_autocast_get(d, out var enabled, out var dtype));
                var (wantEnabled, wantDType) = autocast[d];
                if (enabled != wantEnabled || (wantEnabled != 0 && dtype != wantDType))
                    scopes.Add(new AutocastScope((DeviceType)d, (DType)wantDType, wantEnabled != 0));
            }
            return new Scopes(scopes);
        }

        private sealed class Scopes(List<AutocastScope> scopes) : IDisposable
        {
            public void Dispose()
            {
                for (int i = scopes.Count - 1; i >= 0; i--) scopes[i].Dispose();
            }
        }
    }
}
