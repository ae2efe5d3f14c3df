using Samsa.Broker.Purgatory;

namespace Samsa.Broker.Replication;

/// <summary>
/// One partition this broker holds a replica of: its log, its role from the metadata image, and the fetches
/// waiting for it to grow.
/// </summary>
/// <remarks>
/// Role and config are replaced by the replica manager on the metadata thread and read lock-free by request
/// threads (each is one immutable reference). Appends go through <see cref="PartitionLog"/>, which has one
/// writer at a time. With a single replica the high watermark is the log end offset; the replication issue
/// moves it to the minimum of the ISR.
/// </remarks>
internal sealed class Partition(TopicPartition topicPartition, Guid topicId, PartitionLog log, PartitionState state)
{
    private volatile PartitionState _state = state;
    private long _followerRetryAt;

    public TopicPartition TopicPartition { get; } = topicPartition;

    public Guid TopicId { get; } = topicId;

    public PartitionLog Log { get; } = log;

    public PartitionState State => _state;

    /// <summary>Fetches waiting for this partition to reach their min bytes.</summary>
    public WatcherList FetchWatchers { get; } = new();

    public long HighWatermark => Log.LogEndOffset;

    public long LastStableOffset => HighWatermark;

    /// <summary>When the leader refused this follower's fetch (not yet its leader, an epoch it does not know yet),
    /// the timestamp before which the fetcher leaves it out; a new state from the image lifts it.</summary>
    public long FollowerRetryAt
    {
        get => Volatile.Read(ref _followerRetryAt);
        set => Volatile.Write(ref _followerRetryAt, value);
    }

    public void Update(PartitionState state)
    {
        _state = state;
        FollowerRetryAt = 0;
    }

    /// <summary>Appends validated batches as leader and wakes the fetches waiting on this partition.</summary>
    public async ValueTask<AppendResult> AppendAsLeaderAsync(Memory<byte> records)
    {
        ValueTask<AppendResult> pending = Log.AppendAsync(records, _state.LeaderEpoch);
        AppendResult result = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
        if (result.Status == AppendStatus.Ok) FetchWatchers.Notify();
        return result;
    }
}
