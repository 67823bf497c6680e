using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

/// <summary>Owns one native at::Tensor*. Being a SafeHandle, the runtime keeps it alive for the
/// duration of every P/Invoke call it is passed to, so a tensor can never be freed mid-call.</summary>
internal sealed class TensorHandle : SafeHandle
{
    /// <summary>Passed where an optional tensor argument is absent (native side sees null).</summary>
    internal static readonly TensorHandle Null = new(0, ownsHandle: false);

    internal TensorHandle(nint handle, bool ownsHandle = true) : base(0, ownsHandle) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Native.srt_tensor_free(handle);
        return true;
    }
}
