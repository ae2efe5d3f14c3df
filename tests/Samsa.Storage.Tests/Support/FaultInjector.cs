using Samsa.Storage.IO;

namespace Samsa.Storage.Tests.Support;

/// <summary>
/// Faults for the storage files: a disk that fills up after a budget of bytes (a write that would pass it writes
/// what fits and fails with ENOSPC), or a device that fails every write or sync with EIO.
/// </summary>
internal sealed class FaultInjector : IStorageFaults
{
    private long _budget = long.MaxValue;

    /// <summary>Bytes that may still be written before the disk is full.</summary>
    public long Budget
    {
        get => Interlocked.Read(ref _budget);
        set => Interlocked.Exchange(ref _budget, value);
    }

    /// <summary>Every write and sync fails with an I/O error (a dying device).</summary>
    public bool DeviceFailed { get; set; }

    /// <summary>Writes succeed but every sync fails with an I/O error.</summary>
    public bool SyncFails { get; set; }

    /// <summary>While set, syncs wait for it: lets a test hold a group commit open.</summary>
    public ManualResetEventSlim? SyncGate { get; set; }

    /// <summary>Only files whose path contains this are faulted (null: all).</summary>
    public string? PathFilter { get; set; }

    public int Syncs;

    public int OnWrite(string path, long position, int length)
    {
        if (PathFilter is not null && !path.Contains(PathFilter, StringComparison.Ordinal)) return length;
        if (DeviceFailed) throw new IOException("Input/output error (injected)", 5);
        long budget = Budget;
        if (budget >= length)
        {
            Budget = budget - length;
            return length;
        }
        Budget = 0;
        return (int)budget;
    }

    public void OnSync(string path)
    {
        Interlocked.Increment(ref Syncs);
        SyncGate?.Wait(TimeSpan.FromSeconds(30));
        if (SyncFails) throw new IOException("Input/output error (injected fsync failure)", 5);
        if (DeviceFailed && (PathFilter is null || path.Contains(PathFilter, StringComparison.Ordinal)))
            throw new IOException("Input/output error (injected)", 5);
    }
}
