using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// The C library: its environment (.NET keeps its own copy, which native libraries such as libgomp reading OMP_*
// when libtorch loads it never see) and glibc's malloc, which allocates every CPU tensor's storage.
internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GetEnv(string name);

    // mallopt(3) parameters (malloc.h).
    internal const int M_TRIM_THRESHOLD = -1;
    internal const int M_MMAP_THRESHOLD = -3;

    /// <summary>Sets a malloc parameter; 1 on success, 0 when glibc refuses the value.</summary>
    [LibraryImport("libc", EntryPoint = "mallopt")]
    internal static partial int MallOpt(int param, int value);

    /// <summary>glibc's mallinfo2(3) (2.33 and later): every field is a size_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    internal static partial MallInfo2 MallInfo();
}
