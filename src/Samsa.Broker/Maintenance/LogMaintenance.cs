using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Maintenance;

/// <summary>
/// The broker's background work on its logs and replicas: retention every <c>log.retention.check.interval.ms</c>,
/// flushes and checkpoints every <c>log.flush.offset.checkpoint.interval.ms</c>, high watermarks every
/// <c>replica.high.watermark.checkpoint.interval.ms</c>, the ISR check every half <c>replica.lag.time.max.ms</c>, and
/// the log cleaner for compacted topics.
/// </summary>
/// <remarks>
/// Each job is one task waiting on a timer of the broker's <see cref="TimeProvider"/>, so an idle broker wakes only
/// at those intervals. The cleaner never cleans past a partition's high watermark (records above it may still be
/// truncated by a leader change) and leaves alone logs this broker no longer holds a replica of.
/// <see cref="StopAsync"/> cancels the jobs and waits for a running pass to finish, before the logs close.
/// </remarks>
internal sealed partial class LogMaintenance : IAsyncDisposable
{
    private readonly LogManager _logs;
    private readonly ReplicaManager _replicas;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogCleaner? _cleaner;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _jobs;

    public LogMaintenance(LogManager logs, ReplicaManager replicas, BrokerOptions options, TimeProvider time,
        ILoggerFactory loggers)
    {
        _logs = logs;
        _replicas = replicas;
        _time = time;
        _logger = loggers.CreateLogger("Samsa.Broker.LogMaintenance");
        if (options.LogCleaner is { } cleanerOptions)
            _cleaner = new LogCleaner(cleanerOptions, time, loggers.CreateLogger("Samsa.Storage.LogCleaner"));
        List<Task> jobs =
        [
            RunPeriodicallyAsync(options.LogRetentionCheckInterval, "retention", DeleteOldSegments),
            RunPeriodicallyAsync(options.LogCheckpointInterval, "checkpoint", logs.FlushAndCheckpoint),
            RunPeriodicallyAsync(options.HighWatermarkCheckpointInterval, "high-watermark checkpoint",
                replicas.CheckpointHighWatermarks),
            RunPeriodicallyAsync(options.ReplicaLagTimeMax / 2, "ISR check",
                () => replicas.ShrinkIsrs(options.ReplicaLagTimeMax)),
        ];
        if (_cleaner is not null)
            jobs.Add(Task.Factory.StartNew(() => _cleaner.RunAsync(logs, HighWatermarkOf, _stopping.Token),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
        _jobs = [.. jobs];
    }

    private void DeleteOldSegments()
    {
        int deleted = _logs.DeleteOldSegments();
        if (deleted > 0) Log.SegmentsDeleted(_logger, deleted);
    }

    // The cleaner's upper bound for a log: its partition's high watermark; zero (clean nothing) for a log whose
    // replica this broker no longer holds.
    private long HighWatermarkOf(PartitionLog log) =>
        _replicas.TryGetPartition(log.TopicPartition, out Partition? partition) && partition is not null
            && ReferenceEquals(partition.Log, log)
            ? partition.HighWatermark
            : 0;

    private async Task RunPeriodicallyAsync(TimeSpan interval, string job, Action work)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    work();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
                {
                    // A failing directory goes offline through the storage layer's own handling; the job goes on
                    // with the others at the next tick.
                    Log.JobFailed(_logger, job, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops the jobs and waits for a cleaning pass in progress to end.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_jobs).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _cleaner?.Dispose();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(4230, LogLevel.Information, "Retention deleted {Segments} log segments")]
        public static partial void SegmentsDeleted(ILogger logger, int segments);

        [LoggerMessage(4231, LogLevel.Warning, "The {Job} job failed; it runs again at its next interval")]
        public static partial void JobFailed(ILogger logger, string job, Exception exception);
    }
}
