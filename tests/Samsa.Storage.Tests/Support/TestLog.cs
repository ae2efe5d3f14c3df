using Microsoft.Extensions.Time.Testing;

namespace Samsa.Storage.Tests.Support;

/// <summary>
/// A partition log in a temporary log dir with a fake clock, reopened cleanly or as after a crash.
/// </summary>
internal sealed class TestLog : IDisposable
{
    public static readonly TopicPartition Partition = new("events", 0);

    private readonly TempDirectory _root = new();

    public TestLog(LogOptions? options = null, FaultInjector? faults = null, FakeTimeProvider? time = null)
    {
        Options = options ?? LogOptions.Default;
        Faults = faults;
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Directory = LogDirectory.Open(_root.Path, Logger);
        Log = Open();
    }

    public LogOptions Options { get; set; }

    public FaultInjector? Faults { get; }

    public FakeTimeProvider Time { get; }

    public ListLogger Logger { get; } = new();

    public LogDirectory Directory { get; private set; }

    public PartitionLog Log { get; private set; }

    public string PartitionPath => Path.Combine(_root.Path, Partition.DirectoryName);

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public string SegmentFile(long baseOffset, string suffix) =>
        Path.Combine(PartitionPath, baseOffset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) +
            suffix);

    private PartitionLog Open() => PartitionLog.Open(Directory, Partition, Options, Time, Logger, Faults);

    /// <summary>Closes as a broker shutting down does, then opens again (no scan).</summary>
    public void ReopenClean()
    {
        Log.Close();
        Directory.MarkCleanShutdown();
        Directory = LogDirectory.Open(_root.Path, Logger);
        Log = Open();
    }

    /// <summary>Drops the log as a killed process would, lets <paramref name="damage"/> act on the files,
    /// reopens.</summary>
    public void ReopenAfterCrash(Action<TestLog>? damage = null)
    {
        Log.Abandon();
        damage?.Invoke(this);
        Directory = LogDirectory.Open(_root.Path, Logger);
        Log = Open();
    }

    /// <summary>Appends as leader; in replicated mode the result is there at once.</summary>
    public AppendResult Append(byte[] batch, int leaderEpoch = 0)
    {
        ValueTask<AppendResult> pending = Log.AppendAsync(batch, leaderEpoch);
        return pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Every visible batch from the log start offset, read in steps of <paramref name="maxBytes"/>.</summary>
    public List<byte[]> ReadAll(int maxBytes = 1 << 20)
    {
        var batches = new List<byte[]>();
        long offset = Log.LogStartOffset;
        while (offset < Log.LogEndOffset)
        {
            using LogReadResult read = Log.Read(offset, maxBytes);
            Assert.Equal(ReadStatus.Ok, read.Status);
            if (read.IsEmpty) break;
            List<byte[]> found = Batches.Split(read.ToArray());
            batches.AddRange(found);
            offset = Batches.Header(found[^1]).NextOffset;
        }
        return batches;
    }

    public void Dispose()
    {
        Log.Abandon();
        _root.Dispose();
    }
}
