using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Storage.Compaction;

namespace Samsa.Storage;

// Kafka's log cleaner for cleanup.policy=compact (and compact,delete), one pass at a time, off the append path. A
// pass over a log: find the dirty part (from the cleaner checkpoint to the first uncleanable segment: the active one,
// one younger than min.compaction.lag.ms, one holding the high watermark the broker passes or an open transaction);
// map each key of the dirty part to its last offset; rewrite every rolled segment up to there, grouped so the new
// segments stay under segment.bytes, keeping a record only if no later record has its key; swap the new segments in;
// move the checkpoint. Offsets, order, timestamps and producer fields never change; a batch keeps its header and
// loses records. Tombstones and finished transaction markers get a delete horizon the first time a pass keeps them
// (KIP-534: now + delete.retention.ms, in the batch) and go at the first pass after it. What survives a crash: the
// swap protocol of PartitionLog.ReplaceSegments leaves the old segments or the new one, never a mix, and a pass that
// did not finish only costs the work.
/// <summary>
/// Compacts logs whose <c>cleanup.policy</c> includes compact: keeps the latest record of each key, never reorders,
/// keeps offsets, and removes tombstones once <c>delete.retention.ms</c> has passed since a pass first kept them.
/// </summary>
/// <remarks>
/// <para>Threading: <see cref="Clean"/> may be called from any thread; passes of one cleaner run one at a time
/// (they share its key map and buffers), and a log takes one pass at a time. A pass reads rolled segments without
/// blocking appends or reads and takes the log's lock only to swap. Run it off the hot path: call
/// <see cref="Clean"/> per log, or run <see cref="RunAsync"/> as a background loop.</para>
/// <para>Failure: an I/O error takes the log's directory offline (<see cref="CleanStatus.StorageError"/>); a full
/// disk drops the pass's output (<see cref="CleanStatus.DiskFull"/>); a log that changed under the pass keeps what
/// was swapped before the change (<see cref="CleanStatus.Aborted"/>).</para>
/// </remarks>
public sealed partial class LogCleaner : IDisposable
{
    /// <summary>Cleaned batches gather here before each write to the new segment.</summary>
    private const int WriteChunkBytes = 1 << 20;

    private readonly LogCleanerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _passLock = new();
    private readonly OffsetMap _map;
    private readonly CleanerBuffer _output = new(WriteChunkBytes);
    private readonly CleanerBuffer _scratch = new(64 << 10);
    private bool[] _kept = new bool[256];
    private bool _disposed;

    public LogCleaner(LogCleanerOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _options = options ?? LogCleanerOptions.Default;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _map = new OffsetMap(_options.DedupeBufferBytes);
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Runs one pass over <paramref name="log"/> if it needs one: its dirty share is above
    /// <c>min.cleanable.dirty.ratio</c>, a dirty segment is older than <c>max.compaction.lag.ms</c>, or a delete
    /// horizon the last pass set has passed.
    /// </summary>
    /// <param name="log">A log of this broker.</param>
    /// <param name="upperBoundOffset">The cleaner never goes past this offset: the broker passes the high watermark
    /// (or the last stable offset), since records above it may still be truncated away by a leader change and must not
    /// decide what older records are kept.</param>
    /// <param name="force">Run the pass whatever the dirty ratio says (admin tools, tests).</param>
    public CleanResult Clean(PartitionLog log, long upperBoundOffset = long.MaxValue, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!log.Options.IsCompacted) return CleanResult.Of(CleanStatus.NotCompacted);
        lock (_passLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (log.IsOffline) return CleanResult.Of(CleanStatus.StorageError);
            if (!log.TryBeginCleaning()) return CleanResult.Of(CleanStatus.Busy);
            try
            {
                return CleanLocked(log, upperBoundOffset, force);
            }
            catch (ObjectDisposedException)
            {
                // Closed or deleted while the pass ran: nothing to finish.
                return CleanResult.Of(CleanStatus.Aborted);
            }
            finally
            {
                log.EndCleaning();
            }
        }
    }

    /// <summary>
    /// Cleans the log that needs it most (Kafka's filthiest: the largest dirty share among those that need a pass);
    /// returns false when none does.
    /// </summary>
    /// <param name="logs">The candidates, typically <see cref="LogManager.Logs"/>.</param>
    /// <param name="upperBoundOf">Each log's high watermark (see <see cref="Clean"/>); null trusts the log end.</param>
    public bool CleanFilthiestLog(IEnumerable<PartitionLog> logs, Func<PartitionLog, long>? upperBoundOf = null)
    {
        ArgumentNullException.ThrowIfNull(logs);
        long now = Now;
        PartitionLog? filthiest = null;
        double filthiestRatio = -1;
        foreach (PartitionLog log in logs)
        {
            if (!log.Options.IsCompacted || log.IsOffline) continue;
            CleaningRange range;
            LogSegment[] segments;
            try
            {
                segments = log.AcquireSegments(out _);
            }
            catch (ObjectDisposedException)
            {
                continue;
            }
            try
            {
                range = Assess(log, segments, upperBoundOf?.Invoke(log) ?? long.MaxValue, now);
            }
            finally
            {
                Release(segments);
            }
            double ratio = range.IsDue ? 2 : range.DirtyRatio;
            if (range.NeedsCleaning && ratio > filthiestRatio)
            {
                filthiest = log;
                filthiestRatio = ratio;
            }
        }
        if (filthiest is null) return false;
        CleanResult result = Clean(filthiest, upperBoundOf?.Invoke(filthiest) ?? long.MaxValue);
        return result.Status is CleanStatus.Cleaned or CleanStatus.Aborted;
    }

    /// <summary>
    /// The background shape: cleans the filthiest log of <paramref name="manager"/> again and again, sleeping
    /// <c>log.cleaner.backoff.ms</c> whenever none needs it, until <paramref name="cancellationToken"/> fires. A pass
    /// blocks the thread it runs on; host this on a long-running task.
    /// </summary>
    public async Task RunAsync(LogManager manager, Func<PartitionLog, long>? upperBoundOf,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manager);
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = CleanFilthiestLog(manager.Logs, upperBoundOf);
            }
            catch (Exception e)
            {
                // The task's root: a bug in one pass must not stop compaction for good; back off and go on.
                _logger.CleanerPassFailed(e);
                worked = false;
            }
            if (worked) continue;
            try
            {
                await Task.Delay(_options.Backoff, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private CleanResult CleanLocked(PartitionLog log, long upperBoundOffset, bool force)
    {
        long now = Now;
        var stopwatch = Stopwatch.StartNew();
        LogSegment[] segments = log.AcquireSegments(out int truncations);
        try
        {
            CleaningRange range = Assess(log, segments, upperBoundOffset, now);
            if (!force && !range.NeedsCleaning) return CleanResult.Of(CleanStatus.NotNeeded);

            LogScan scan;
            try
            {
                scan = LogScan.Run(segments);
            }
            catch (IOException e)
            {
                return Failed(log, e);
            }
            // Never past the start of a transaction without a marker yet (Kafka's last stable offset).
            long end = range.End;
            if (scan.FirstUnstableOffset < end) end = SegmentBaseAtOrBelow(segments, scan.FirstUnstableOffset);

            var pass = new Pass(log, segments, truncations, now, scan, range.FirstDirtyOffset);
            CleanStatus status;
            try
            {
                status = BuildOffsetMap(pass, end);
            }
            catch (IOException e)
            {
                return Failed(log, e);
            }
            if (status == CleanStatus.Cleaned) status = RewriteSegments(pass);
            if (status != CleanStatus.Cleaned) return CleanResult.Of(status);

            try
            {
                log.Directory.SetCleanerOffset(log.TopicPartition, pass.MapEnd);
            }
            catch (IOException e)
            {
                return Failed(log, e);
            }
            log.NextDeleteHorizon = pass.NextDeleteHorizon;
            if (pass.NullKeys > 0)
                _logger.DroppedNullKeys(pass.NullKeys, log.TopicPartition.Topic, log.TopicPartition.Partition);
            _logger.CleanedLog(log.TopicPartition.Topic, log.TopicPartition.Partition, pass.SegmentsRewritten,
                pass.BytesRead, pass.BytesWritten, pass.RecordsRead - pass.RecordsKept, range.FirstDirtyOffset,
                pass.MapEnd, stopwatch.ElapsedMilliseconds);
            return new CleanResult(CleanStatus.Cleaned, range.FirstDirtyOffset, pass.MapEnd, pass.SegmentsRewritten,
                pass.BytesRead, pass.BytesWritten, pass.RecordsRead, pass.RecordsRead - pass.RecordsKept);
        }
        finally
        {
            Release(segments);
        }
    }

    private static CleanResult Failed(PartitionLog log, IOException error) =>
        CleanResult.Of(log.OnCleanerIOError(error));

    private static void Release(LogSegment[] segments)
    {
        foreach (LogSegment segment in segments)
            segment.Release();
    }

    /// <summary>The base offset of the segment holding <paramref name="offset"/> (the first one's if below).</summary>
    private static long SegmentBaseAtOrBelow(LogSegment[] segments, long offset)
    {
        long found = segments[0].BaseOffset;
        foreach (LogSegment segment in segments)
        {
            if (segment.BaseOffset > offset) break;
            found = segment.BaseOffset;
        }
        return found;
    }

    public void Dispose()
    {
        lock (_passLock)
        {
            _disposed = true;
            _output.Dispose();
            _scratch.Dispose();
        }
    }
}
