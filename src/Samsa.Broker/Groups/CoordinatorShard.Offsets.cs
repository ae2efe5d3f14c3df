namespace Samsa.Broker.Groups;

// OffsetCommit and OffsetFetch for the groups of this shard.
internal sealed partial class CoordinatorShard
{
    /// <summary>
    /// Commits offsets for a group member (or, with generation -1 and no member id, for an empty or unknown group);
    /// the task completes once the commit is in the log. Partitions whose metadata is too long are refused on their
    /// own (OffsetMetadataTooLarge); the request's status says whether the others were committed.
    /// </summary>
    public ValueTask<OffsetsResult> CommitOffsetsAsync(OffsetCommitRequest request, short version)
    {
        bool standalone = request.GenerationIdOrMemberEpoch < 0 && request.MemberId.Length == 0;
        while (true)
        {
            Group? group;
            if (standalone)
            {
                // An existing group keeps its type; a new one holds offsets as an empty classic group, as in Kafka.
                if (!_groups.TryGetValue(request.GroupId, out group)) group = GetOrCreateClassicGroup(request.GroupId);
            }
            else if (!_groups.TryGetValue(request.GroupId, out group))
            {
                return ValueTask.FromResult(OffsetsResult.Failed(GroupStatus.IllegalGeneration));
            }
            if (group is null) continue;
            lock (group.Lock)
            {
                if (group.IsDead && standalone) continue;
                GroupStatus status = group switch
                {
                    ClassicGroup classic => classic.ValidateCommit(request.MemberId, request.GroupInstanceId,
                        request.GenerationIdOrMemberEpoch),
                    ConsumerGroup consumer => consumer.ValidateCommit(request.MemberId,
                        request.GenerationIdOrMemberEpoch),
                    _ => GroupStatus.UnknownMemberId,
                };
                if (status != GroupStatus.Ok) return ValueTask.FromResult(OffsetsResult.Failed(status));
                return CommitLocked(group, request, version);
            }
        }
    }

    private ValueTask<OffsetsResult> CommitLocked(Group group, OffsetCommitRequest request, short version)
    {
        long now = NowMs;
        var records = new List<(byte[] Key, byte[]? Value)>();
        var committed = new List<(TopicPartition Partition, OffsetAndMetadata Offset)>();
        GroupStatus[]? refused = null;
        int index = 0;
        foreach (OffsetCommitRequest.OffsetCommitRequestTopic topic in request.Topics)
        {
            foreach (OffsetCommitRequest.OffsetCommitRequestPartition partition in topic.Partitions)
            {
                int i = index++;
                string metadata = partition.CommittedMetadata ?? "";
                if (metadata.Length > Options.OffsetMetadataMaxBytes)
                {
                    (refused ??= new GroupStatus[PartitionCount(request)])[i] = GroupStatus.OffsetMetadataTooLarge;
                    continue;
                }
                long timestamp = version == 1 && partition.CommitTimestamp >= 0 ? partition.CommitTimestamp : now;
                var offset = new OffsetAndMetadata(partition.CommittedOffset, partition.CommittedLeaderEpoch, metadata,
                    timestamp);
                records.Add((
                    CoordinatorRecordSerde.OffsetCommitKey(group.GroupId, topic.Name, partition.PartitionIndex),
                    CoordinatorRecordSerde.OffsetCommitValue(offset)));
                committed.Add((new TopicPartition(topic.Name, partition.PartitionIndex), offset));
            }
        }
        if (records.Count == 0) return ValueTask.FromResult(new OffsetsResult(GroupStatus.Ok, refused));

        ValueTask<GroupStatus> append = AppendAsync(records);
        if (append.IsCompletedSuccessfully)
        {
            GroupStatus status = append.Result;
            if (status == GroupStatus.Ok) Apply(group, committed);
            return ValueTask.FromResult(new OffsetsResult(status, refused));
        }
        // The write is in the log (durable once the task completes): the offsets are visible from now on, in the
        // order of the group's writes.
        Apply(group, committed);
        return AwaitWrittenAsync(append, refused);
    }

    private void Apply(Group group, List<(TopicPartition Partition, OffsetAndMetadata Offset)> committed)
    {
        foreach ((TopicPartition tp, OffsetAndMetadata offset) in committed) group.Offsets[tp] = offset;
        if (group.IsEmpty) ScheduleExpiry(group);
    }

    private static async ValueTask<OffsetsResult> AwaitWrittenAsync(ValueTask<GroupStatus> append,
        GroupStatus[]? refused) => new(await append.ConfigureAwait(false), refused);

    private static int PartitionCount(OffsetCommitRequest request)
    {
        int count = 0;
        foreach (OffsetCommitRequest.OffsetCommitRequestTopic topic in request.Topics) count += topic.Partitions.Count;
        return count;
    }

    /// <summary>
    /// The committed offsets of a group: of the named partitions (offset -1 where none is committed), or of every
    /// partition when <paramref name="topics"/> is null.
    /// </summary>
    public List<(string Topic, List<(int Partition, OffsetAndMetadata? Offset)> Partitions)> FetchOffsets(
        string groupId, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? topics)
    {
        var result = new List<(string, List<(int, OffsetAndMetadata?)>)>();
        _groups.TryGetValue(groupId, out Group? group);
        if (group is null)
        {
            if (topics is null) return result;
            foreach ((string topic, IReadOnlyList<int> partitions) in topics)
            {
                var list = new List<(int, OffsetAndMetadata?)>();
                foreach (int partition in partitions) list.Add((partition, null));
                result.Add((topic, list));
            }
            return result;
        }
        lock (group.Lock)
        {
            if (topics is null)
            {
                var byTopic = new SortedDictionary<string, List<(int, OffsetAndMetadata?)>>(StringComparer.Ordinal);
                foreach ((TopicPartition tp, OffsetAndMetadata offset) in group.Offsets)
                {
                    if (!byTopic.TryGetValue(tp.Topic, out List<(int, OffsetAndMetadata?)>? list))
                        byTopic[tp.Topic] = list = [];
                    list.Add((tp.Partition, offset));
                }
                foreach ((string topic, List<(int, OffsetAndMetadata?)> list) in byTopic)
                {
                    list.Sort(static (a, b) => a.Item1.CompareTo(b.Item1));
                    result.Add((topic, list));
                }
                return result;
            }
            foreach ((string topic, IReadOnlyList<int> partitions) in topics)
            {
                var list = new List<(int, OffsetAndMetadata?)>();
                foreach (int partition in partitions)
                {
                    list.Add((partition, group.Offsets.TryGetValue(new TopicPartition(topic, partition),
                        out OffsetAndMetadata offset) ? offset : null));
                }
                result.Add((topic, list));
            }
            return result;
        }
    }
}
