using System.Diagnostics;

namespace Samsa.LoadGen;

// The idle row's baseline from the machine itself: 16 MiB the generator touches as the idle window opens and reads
// again once the window's message has arrived, one byte per 4 KiB page. Nothing touches it in between, so the first
// read shows what memory left alone for the window costs to touch again on this machine (on a VM whose host runs
// other guests meanwhile, caches and translations go cold); the fastest of three reads right after is the same memory
// warm (one read alone sometimes still runs on a machine waking up).
internal sealed class ColdMemory
{
    private const int PageBytes = 4096;
    private readonly byte[] _pages = GC.AllocateArray<byte>(16 << 20, pinned: true);

    public ColdMemory() => Touch();

    /// <summary>Reads one byte of every page; returns the microseconds per page it took.</summary>
    public double Touch()
    {
        long started = Stopwatch.GetTimestamp();
        int sum = 0;
        for (int offset = 0; offset < _pages.Length; offset += PageBytes) sum += Volatile.Read(ref _pages[offset]);
        double microseconds = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        GC.KeepAlive(sum);
        return microseconds / (_pages.Length / PageBytes);
    }
}
