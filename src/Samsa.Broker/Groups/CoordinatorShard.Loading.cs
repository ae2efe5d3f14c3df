using Microsoft.Extensions.Logging;
using Samsa.Protocol.CoordinatorRecords;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Groups;

// Loading: replay the partition from its start to the end it had when leadership arrived, keeping the latest
// value per key (a tombstone deletes), then build the groups. Runs on a pool thread; requests for the partition's
// groups get COORDINATOR_LOAD_IN_PROGRESS meanwhile.
internal sealed partial class CoordinatorShard
{
    private const int LoadReadBytes = 1024 * 1024;
    private const int MaxDecompressedBytes = 64 * 1024 * 1024;

    /// <summary>Loads on a pool thread; the shard serves once it is done.</summary>
    public void StartLoading() => _ = Task.Run(Load);

    private void Load()
    {
        long started = Time.GetTimestamp();
        var state = new Dictionary<string, LoadedGroup>(StringComparer.Ordinal);
        int records = ReplayLog(state);
        if (Volatile.Read(ref _status) != Loading) return;
        AddLoadedGroups(state);
        Interlocked.CompareExchange(ref _status, Loaded, Loading);
        Logger.PartitionLoaded(PartitionIndex, LeaderEpoch, _groups.Count, records,
            (long)Time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Replays the partition into <paramref name="state"/> up to the end it had when loading began; stops
    /// early when the shard stops loading, or at a batch it cannot read (logged). Returns the records replayed.
    /// </summary>
    private int ReplayLog(Dictionary<string, LoadedGroup> state)
    {
        PartitionLog log = _partition.Log;
        long offset = log.LogStartOffset;
        long end = log.LogEndOffset;
        int records = 0;
        try
        {
            while (offset < end && Volatile.Read(ref _status) == Loading)
            {
                using LogReadResult read = log.Read(offset, LoadReadBytes, end);
                if (read.Status == ReadStatus.OffsetOutOfRange && offset < read.LogStartOffset)
                {
                    offset = read.LogStartOffset;   // retention or cleaning moved the start meanwhile
                    continue;
                }
                if (read.Status != ReadStatus.Ok || read.IsEmpty) break;
                byte[] bytes = read.ToArray();
                var batches = new RecordBatchReader(bytes);
                while (batches.MoveNext())
                {
                    ReadOnlySpan<byte> batch = batches.Current;
                    RecordBatchHeader header = RecordBatchHeader.Read(batch);
                    offset = header.NextOffset;
                    if (header.IsControl) continue;
                    using RecordBatchContent content =
                        RecordBatch.ReadRecords(batch, MaxDecompressedBytes, verifyCrc: false);
                    foreach (Record record in content)
                    {
                        if (record.Offset < log.LogStartOffset) continue;
                        Replay(state, record);
                        records++;
                    }
                }
            }
        }
        catch (Exception e) when (e is ProtocolException or IOException or InvalidDataException)
        {
            Logger.LoadFailed(e, PartitionIndex);
        }
        return records;
    }

    /// <summary>Builds the groups <paramref name="state"/> describes (skipping those with nothing left) and adds
    /// them to the shard, each empty one with its expiry scheduled.</summary>
    private void AddLoadedGroups(Dictionary<string, LoadedGroup> state)
    {
        foreach ((string groupId, LoadedGroup loaded) in state)
        {
            bool consumer = loaded.Consumer is { Exists: true };
            if (loaded.Metadata is null && !consumer && loaded.Offsets.Count == 0) continue;
            Group group = consumer ? new ConsumerGroup(groupId, this) : new ClassicGroup(groupId, this);
            lock (group.Lock)
            {
                if (group is ConsumerGroup modern) modern.Load(loaded.Consumer!, _metadata.Current);
                else if (loaded.Metadata is not null) ((ClassicGroup)group).Load(loaded.Metadata);
                foreach ((TopicPartition tp, OffsetAndMetadata value) in loaded.Offsets) group.Offsets[tp] = value;
                _groups[groupId] = group;
                if (group.IsEmpty) ScheduleExpiry(group);
            }
        }
    }

    /// <summary>Replays one record: the latest value of each key wins, and a tombstone (null value) deletes.
    /// </summary>
    private static void Replay(Dictionary<string, LoadedGroup> state, Record record)
    {
        if (record.IsKeyNull) return;
        byte[] key = record.Key.ToArray();
        short keyVersion = CoordinatorRecordSerde.PeekVersion(key);
        byte[]? value = record.IsValueNull ? null : record.Value.ToArray();
        switch (keyVersion)
        {
            case 0 or 1:
            {
                OffsetCommitKey k = CoordinatorRecordSerde.Read<OffsetCommitKey>(key, out _);
                LoadedGroup group = For(state, k.group);
                var tp = new TopicPartition(k.topic, k.partition);
                if (value is null)
                {
                    group.Offsets.Remove(tp);
                    break;
                }
                OffsetCommitValue v = CoordinatorRecordSerde.Read<OffsetCommitValue>(value, out _);
                group.Offsets[tp] = new OffsetAndMetadata(v.offset, v.leaderEpoch, v.metadata, v.commitTimestamp);
                break;
            }
            case 2:
            {
                GroupMetadataKey k = CoordinatorRecordSerde.Read<GroupMetadataKey>(key, out _);
                For(state, k.group).Metadata = value is null
                    ? null
                    : CoordinatorRecordSerde.Read<GroupMetadataValue>(value, out _);
                break;
            }
            default:
                ReplayConsumerGroup(state, keyVersion, key, value);
                break;
        }
    }

    /// <summary>Replays a record of a consumer-protocol group (KIP-848): its epoch, a member, the target
    /// assignment, or a member's current assignment.</summary>
    private static void ReplayConsumerGroup(Dictionary<string, LoadedGroup> state, short keyVersion, byte[] key,
        byte[]? value)
    {
        switch (keyVersion)
        {
            case 3:
            {
                ConsumerGroupMetadataKey k = CoordinatorRecordSerde.Read<ConsumerGroupMetadataKey>(key, out _);
                ConsumerGroupState group = Consumer(state, k.GroupId);
                group.Exists = value is not null;
                group.GroupEpoch =
                    value is null ? 0 : CoordinatorRecordSerde.Read<ConsumerGroupMetadataValue>(value, out _).Epoch;
                break;
            }
            case 5:
            {
                ConsumerGroupMemberMetadataKey k =
                    CoordinatorRecordSerde.Read<ConsumerGroupMemberMetadataKey>(key, out _);
                ConsumerGroupState group = Consumer(state, k.GroupId);
                if (value is null) group.Members.Remove(k.MemberId);
                else group.Members[k.MemberId] =
                    CoordinatorRecordSerde.Read<ConsumerGroupMemberMetadataValue>(value, out _);
                break;
            }
            case 6:
            {
                ConsumerGroupTargetAssignmentMetadataKey k =
                    CoordinatorRecordSerde.Read<ConsumerGroupTargetAssignmentMetadataKey>(key, out _);
                ConsumerGroupState group = Consumer(state, k.GroupId);
                group.AssignmentEpoch = value is null ? 0 : CoordinatorRecordSerde
                    .Read<ConsumerGroupTargetAssignmentMetadataValue>(value, out _).AssignmentEpoch;
                break;
            }
            case 7:
            {
                ConsumerGroupTargetAssignmentMemberKey k =
                    CoordinatorRecordSerde.Read<ConsumerGroupTargetAssignmentMemberKey>(key, out _);
                ConsumerGroupState group = Consumer(state, k.GroupId);
                if (value is null) group.Targets.Remove(k.MemberId);
                else group.Targets[k.MemberId] = ConsumerGroupRecords.ToSet(CoordinatorRecordSerde
                    .Read<ConsumerGroupTargetAssignmentMemberValue>(value, out _).TopicPartitions);
                break;
            }
            case 8:
            {
                ConsumerGroupCurrentMemberAssignmentKey k =
                    CoordinatorRecordSerde.Read<ConsumerGroupCurrentMemberAssignmentKey>(key, out _);
                ConsumerGroupState group = Consumer(state, k.GroupId);
                if (value is null) group.Current.Remove(k.MemberId);
                else group.Current[k.MemberId] =
                    CoordinatorRecordSerde.Read<ConsumerGroupCurrentMemberAssignmentValue>(value, out _);
                break;
            }
            default:
                // Subscription metadata (4) is not needed: topics come from the metadata image. Share groups (9+)
                // are not served.
                break;
        }
    }

    private static ConsumerGroupState Consumer(Dictionary<string, LoadedGroup> state, string groupId)
    {
        LoadedGroup group = For(state, groupId);
        return group.Consumer ??= new ConsumerGroupState();
    }

    private static LoadedGroup For(Dictionary<string, LoadedGroup> state, string groupId)
    {
        if (!state.TryGetValue(groupId, out LoadedGroup? group)) state[groupId] = group = new LoadedGroup();
        return group;
    }

    private sealed class LoadedGroup
    {
        public GroupMetadataValue? Metadata { get; set; }

        public ConsumerGroupState? Consumer { get; set; }

        public Dictionary<TopicPartition, OffsetAndMetadata> Offsets { get; } = [];
    }
}
