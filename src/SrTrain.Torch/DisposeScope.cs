namespace SrTrain.Torch;

/// <summary>Owns every tensor created on this thread while it is the innermost open scope, and
/// disposes them when it is disposed: native memory is invisible to the GC, so a training
/// iteration runs inside one scope and its memory is returned deterministically.
/// Tensors leave a scope with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromDisposeScope"/>; module parameters and buffers never join one.</summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private const int MinCompactAt = 1024;
    private readonly List<Tensor> owned = [];
    private int compactAt = MinCompactAt;
    private bool disposed;

    internal DisposeScope()
    {
        Outer = current;
        current = this;
    }

    /// <summary>The innermost open scope of this thread, if any.</summary>
    public static DisposeScope? Current => current;

    /// <summary>The scope that was current when this one was opened.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>How many tensors this scope still owns.</summary>
    public int OwnedCount => owned.Count(t => t.Scope == this && !t.IsDisposed);

    internal void Add(Tensor t)
    {
        if (disposed) throw new ObjectDisposedException(nameof(DisposeScope), "tensor created in a disposed scope");
        owned.Add(t);
        t.Scope = this;
        // A long-lived scope whose tensors are disposed or moved out early would otherwise keep every
        // Tensor object reachable until it ends; dropping those entries when the list doubles costs O(1) amortised.
        if (owned.Count >= compactAt)
        {
            owned.RemoveAll(x => x.Scope != this);
            compactAt = Math.Max(MinCompactAt, owned.Count * 2);
        }
    }

    /// <summary>Disposes every tensor still owned, then makes the outer scope current again.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in owned)
            if (t.Scope == this) t.Dispose();
        owned.Clear();
        // Scopes close in LIFO order in normal use; tolerate an out-of-order close.
        if (current == this) current = Outer;
    }
}
