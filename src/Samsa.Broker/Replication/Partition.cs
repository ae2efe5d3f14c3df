using Samsa.Broker.Purgatory;

namespace Samsa.Broker.Replication;

/// <summary>
/// One partition this broker holds a replica of: its log, its role from the metadata image, its high watermark, and
/// the operations waiting for it (fetches for data, acks=all produces for replication).
/// </summary>
/// <remarks>
/// The role is replaced by the replica manager on the metadata thread and read lock-free by request threads (one
/// immutable reference). What the leader knows of its followers, the ISR it acts on and the high watermark change
/// under the partition's lock (follower fetches, appends, ISR answers, the metadata thread); the high watermark is
/// read lock-free. Appends go through <see cref="PartitionLog"/>, which has one writer at a time.
/// </remarks>
internal sealed partial class Partition
{
    private readonly object _lock = new();
    private readonly int _nodeId;
    private readonly TimeProvider _time;
    private readonly IsrUpdater? _isrUpdater;
    private volatile PartitionState _state;
    private long _followerRetryAt;
    private long _highWatermark;

    public Partition(int nodeId, TopicPartition topicPartition, Guid topicId, PartitionLog log, PartitionState state,
        long highWatermark, TimeProvider time, IsrUpdater? isrUpdater)
    {
        _nodeId = nodeId;
        _time = time;
        _isrUpdater = isrUpdater;
        TopicPartition = topicPartition;
        TopicId = topicId;
        Log = log;
        _state = state;
        _isr = state.Isr;
        _partitionEpoch = state.PartitionEpoch;
        _highWatermark = Math.Clamp(highWatermark, log.LogStartOffset, log.LogEndOffset);
        if (state.IsLeader) lock (_lock) BecomeLeaderLocked(state);
    }

    public TopicPartition TopicPartition { get; }

    public Guid TopicId { get; }

    public PartitionLog Log { get; }

    public PartitionState State => _state;

    /// <summary>Fetches waiting for this partition to reach their min bytes.</summary>
    public WatcherList FetchWatchers { get; } = new();

    /// <summary>Operations waiting on the followers: acks=all produces for the ISR to hold their batches, record
    /// deletions for every in-sync replica to move its log start.</summary>
    public WatcherList ProduceWatchers { get; } = new();

    /// <summary>Offsets below it are on every in-sync replica: consumers and ListOffsets see no further. A follower
    /// keeps the leader's, bounded by its own log end.</summary>
    public long HighWatermark => Volatile.Read(ref _highWatermark);

    public long LastStableOffset => HighWatermark;

    /// <summary>When the leader refused this follower's fetch (not yet its leader, an epoch it does not know yet),
    /// the timestamp before which the fetcher leaves it out; a new state from the image lifts it.</summary>
    public long FollowerRetryAt
    {
        get => Volatile.Read(ref _followerRetryAt);
        set => Volatile.Write(ref _followerRetryAt, value);
    }

    /// <summary>Takes the role and ISR of a new image; a new leader epoch here starts a leadership.</summary>
    public void Update(PartitionState state)
    {
        bool advanced;
        lock (_lock)
        {
            PartitionState old = _state;
            bool newEpoch = state.LeaderEpoch != old.LeaderEpoch || state.IsLeader != old.IsLeader;
            if (newEpoch || state.PartitionEpoch >= _partitionEpoch)
            {
                Volatile.Write(ref _isr, state.Isr);
                _partitionEpoch = state.PartitionEpoch;
                if (newEpoch || state.PartitionEpoch > _proposalBasedOn) _proposal = null;
            }
            _state = state;
            if (!state.IsLeader) _leader = null;
            else if (newEpoch || _leader is null) BecomeLeaderLocked(state);
            else if (!state.Replicas.AsSpan().SequenceEqual(old.Replicas)) _leader.UpdateReplicas(state.Replicas);
            advanced = AdvanceHighWatermarkLocked();
        }
        FollowerRetryAt = 0;
        // Leadership or the ISR may have changed: acks=all produces re-check, fetches answer or keep waiting.
        ProduceWatchers.Notify();
        if (advanced) FetchWatchers.Notify();
    }

    /// <summary>Appends validated batches as leader and wakes the fetches waiting on this partition.</summary>
    public async ValueTask<AppendResult> AppendAsLeaderAsync(Memory<byte> records)
    {
        ValueTask<AppendResult> pending = Log.AppendAsync(records, _state.LeaderEpoch);
        AppendResult result = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
        if (result.Status != AppendStatus.Ok) return result;
        bool advanced;
        lock (_lock) advanced = AdvanceHighWatermarkLocked();
        FetchWatchers.Notify();
        if (advanced) ProduceWatchers.Notify();
        return result;
    }

    /// <summary>
    /// Where an acks=all write that ends before <paramref name="requiredOffset"/> stands: null while the ISR does not
    /// hold it yet; NONE once it does; NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below
    /// min.insync.replicas after the append (it cannot complete until the ISR recovers); NOT_LEADER_OR_FOLLOWER when
    /// the leadership it was appended under ended.
    /// </summary>
    public ErrorCode? ReplicationStatus(long requiredOffset, int leaderEpoch)
    {
        PartitionState state = _state;
        if (!state.IsLeader || state.LeaderEpoch != leaderEpoch || Log.IsOffline) return ErrorCode.NotLeaderOrFollower;
        if (InSyncReplicaCount < state.Config.MinInsyncReplicas) return ErrorCode.NotEnoughReplicasAfterAppend;
        return HighWatermark >= requiredOffset ? ErrorCode.None : null;
    }

    /// <summary>As a follower, takes the high watermark the leader sent, bounded by this replica's log end.</summary>
    public void UpdateFollowerHighWatermark(long leaderHighWatermark)
    {
        lock (_lock)
        {
            if (_state.IsLeader) return;
            Volatile.Write(ref _highWatermark, Math.Max(0, Math.Min(leaderHighWatermark, Log.LogEndOffset)));
        }
    }
}
