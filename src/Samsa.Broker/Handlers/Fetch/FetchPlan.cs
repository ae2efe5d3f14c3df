using System.Buffers;
using Samsa.Broker.Errors;
using Samsa.Broker.Replication;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Storage;

namespace Samsa.Broker.Handlers;

/// <summary>
/// The partitions one Fetch asks for, resolved against this broker's replicas, and the read that fills a
/// response from them. A delayed fetch keeps its plan and reads again when it completes.
/// </summary>
internal sealed class FetchPlan
{
    private readonly List<Entry> _entries;

    private FetchPlan(List<Entry> entries, int maxBytes, bool readCommitted, bool fromFollower)
    {
        _entries = entries;
        MaxBytes = maxBytes;
        ReadCommitted = readCommitted;
        FromFollower = fromFollower;
    }

    public int MaxBytes { get; }

    public bool ReadCommitted { get; }

    public bool FromFollower { get; }

    public IEnumerable<Partition> Partitions
    {
        get
        {
            foreach (Entry entry in _entries)
            {
                if (entry.Partition is not null) yield return entry.Partition;
            }
        }
    }

    public static FetchPlan Create(FetchRequest request, short version, ReplicaManager replicas,
        Samsa.Metadata.Image.MetadataImage image)
    {
        int replicaId = version >= 15 ? request.ReplicaState.ReplicaId : request.ReplicaId;
        var entries = new List<Entry>();
        foreach (FetchRequest.FetchTopic topic in request.Topics)
        {
            string? name = topic.Topic;
            Guid topicId = topic.TopicId;
            ErrorCode topicError = ErrorCode.None;
            if (version >= 13)
            {
                name = image.Topics.TryGetTopic(topicId, out Samsa.Metadata.Image.TopicImage? found) ? found.Name : null;
                if (name is null) topicError = ErrorCode.UnknownTopicId;
            }
            foreach (FetchRequest.FetchPartition p in topic.Partitions)
            {
                var entry = new Entry(name ?? "", topicId, p.Partition, p.FetchOffset, p.PartitionMaxBytes, p.CurrentLeaderEpoch);
                entries.Add(entry);
                if (topicError != ErrorCode.None)
                {
                    entry.Error = topicError;
                    continue;
                }
                if (!replicas.TryGetPartition(entry.Topic, p.Partition, out Partition? partition))
                {
                    entry.Error = image.Topics.TryGetPartition(entry.Topic, p.Partition, out _)
                        ? ErrorCode.NotLeaderOrFollower
                        : ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                PartitionState state = partition!.State;
                if (!state.IsLeader) entry.Error = ErrorCode.NotLeaderOrFollower;
                else if (p.CurrentLeaderEpoch >= 0 && p.CurrentLeaderEpoch > state.LeaderEpoch) entry.Error = ErrorCode.UnknownLeaderEpoch;
                else if (p.CurrentLeaderEpoch >= 0 && p.CurrentLeaderEpoch < state.LeaderEpoch) entry.Error = ErrorCode.FencedLeaderEpoch;
                entry.Partition = partition;
                entry.TopicId = partition.TopicId;
            }
        }
        return new FetchPlan(entries, request.MaxBytes, request.IsolationLevel == 1, replicaId >= 0);
    }

    /// <summary>True when some partition answers with an error: such a fetch is not delayed.</summary>
    public bool HasErrors
    {
        get
        {
            foreach (Entry entry in _entries)
            {
                if (entry.Error != ErrorCode.None) return true;
            }
            return false;
        }
    }

    /// <summary>Bytes readable now, up to <paramref name="enough"/>, without copying any (file regions only).</summary>
    public long AvailableBytes(long enough)
    {
        long total = 0;
        foreach (Entry entry in _entries)
        {
            if (entry.Partition is not { } partition) continue;
            if (!partition.State.IsLeader) return long.MaxValue;   // leadership moved: answer now
            long end = Bound(partition);
            if (entry.FetchOffset >= end) continue;
            using LogReadResult read = partition.Log.Read(entry.FetchOffset, entry.MaxBytes, end);
            if (read.Status != ReadStatus.Ok) return long.MaxValue;
            total += read.Length;
            if (total >= enough) return total;
        }
        return total;
    }

    private long Bound(Partition partition) =>
        FromFollower ? partition.Log.LogEndOffset : ReadCommitted ? partition.LastStableOffset : partition.HighWatermark;

    /// <summary>Reads every partition into a response; the records are copied into pooled buffers it owns.</summary>
    public FetchResponseLease Read()
    {
        var lease = new FetchResponseLease();
        FetchResponse response = lease.Response;
        long remaining = MaxBytes <= 0 ? int.MaxValue : MaxBytes;
        FetchResponse.FetchableTopicResponse? current = null;
        foreach (Entry entry in _entries)
        {
            if (current is null || !string.Equals(current.Topic, entry.Topic, StringComparison.Ordinal)
                || current.TopicId != entry.TopicId)
            {
                current = new FetchResponse.FetchableTopicResponse { Topic = entry.Topic, TopicId = entry.TopicId };
                response.Responses.Add(current);
            }
            var data = new FetchResponse.PartitionData
            {
                PartitionIndex = entry.PartitionIndex,
                HighWatermark = -1,
                LastStableOffset = -1,
                LogStartOffset = -1,
                PreferredReadReplica = -1,
                AbortedTransactions = ReadCommitted ? [] : null,
            };
            current.Partitions.Add(data);
            if (entry.Error != ErrorCode.None || entry.Partition is not { } partition)
            {
                data.ErrorCode = (short)entry.Error;
                data.Records = ReadOnlySequence<byte>.Empty;
                continue;
            }
            data.HighWatermark = partition.HighWatermark;
            data.LastStableOffset = partition.LastStableOffset;
            data.LogStartOffset = partition.Log.LogStartOffset;
            data.Records = ReadOnlySequence<byte>.Empty;
            long end = Bound(partition);
            if (entry.FetchOffset == end) continue;
            if (entry.FetchOffset > end && entry.FetchOffset <= partition.Log.LogEndOffset) continue;   // not yet visible
            int budget = (int)Math.Min(Math.Min(remaining, entry.MaxBytes), int.MaxValue);
            using LogReadResult read = partition.Log.Read(entry.FetchOffset, budget, end, minOneBatch: lease.RecordBytes == 0);
            if (read.Status != ReadStatus.Ok)
            {
                data.ErrorCode = (short)ErrorMapping.ToErrorCode(read.Status);
                continue;
            }
            if (read.Length == 0) continue;
            byte[] buffer = lease.Rent(read.Length);
            read.CopyTo(buffer.AsSpan(0, read.Length));
            data.Records = new ReadOnlySequence<byte>(buffer, 0, read.Length);
            remaining -= read.Length;
        }
        return lease;
    }

    private sealed class Entry(string topic, Guid topicId, int partitionIndex, long fetchOffset, int maxBytes,
        int currentLeaderEpoch)
    {
        public string Topic { get; } = topic;

        public Guid TopicId { get; set; } = topicId;

        public int PartitionIndex { get; } = partitionIndex;

        public long FetchOffset { get; } = fetchOffset;

        public int MaxBytes { get; } = maxBytes;

        public int CurrentLeaderEpoch { get; } = currentLeaderEpoch;

        public Partition? Partition { get; set; }

        public ErrorCode Error { get; set; }
    }
}
