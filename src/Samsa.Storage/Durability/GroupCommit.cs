using System.Threading.Tasks.Sources;

namespace Samsa.Storage.Durability;

/// <summary>
/// fsync mode's group commit for one partition: appends queue a waiter, and one sync at a time runs on the thread
/// pool, covering every byte written before it started. Appends that arrive while a sync runs share the next one,
/// so under load a partition pays one fdatasync per burst, not per batch.
/// </summary>
/// <remarks>
/// The log's writer enqueues under its own lock (so waiters are in offset order); the sync loop takes only the
/// small gate lock, never the writer's, so appends go on while the disk flushes. Only after the sync does the loop
/// publish the bytes to readers and complete the waiters; their continuations run on the thread pool, not on the
/// sync loop. A failed sync fails every waiter with <see cref="AppendStatus.StorageError"/> and the log directory
/// goes offline: after a failed fdatasync the page cache may have dropped the data, and retrying could falsely
/// succeed. Truncation bumps a generation so that a sync which started before it does not publish stale
/// positions. Waiters are pooled: a steady stream of appends allocates nothing.
/// </remarks>
internal sealed class GroupCommit : IThreadPoolWorkItem
{
    private readonly PartitionLog _log;
    private readonly Lock _gate = new();
    private readonly Queue<Waiter> _waiters = new();
    private readonly Stack<Waiter> _pool = new();
    private LogSegment? _segment;
    private int _targetSize;
    private long _targetOffset;
    private long _syncedOffset;
    private int _generation;
    private bool _running;
    private bool _failed;
    private long _syncCount;

    public GroupCommit(PartitionLog log) => _log = log;

    /// <summary>fdatasyncs run by this partition's group commit (roll and truncation syncs not included).</summary>
    public long SyncCount => Interlocked.Read(ref _syncCount);

    /// <summary>
    /// Queues <paramref name="result"/> until a sync covers <paramref name="size"/> bytes of
    /// <paramref name="segment"/>, ending at <paramref name="nextOffset"/>. Called under the writer's lock.
    /// </summary>
    public ValueTask<AppendResult> Enqueue(LogSegment segment, int size, long nextOffset, in AppendResult result)
    {
        lock (_gate)
        {
            if (_failed) return new ValueTask<AppendResult>(AppendResult.Failed(AppendStatus.StorageError));
            Waiter waiter = _pool.Count > 0 ? _pool.Pop() : new Waiter(this);
            waiter.Prepare(nextOffset, result);
            _waiters.Enqueue(waiter);
            _segment = segment;
            _targetSize = size;
            _targetOffset = nextOffset;
            if (!_running)
            {
                _running = true;
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
            return new ValueTask<AppendResult>(waiter, waiter.Version);
        }
    }

    /// <summary>
    /// The writer synced <paramref name="segment"/> itself up to <paramref name="size"/> bytes (on roll, truncation
    /// or close): publish and complete the waiters it covers. Called under the writer's lock.
    /// </summary>
    public void MarkDurable(LogSegment segment, int size, long nextOffset)
    {
        lock (_gate)
            PublishLocked(segment, size, nextOffset);
    }

    /// <summary>Truncation begins: a sync already running must not publish what it captured.</summary>
    public void BeginTruncation()
    {
        lock (_gate)
            _generation++;
    }

    /// <summary>Truncation synced the log, which now ends at <paramref name="nextOffset"/>.</summary>
    public void EndTruncation(long nextOffset)
    {
        lock (_gate)
        {
            _syncedOffset = nextOffset;
            _targetOffset = nextOffset;
        }
    }

    /// <summary>The directory went offline: fail every waiter now and every later append.</summary>
    public void Fail()
    {
        lock (_gate)
        {
            _failed = true;
            while (_waiters.TryDequeue(out Waiter? waiter))
                waiter.Complete(AppendStatus.StorageError);
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            LogSegment segment;
            int size;
            long offset;
            int generation;
            lock (_gate)
            {
                if (_failed || _waiters.Count == 0 || _segment is null)
                {
                    _running = false;
                    return;
                }
                segment = _segment;
                size = _targetSize;
                offset = _targetOffset;
                generation = _generation;
            }

            IOException? error = null;
            if (!segment.TryAcquire())
            {
                // Deleted under us: a truncation that completed these waiters itself, or a bug; never spin on it.
                lock (_gate)
                {
                    if (generation == _generation && ReferenceEquals(segment, _segment))
                    {
                        while (_waiters.TryDequeue(out Waiter? waiter))
                            waiter.Complete(AppendStatus.StorageError);
                    }
                }
                continue;
            }
            try
            {
                segment.SyncLog();
                Interlocked.Increment(ref _syncCount);
            }
            catch (IOException e)
            {
                error = e;
            }
            finally
            {
                segment.Release();
            }

            if (error is not null)
            {
                _log.OnSyncFailed(error);
                continue;
            }
            lock (_gate)
            {
                if (generation == _generation) PublishLocked(segment, size, offset);
            }
        }
    }

    private void PublishLocked(LogSegment segment, int size, long nextOffset)
    {
        if (nextOffset > _syncedOffset) _syncedOffset = nextOffset;
        _log.PublishDurable(segment, size, nextOffset);
        while (_waiters.TryPeek(out Waiter? waiter) && waiter.NextOffset <= _syncedOffset)
        {
            _waiters.Dequeue();
            waiter.Complete(AppendStatus.Ok);
        }
    }

    private void Return(Waiter waiter)
    {
        lock (_gate)
            _pool.Push(waiter);
    }

    /// <summary>One append waiting for its sync; reused once its result has been read.</summary>
    private sealed class Waiter(GroupCommit owner) : IValueTaskSource<AppendResult>
    {
        private ManualResetValueTaskSourceCore<AppendResult> _core = new() { RunContinuationsAsynchronously = true };
        private AppendResult _result;

        public long NextOffset { get; private set; }

        public short Version => _core.Version;

        public void Prepare(long nextOffset, in AppendResult result)
        {
            NextOffset = nextOffset;
            _result = result;
        }

        public void Complete(AppendStatus status) =>
            _core.SetResult(status == AppendStatus.Ok ? _result : AppendResult.Failed(status));

        public AppendResult GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                owner.Return(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token,
            ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
    }
}
