using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Samsa.Storage;

/// <summary>
/// Every partition log of this broker, over the directories of <c>log.dirs</c>: opens them all at start-up (in
/// parallel), creates and deletes logs, reports sizes, runs retention and flushes for a background service, and
/// writes the checkpoints and clean-shutdown markers on close.
/// </summary>
/// <remarks>
/// <para>Thread-safe: lookups are lock-free; creation and deletion serialize on a lock of their own. Each log keeps
/// its own threading contract (<see cref="PartitionLog"/>).</para>
/// <para>Failure: a directory that fails with an I/O error, at start-up or later, goes offline and its partitions
/// report storage errors while the process and the other directories go on. A directory of another cluster or node
/// stops start-up with a <see cref="LogDirectoryException"/> naming both ids.</para>
/// </remarks>
public sealed class LogManager : IDisposable
{
    private readonly ConcurrentDictionary<TopicPartition, PartitionLog> _logs = new();
    private readonly Lock _createLock = new();
    private readonly LogDirectory[] _directories;
    private readonly LogManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private bool _closed;

    private LogManager(LogDirectory[] directories, LogManagerOptions options, TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        _directories = directories;
        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Samsa.Storage.LogManager");
        foreach (LogDirectory directory in directories)
            directory.WentOffline += OnLogDirectoryOffline;
    }

    public IReadOnlyList<LogDirectory> LogDirectories => _directories;

    /// <summary>
    /// Raised once per directory when an I/O error takes it offline after start-up, so the broker can stop leading
    /// its partitions (and tell the controller) without polling.
    /// </summary>
    /// <remarks>
    /// Runs on the thread that met the error, possibly under a partition's lock: return quickly and do not call
    /// into the logs from the handler. Directories that were offline before <see cref="Open"/> returned raise
    /// nothing: find them with <see cref="LogDirectory.IsOffline"/> in <see cref="LogDirectories"/>.
    /// </remarks>
    public event EventHandler<LogDirectoryOfflineEventArgs>? LogDirectoryOffline;

    private void OnLogDirectoryOffline(object? sender, LogDirectoryOfflineEventArgs args) =>
        LogDirectoryOffline?.Invoke(this, args);

    /// <summary>The open logs (a live view).</summary>
    public ICollection<PartitionLog> Logs => _logs.Values;

    /// <summary>
    /// Opens every log directory and every partition log in them. Directories are created if missing and stamped
    /// with <c>meta.properties</c>.
    /// </summary>
    /// <param name="options">Directories, cluster and node ids.</param>
    /// <param name="optionsForTopic">The log options of a topic (its configs over the defaults); null uses
    /// <see cref="LogManagerOptions.DefaultLogOptions"/> everywhere.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where logs go; none when null.</param>
    /// <exception cref="LogDirectoryException">A directory belongs to another cluster or node, a partition is in two
    /// directories, or every directory is offline.</exception>
    public static LogManager Open(LogManagerOptions options, Func<string, LogOptions>? optionsForTopic = null,
        TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LogDirs.Count == 0) throw new ArgumentException("log.dirs names no directory", nameof(options));
        loggerFactory ??= NullLoggerFactory.Instance;
        ILogger directoryLogger = loggerFactory.CreateLogger("Samsa.Storage.LogDirectory");
        var directories = new LogDirectory[options.LogDirs.Count];
        for (int i = 0; i < directories.Length; i++)
            directories[i] = OpenDirectory(options.LogDirs[i], options, directoryLogger);
        var manager = new LogManager(directories, options, time ?? TimeProvider.System, loggerFactory);
        manager.LoadLogs(optionsForTopic);
        return manager;
    }

    private static LogDirectory OpenDirectory(string path, LogManagerOptions options, ILogger logger)
    {
        LogDirectory directory;
        try
        {
            directory = LogDirectory.Open(path, logger);
            MetaProperties? meta;
            try
            {
                meta = MetaProperties.Read(directory.Path);
            }
            catch (InvalidDataException e)
            {
                throw new LogDirectoryException($"log dir {directory.Path}: {e.Message}; fix or remove the file", e);
            }
            if (meta is null)
            {
                meta = new MetaProperties(options.ClusterId, options.NodeId,
                    DirectoryId: MetaProperties.NewDirectoryId());
                meta.Write(directory.Path);
            }
            else if (meta.ClusterId != options.ClusterId)
            {
                throw new LogDirectoryException(
                    $"log dir {directory.Path} belongs to cluster {meta.ClusterId}, not to this node's cluster " +
                    $"{options.ClusterId}; wipe it (rm -rf {directory.Path}) if its data is no longer wanted");
            }
            else if (meta.NodeId != options.NodeId)
            {
                throw new LogDirectoryException(
                    $"log dir {directory.Path} belongs to node {meta.NodeId} of cluster {meta.ClusterId}, not to " +
                    $"node.id={options.NodeId}; give this node its own log.dirs or wipe it (rm -rf {directory.Path})");
            }
            else if (meta.DirectoryId == Guid.Empty)
            {
                meta = meta with { DirectoryId = MetaProperties.NewDirectoryId() };
                meta.Write(directory.Path);
            }
            directory.Id = meta.DirectoryId;
        }
        catch (IOException e)
        {
            directory = LogDirectory.CreateOffline(path, logger);
            directory.MarkOffline("opening the directory", e);
        }
        catch (UnauthorizedAccessException e)
        {
            directory = LogDirectory.CreateOffline(path, logger);
            directory.MarkOffline("opening the directory", e);
        }
        return directory;
    }

    private void LoadLogs(Func<string, LogOptions>? optionsForTopic)
    {
        List<(LogDirectory Directory, TopicPartition TopicPartition)> work = FindPartitions();
        OpenLogs(work, optionsForTopic);

        bool anyOnline = false;
        foreach (LogDirectory directory in _directories)
            anyOnline |= !directory.IsOffline;
        if (!anyOnline)
        {
            CloseLogs(clean: false);
            throw new LogDirectoryException(
                $"every log dir is offline ({string.Join(", ", _options.LogDirs)}); see the errors above");
        }
    }

    /// <summary>The partitions of every online log dir, after removing leftovers of deleted ones; a dir that cannot
    /// be listed goes offline, and a partition found in two dirs stops start-up.</summary>
    private List<(LogDirectory Directory, TopicPartition TopicPartition)> FindPartitions()
    {
        var work = new List<(LogDirectory Directory, TopicPartition TopicPartition)>();
        var owners = new Dictionary<TopicPartition, LogDirectory>();
        foreach (LogDirectory directory in _directories)
        {
            if (directory.IsOffline) continue;
            try
            {
                DeleteLeftoverDeletions(directory);
                foreach (TopicPartition tp in directory.FindPartitions())
                {
                    if (owners.TryGetValue(tp, out LogDirectory? other))
                    {
                        throw new LogDirectoryException(
                            $"partition {tp} is in two log dirs, {other.Path} and {directory.Path}; remove one copy");
                    }
                    owners.Add(tp, directory);
                    work.Add((directory, tp));
                }
            }
            catch (IOException e)
            {
                directory.MarkOffline("listing partitions", e);
            }
        }
        return work;
    }

    /// <summary>Opens (recovering as needed) the partition logs in parallel, recovery.threads.per.data.dir per dir;
    /// an I/O error takes the log's dir offline. Logs how many each dir loaded.</summary>
    private void OpenLogs(List<(LogDirectory Directory, TopicPartition TopicPartition)> work,
        Func<string, LogOptions>? optionsForTopic)
    {
        var stopwatch = Stopwatch.StartNew();
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, _options.RecoveryThreadsPerDataDir * _directories.Length),
        };
        Parallel.ForEach(work, parallel, item =>
        {
            if (item.Directory.IsOffline) return;
            LogOptions logOptions = optionsForTopic?.Invoke(item.TopicPartition.Topic) ?? _options.DefaultLogOptions;
            try
            {
                PartitionLog log = PartitionLog.Open(item.Directory, item.TopicPartition, logOptions, _time,
                    _loggerFactory.CreateLogger("Samsa.Storage.PartitionLog"));
                _logs[item.TopicPartition] = log;
            }
            catch (IOException e)
            {
                item.Directory.MarkOffline($"loading {item.TopicPartition}", e);
            }
        });
        foreach (LogDirectory directory in _directories)
        {
            int count = 0;
            foreach (PartitionLog log in _logs.Values)
            {
                if (log.Directory == directory) count++;
            }
            _logger.LoadedLogs(count, directory.Path, stopwatch.ElapsedMilliseconds, directory.HadCleanShutdown);
        }
    }

    private static void DeleteLeftoverDeletions(LogDirectory directory)
    {
        foreach (string path in Directory.EnumerateDirectories(directory.Path, "*-delete"))
            Directory.Delete(path, recursive: true);
    }

    public bool TryGetLog(TopicPartition topicPartition, [MaybeNullWhen(false)] out PartitionLog log) =>
        _logs.TryGetValue(topicPartition, out log);

    /// <summary>
    /// The partition's log, created in the online directory with the fewest partitions if it does not exist.
    /// </summary>
    /// <returns><see cref="LogStatus.StorageError"/> when no directory is online or creation fails.</returns>
    public LogStatus GetOrCreateLog(TopicPartition topicPartition, LogOptions options, out PartitionLog? log)
    {
        if (_logs.TryGetValue(topicPartition, out log)) return LogStatus.Ok;
        lock (_createLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_logs.TryGetValue(topicPartition, out log)) return LogStatus.Ok;
            LogDirectory? target = LeastLoadedDirectory();
            if (target is null) return LogStatus.StorageError;
            try
            {
                log = PartitionLog.Open(target, topicPartition, options, _time,
                    _loggerFactory.CreateLogger("Samsa.Storage.PartitionLog"));
            }
            catch (IOException e)
            {
                target.MarkOffline($"creating {topicPartition}", e);
                log = null;
                return LogStatus.StorageError;
            }
            _logs[topicPartition] = log;
            _logger.CreatedLog(topicPartition.Topic, topicPartition.Partition, target.Path);
            return LogStatus.Ok;
        }
    }

    private LogDirectory? LeastLoadedDirectory()
    {
        LogDirectory? best = null;
        int bestCount = int.MaxValue;
        foreach (LogDirectory directory in _directories)
        {
            if (directory.IsOffline) continue;
            int count = 0;
            foreach (PartitionLog log in _logs.Values)
            {
                if (log.Directory == directory) count++;
            }
            if (count < bestCount)
            {
                best = directory;
                bestCount = count;
            }
        }
        return best;
    }

    /// <summary>
    /// Deletes the partition's log: closes it, renames its directory to <c>name.id-delete</c> (so a crash midway
    /// finishes the job at the next start) and removes it. Reads in flight keep their bytes.
    /// </summary>
    /// <returns>False when there was no such log.</returns>
    public bool DeleteLog(TopicPartition topicPartition)
    {
        lock (_createLock)
        {
            if (!_logs.TryRemove(topicPartition, out PartitionLog? log)) return false;
            log.Abandon();
            log.Directory.Forget(topicPartition);
            try
            {
                string deleting = log.Path + "." + Guid.NewGuid().ToString("N") + "-delete";
                Directory.Move(log.Path, deleting);
                Directory.Delete(deleting, recursive: true);
            }
            catch (IOException e)
            {
                log.Directory.MarkOffline($"deleting {topicPartition}", e);
            }
            _logger.DeletedLog(topicPartition.Topic, topicPartition.Partition, log.Directory.Path);
            return true;
        }
    }

    /// <summary>Each directory with its partitions' sizes and offsets.</summary>
    public IReadOnlyList<LogDirectoryDescription> DescribeLogDirs()
    {
        var descriptions = new List<LogDirectoryDescription>(_directories.Length);
        foreach (LogDirectory directory in _directories)
        {
            var partitions = new List<PartitionLogSize>();
            foreach (PartitionLog log in _logs.Values)
            {
                if (log.Directory != directory) continue;
                partitions.Add(new PartitionLogSize(log.TopicPartition, log.Size, log.LogStartOffset,
                    log.LogEndOffset));
            }
            descriptions.Add(new LogDirectoryDescription(directory.Path, directory.IsOffline, partitions));
        }
        return descriptions;
    }

    /// <summary>Retention for every log (a background service calls this); returns the segments deleted.</summary>
    public int DeleteOldSegments()
    {
        int deleted = 0;
        foreach (PartitionLog log in _logs.Values)
            deleted += log.DeleteOldSegments();
        return deleted;
    }

    /// <summary>
    /// Flushes rolled segments of every log and writes each directory's checkpoints (a background service calls
    /// this), so a crash rescans little.
    /// </summary>
    public void FlushAndCheckpoint()
    {
        foreach (PartitionLog log in _logs.Values)
        {
            if (!log.IsOffline) log.Flush();
        }
        foreach (LogDirectory directory in _directories)
            directory.WriteCheckpoints();
    }

    /// <summary>
    /// The broker epoch the node had when it last stopped cleanly (KIP-966's previous broker epoch, which a broker
    /// sends when it registers): the one every directory's clean-shutdown marker holds; -1 when any directory
    /// was not shut down cleanly, or they disagree.
    /// </summary>
    public long PreviousBrokerEpoch
    {
        get
        {
            long epoch = _directories.Length == 0 ? -1 : _directories[0].PreviousBrokerEpoch;
            foreach (LogDirectory directory in _directories)
            {
                if (!directory.HadCleanShutdown || directory.PreviousBrokerEpoch != epoch) return -1;
            }
            return epoch;
        }
    }

    /// <summary>
    /// Shuts down cleanly: closes every log (syncing it), then writes each online directory's checkpoints and
    /// clean-shutdown marker.
    /// </summary>
    public void Close() => Close(-1);

    /// <summary>As <see cref="Close()"/>, recording <paramref name="brokerEpoch"/> in the clean-shutdown markers for
    /// the next start's registration.</summary>
    public void Close(long brokerEpoch)
    {
        lock (_createLock)
        {
            if (_closed) return;
            _closed = true;
        }
        CloseLogs(clean: true);
        foreach (LogDirectory directory in _directories)
        {
            if (!directory.IsOffline) directory.MarkCleanShutdown(brokerEpoch);
        }
    }

    private void CloseLogs(bool clean)
    {
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, _options.RecoveryThreadsPerDataDir * _directories.Length),
        };
        Parallel.ForEach(_logs.Values, parallel, log =>
        {
            if (clean) log.Close();
            else log.Abandon();
        });
    }

    public void Dispose() => Close();
}
