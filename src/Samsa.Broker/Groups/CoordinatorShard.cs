using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Samsa.Protocol.Records;
using Samsa.Broker.Purgatory;

namespace Samsa.Broker.Groups;

/// <summary>
/// The groups of one partition of <c>__consumer_offsets</c> that this broker leads: loaded from the partition when
/// leadership arrives, written to it as they change, dropped when leadership goes.
/// </summary>
/// <remarks>
/// Each group is single-threaded under its own lock; the shard's dictionary is concurrent, so groups proceed in
/// parallel. A group's records are appended while its lock is held, so the log holds them in the order the group
/// changed, and the response that depends on a write is sent once the append completes. Until loading finishes,
/// requests get CoordinatorLoadInProgress; after unloading, NotCoordinator.
/// </remarks>
internal sealed partial class CoordinatorShard
{
    private const int Loading = 0;
    private const int Loaded = 1;
    private const int Unloaded = 2;

    private readonly Partition _partition;
    private readonly MetadataLoader _metadata;
    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private int _status = Loading;

    public CoordinatorShard(Partition partition, int leaderEpoch, MetadataLoader metadata,
        GroupCoordinatorOptions options, TimeProvider time, ILogger logger)
    {
        _partition = partition;
        _metadata = metadata;
        LeaderEpoch = leaderEpoch;
        Options = options;
        Time = time;
        Logger = logger;
    }

    public int PartitionIndex => _partition.TopicPartition.Partition;

    public int LeaderEpoch { get; }

    public Partition Partition => _partition;

    public GroupCoordinatorOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Ok when loaded, CoordinatorLoadInProgress while loading, NotCoordinator once unloaded.</summary>
    public GroupStatus Status => Volatile.Read(ref _status) switch
    {
        Loaded => GroupStatus.Ok,
        Loading => GroupStatus.CoordinatorLoadInProgress,
        _ => GroupStatus.NotCoordinator,
    };

    public IEnumerable<Group> Groups => _groups.Values;

    public bool TryGetGroup(string groupId, out Group? group) => _groups.TryGetValue(groupId, out group);

    /// <summary>
    /// The classic group with this id, created empty when there is none; an empty consumer group becomes a classic
    /// one, keeping its offsets. Null when a consumer group with members holds the id. The caller locks it and, if it
    /// finds it dead (deleted meanwhile), asks again.
    /// </summary>
    public ClassicGroup? GetOrCreateClassicGroup(string groupId)
    {
        while (true)
        {
            Group group = _groups.GetOrAdd(groupId, static (id, shard) => new ClassicGroup(id, shard), this);
            if (group is ClassicGroup classic) return classic;
            Group? converted = Convert(group, static (id, shard) => new ClassicGroup(id, shard));
            if (converted is null) return null;
            if (converted is ClassicGroup done) return done;
        }
    }

    /// <summary>
    /// The consumer group (KIP-848) with this id, created when there is none; an empty classic group (one that
    /// only holds offsets) becomes a consumer group, keeping its offsets, as Kafka converts it. Null when a classic
    /// group with members holds the id. The caller locks it and asks again if it finds it dead.
    /// </summary>
    public ConsumerGroup? GetOrCreateConsumerGroup(string groupId)
    {
        while (true)
        {
            Group group = _groups.GetOrAdd(groupId, static (id, shard) => new ConsumerGroup(id, shard), this);
            if (group is ConsumerGroup consumer) return consumer;
            Group? converted = Convert(group, static (id, shard) => new ConsumerGroup(id, shard));
            if (converted is null) return null;
            if (converted is ConsumerGroup done) return done;
        }
    }

    /// <summary>
    /// Replaces an empty group by one of the other protocol, carrying its offsets over: the replacement; null when
    /// the group has members; <paramref name="old"/> itself when it died meanwhile (look it up again).
    /// </summary>
    private Group? Convert(Group old, Func<string, CoordinatorShard, Group> create)
    {
        lock (old.Lock)
        {
            if (old.IsDead) return old;
            if (!old.IsEmpty) return null;
            var tombstones = new List<(byte[] Key, byte[]? Value)>();
            old.AddDeletionTombstones(tombstones);
            if (!Appended(AppendAsync(tombstones))) return null;
            Group replacement = create(old.GroupId, this);
            foreach ((TopicPartition tp, OffsetAndMetadata offset) in old.Offsets) replacement.Offsets[tp] = offset;
            old.Shutdown(GroupStatus.CoordinatorNotAvailable);
            old.StopExpiry();
            if (!_groups.TryUpdate(old.GroupId, replacement, old)) return old;
            lock (replacement.Lock) ScheduleExpiry(replacement);
            return replacement;
        }
    }

    /// <summary>Forgets a dead group (deleted or expired); call under its lock.</summary>
    public void Remove(Group group) => _groups.TryRemove(new KeyValuePair<string, Group>(group.GroupId, group));

    /// <summary>
    /// Appends records to the partition as one batch. The bytes are in the log when this returns; the task
    /// completes once every in-sync replica holds them (the high watermark passed them), as Kafka's coordinator
    /// writes with acks=all, bounded by <see cref="GroupCoordinatorOptions.CommitTimeout"/>.
    /// </summary>
    /// <returns>Ok; NotCoordinator when this broker no longer leads the partition or its log is offline;
    /// CoordinatorNotAvailable when the replicas did not take it in time (too few in sync); RecordListTooLarge
    /// when the batch does not fit.</returns>
    public ValueTask<GroupStatus> AppendAsync(IReadOnlyList<(byte[] Key, byte[]? Value)> records)
    {
        PartitionState state = _partition.State;
        if (Volatile.Read(ref _status) == Unloaded || !state.IsLeader || state.LeaderEpoch != LeaderEpoch)
            return new ValueTask<GroupStatus>(GroupStatus.NotCoordinator);
        var builder = new RecordBatchBuilder();
        long now = NowMs;
        foreach ((byte[] key, byte[]? value) in records) builder.Add(key, value, now);
        byte[] batch = builder.Build();
        if (batch.Length > Options.MaxRecordBatchBytes)
            return new ValueTask<GroupStatus>(GroupStatus.RecordListTooLarge);
        ValueTask<AppendResult> append = _partition.AppendAsLeaderAsync(batch);
        if (!append.IsCompletedSuccessfully) return AwaitAppendAsync(append);
        AppendResult result = append.Result;
        if (result.Status != AppendStatus.Ok) return new ValueTask<GroupStatus>(ToGroupStatus(result.Status));
        ValueTask<ErrorCode> replicated = DelayedReplication.WaitAsync(_partition, result.LastOffset + 1, LeaderEpoch,
            Time, Options.CommitTimeout);
        return replicated.IsCompletedSuccessfully
            ? new ValueTask<GroupStatus>(ToGroupStatus(replicated.Result))
            : AwaitReplicatedAsync(replicated);
    }

    private async ValueTask<GroupStatus> AwaitAppendAsync(ValueTask<AppendResult> append)
    {
        AppendResult result = await append.ConfigureAwait(false);
        if (result.Status != AppendStatus.Ok) return ToGroupStatus(result.Status);
        return ToGroupStatus(await DelayedReplication.WaitAsync(_partition, result.LastOffset + 1, LeaderEpoch, Time,
            Options.CommitTimeout).ConfigureAwait(false));
    }

    private static async ValueTask<GroupStatus> AwaitReplicatedAsync(ValueTask<ErrorCode> replicated) =>
        ToGroupStatus(await replicated.ConfigureAwait(false));

    // Kafka's reading of a write its replicas did not take: the leadership moved (the client looks the coordinator
    // up again), or too few replicas are in sync (the client retries).
    private static GroupStatus ToGroupStatus(ErrorCode replicated) => replicated switch
    {
        ErrorCode.None => GroupStatus.Ok,
        ErrorCode.NotLeaderOrFollower => GroupStatus.NotCoordinator,
        _ => GroupStatus.CoordinatorNotAvailable,
    };

    // Kafka's reading of a failed coordinator write, as what the client can act on: a log that went offline means
    // this broker no longer coordinates (the client looks the coordinator up again).
    private static GroupStatus ToGroupStatus(AppendStatus status) => status switch
    {
        AppendStatus.Ok => GroupStatus.Ok,
        AppendStatus.RecordBatchTooLarge => GroupStatus.RecordListTooLarge,
        AppendStatus.StorageError or AppendStatus.DiskFull => GroupStatus.NotCoordinator,
        _ => GroupStatus.UnknownServerError,
    };

    /// <summary>Stops serving: fails what waits, stops timers, and answers NotCoordinator from now on.</summary>
    public void Unload()
    {
        Volatile.Write(ref _status, Unloaded);
        foreach (Group group in _groups.Values)
        {
            lock (group.Lock)
            {
                group.Shutdown(GroupStatus.NotCoordinator);
                group.StopExpiry();
            }
        }
        _groups.Clear();
    }
}
