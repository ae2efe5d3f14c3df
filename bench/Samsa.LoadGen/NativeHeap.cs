using System.Runtime.InteropServices;

namespace Samsa.LoadGen;

// librdkafka builds each 1 MiB produce request in buffers from glibc's malloc, which by default maps blocks that large
// afresh and unmaps them when freed, and gives the top of its heap back to the kernel once 128 KiB is free there.
// Unthrottled, a producer then spends a fifth of its time in page faults on memory it had a moment ago. Keeping large
// blocks on the heap and the heap's top in place makes the generator, not the broker, pay less for the same bytes.
internal static partial class NativeHeap
{
    private const int TrimThreshold = -1;   // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3;   // M_MMAP_THRESHOLD

    /// <summary>True when glibc took both settings.</summary>
    public static bool KeepLargeBlocks()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(MmapThreshold, 32 << 20) == 1   // glibc's largest allowed
                && Mallopt(TrimThreshold, 1 << 30) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // not glibc (musl): its allocator has neither knob
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
