using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// The C library's environment: .NET keeps its own copy of the environment, which native libraries
// (libgomp reading OMP_* when libtorch loads it) never see.
internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GetEnv(string name);
}
