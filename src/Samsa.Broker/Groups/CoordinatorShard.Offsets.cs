using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Storage;

namespace Samsa.Broker.Groups;

// OffsetCommit and OffsetFetch for the groups of this shard.
internal sealed partial class CoordinatorShard
{
    /// <summary>
    /// Commits offsets for a group member (or, with generation -1 and no member id, for an empty or unknown group)
    /// and answers once the commit is in the log.
    /// </summary>
    public ValueTask<OffsetCommitResponse> CommitOffsetsAsync(OffsetCommitRequest request, short version)
    {
        var response = new OffsetCommitResponse();
        foreach (OffsetCommitRequest.OffsetCommitRequestTopic topic in request.Topics)
        {
            var topicResponse = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = topic.Name };
            foreach (OffsetCommitRequest.OffsetCommitRequestPartition partition in topic.Partitions)
                topicResponse.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = partition.PartitionIndex });
            response.Topics.Add(topicResponse);
        }

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
                return ValueTask.FromResult(FailAll(response, ErrorCode.IllegalGeneration));
            }
            if (group is null) continue;
            lock (group.Lock)
            {
                if (group.IsDead && standalone) continue;
                ErrorCode error = group switch
                {
                    ClassicGroup classic => classic.ValidateCommit(request.MemberId, request.GroupInstanceId,
                        request.GenerationIdOrMemberEpoch),
                    ConsumerGroup consumer => consumer.ValidateCommit(request.MemberId, request.GenerationIdOrMemberEpoch),
                    _ => ErrorCode.UnknownMemberId,
                };
                if (error != ErrorCode.None) return ValueTask.FromResult(FailAll(response, error));
                return CommitLocked(group, request, version, response);
            }
        }
    }

    private ValueTask<OffsetCommitResponse> CommitLocked(Group group, OffsetCommitRequest request, short version,
        OffsetCommitResponse response)
    {
        long now = NowMs;
        var records = new List<(byte[] Key, byte[]? Value)>();
        var committed = new List<(TopicPartition Partition, OffsetAndMetadata Offset)>();
        for (int t = 0; t < request.Topics.Count; t++)
        {
            OffsetCommitRequest.OffsetCommitRequestTopic topic = request.Topics[t];
            for (int p = 0; p < topic.Partitions.Count; p++)
            {
                OffsetCommitRequest.OffsetCommitRequestPartition partition = topic.Partitions[p];
                string metadata = partition.CommittedMetadata ?? "";
                if (metadata.Length > Options.OffsetMetadataMaxBytes)
                {
                    response.Topics[t].Partitions[p].ErrorCode = (short)ErrorCode.OffsetMetadataTooLarge;
                    continue;
                }
                long timestamp = version == 1 && partition.CommitTimestamp >= 0 ? partition.CommitTimestamp : now;
                var offset = new OffsetAndMetadata(partition.CommittedOffset, partition.CommittedLeaderEpoch, metadata,
                    timestamp);
                records.Add((CoordinatorRecordSerde.OffsetCommitKey(group.GroupId, topic.Name, partition.PartitionIndex),
                    CoordinatorRecordSerde.OffsetCommitValue(offset)));
                committed.Add((new TopicPartition(topic.Name, partition.PartitionIndex), offset));
            }
        }
        if (records.Count == 0) return ValueTask.FromResult(response);

        ValueTask<ErrorCode> append = AppendAsync(records);
        if (append.IsCompletedSuccessfully)
        {
            ErrorCode error = append.Result;
            if (error != ErrorCode.None) return ValueTask.FromResult(FailCommitted(response, error));
            Apply(group, committed);
            return ValueTask.FromResult(response);
        }
        // The write is in the log (durable once the task completes): the offsets are visible from now on, in the
        // order of the group's writes.
        Apply(group, committed);
        return AwaitCommitAsync(append, response);
    }

    private void Apply(Group group, List<(TopicPartition Partition, OffsetAndMetadata Offset)> committed)
    {
        foreach ((TopicPartition tp, OffsetAndMetadata offset) in committed) group.Offsets[tp] = offset;
        if (group.IsEmpty) ScheduleExpiry(group);
    }

    private static async ValueTask<OffsetCommitResponse> AwaitCommitAsync(ValueTask<ErrorCode> append,
        OffsetCommitResponse response)
    {
        ErrorCode error = await append.ConfigureAwait(false);
        return error == ErrorCode.None ? response : FailCommitted(response, error);
    }

    private static OffsetCommitResponse FailCommitted(OffsetCommitResponse response, ErrorCode error)
    {
        if (error == ErrorCode.RecordListTooLarge) error = ErrorCode.InvalidCommitOffsetSize;
        foreach (OffsetCommitResponse.OffsetCommitResponseTopic topic in response.Topics)
        {
            foreach (OffsetCommitResponse.OffsetCommitResponsePartition partition in topic.Partitions)
            {
                if (partition.ErrorCode == 0) partition.ErrorCode = (short)error;
            }
        }
        return response;
    }

    private static OffsetCommitResponse FailAll(OffsetCommitResponse response, ErrorCode error)
    {
        foreach (OffsetCommitResponse.OffsetCommitResponseTopic topic in response.Topics)
        {
            foreach (OffsetCommitResponse.OffsetCommitResponsePartition partition in topic.Partitions)
                partition.ErrorCode = (short)error;
        }
        return response;
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
