using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern int srt_autograd_grad(nint* outputs, int nOutputs, nint* gradOutputs, nint* inputs, int nInputs,
                                                                 int retainGraph, int createGraph, int allowUnused, nint* results);
}
