using System.Buffers;

namespace Samsa.Broker.Handlers;

/// <summary>
/// The partitions one Fetch reads, resolved against this broker's replicas, and the read that fills a response
/// from them. A delayed fetch keeps its plan and reads again when it completes. With an incremental fetch
/// session the plan covers the session's partitions and the response carries only those with news.
/// </summary>
internal sealed class FetchPlan
{
    private readonly List<Entry> _entries;
    private readonly FetchSession? _session;
    private readonly bool _incremental;

    private FetchPlan(List<Entry> entries, FetchRequest request, short version, int fetchMaxBytes,
        FetchSession? session, bool incremental, MetadataImage image)
    {
        _entries = entries;
        ReadCommitted = request.IsolationLevel == 1;
        FromFollower = IsRegisteredReplica(request, version, image);
        MaxBytes = FromFollower ? request.MaxBytes
            : request.MaxBytes <= 0 ? fetchMaxBytes : Math.Min(request.MaxBytes, fetchMaxBytes);
        _session = session;
        _incremental = incremental;
    }

    /// <summary>The request's max_bytes, capped for a consumer at the broker's <c>fetch.max.bytes</c> (a follower's
    /// is not capped).</summary>
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

    /// <summary>
    /// A plan over the partitions named in the request (a sessionless or a new session's full fetch).
    /// </summary>
    public static FetchPlan FromRequest(FetchRequest request, short version, int fetchMaxBytes, ReplicaManager replicas,
        MetadataImage image, FetchSession? newSession)
    {
        var entries = new List<Entry>();
        foreach (FetchRequest.FetchTopic topic in request.Topics)
        {
            foreach (FetchRequest.FetchPartition p in topic.Partitions)
            {
                string name = version >= 13
                    ? image.Topics.TryGetTopic(topic.TopicId, out TopicImage? found) ? found.Name : ""
                    : topic.Topic;
                SessionPartition? cached = null;
                if (newSession is not null)
                {
                    newSession.Upsert(name, topic.TopicId, p.Partition, p.FetchOffset, p.PartitionMaxBytes,
                        p.CurrentLeaderEpoch);
                    cached = newSession.Partitions[^1];
                }
                Entry entry = Resolve(name, topic.TopicId, version >= 13, p.Partition, p.FetchOffset,
                    p.PartitionMaxBytes, p.CurrentLeaderEpoch, cached, replicas, image);
                entry.LastFetchedEpoch = version >= 12 ? p.LastFetchedEpoch : -1;
                entry.LogStartOffset = p.LogStartOffset;
                entries.Add(entry);
            }
        }
        return new FetchPlan(entries, request, version, fetchMaxBytes, newSession, incremental: false, image);
    }

    /// <summary>
    /// A plan over every partition of an incremental session, after the request's changes are applied.
    /// </summary>
    public static FetchPlan FromSession(FetchRequest request, short version, int fetchMaxBytes, FetchSession session,
        ReplicaManager replicas, MetadataImage image)
    {
        var entries = new List<Entry>(session.Count);
        foreach (SessionPartition p in session.Partitions)
        {
            string name = session.TopicIds
                ? image.Topics.TryGetTopic(p.TopicId, out TopicImage? found) ? found.Name : ""
                : p.Topic;
            entries.Add(Resolve(name, p.TopicId, session.TopicIds, p.Partition, p.FetchOffset, p.MaxBytes,
                p.CurrentLeaderEpoch, p, replicas, image));
        }
        return new FetchPlan(entries, request, version, fetchMaxBytes, session, incremental: true, image);
    }

    // A fetch is a follower's (read to the log end, not capped by fetch.max.bytes) only when its replica id is a
    // registered broker and, from v15 where followers send it, its broker epoch is that registration's (KIP-903). Any
    // other claim is served as a consumer's fetch: up to the high watermark.
    private static bool IsRegisteredReplica(FetchRequest request, short version, MetadataImage image)
    {
        int replicaId = ReplicaId(request, version);
        if (replicaId < 0 || !image.Brokers.TryGetBroker(replicaId, out BrokerRegistration? broker)) return false;
        long epoch = version >= 15 ? request.ReplicaState.ReplicaEpoch : -1;
        return epoch < 0 || epoch == broker.BrokerEpoch;
    }

    private static int ReplicaId(FetchRequest request, short version) =>
        version >= 15 ? request.ReplicaState.ReplicaId : request.ReplicaId;

    private static Entry Resolve(string name, Guid topicId, bool byId, int index, long fetchOffset, int maxBytes,
        int currentLeaderEpoch, SessionPartition? cached, ReplicaManager replicas, MetadataImage image)
    {
        var entry = new Entry(name, topicId, index, fetchOffset, maxBytes, cached);
        if (byId && name.Length == 0)
        {
            entry.Error = ErrorCode.UnknownTopicId;
            return entry;
        }
        entry.Error = LeaderLookup.Find(replicas, image, name, index, currentLeaderEpoch, out Partition? partition);
        if (partition is null) return entry;
        entry.Partition = partition;
        entry.TopicId = partition.TopicId;
        return entry;
    }

    /// <summary>
    /// For a follower's fetch, as the leader: a partition whose last fetched epoch ends earlier here than the fetch
    /// offset gets the diverging epoch (the follower truncates there and reads no records this time); every other
    /// partition records the follower's progress, which may raise the high watermark and grow the ISR.
    /// </summary>
    public void RecordFollowerFetch(int replicaId)
    {
        foreach (Entry entry in _entries)
        {
            if (entry.Error != ErrorCode.None || entry.Partition is not { } partition) continue;
            if (entry.LastFetchedEpoch >= 0)
            {
                OffsetAndEpoch end = partition.Log.EndOffsetForEpoch(entry.LastFetchedEpoch);
                if (end.LeaderEpoch < entry.LastFetchedEpoch || end.Offset < entry.FetchOffset)
                {
                    entry.Diverging = end;
                    continue;
                }
            }
            partition.OnFollowerFetch(replicaId, entry.FetchOffset, entry.LogStartOffset);
        }
    }

    /// <summary>The replica id a follower's fetch names.</summary>
    public static int ReplicaIdOf(FetchRequest request, short version) => ReplicaId(request, version);

    /// <summary>True when some partition answers with an error or a diverging epoch: such a fetch is not delayed.
    /// </summary>
    public bool HasErrors
    {
        get
        {
            foreach (Entry entry in _entries)
            {
                if (entry.Error != ErrorCode.None || entry.Diverging is not null) return true;
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
        FromFollower ? partition.Log.LogEndOffset
        : ReadCommitted ? partition.LastStableOffset
        : partition.HighWatermark;

    /// <summary>Reads every partition into a response; the records are copied into pooled buffers it owns.</summary>
    public FetchResponseLease Read()
    {
        var lease = new FetchResponseLease();
        if (_session is null) return Fill(lease);
        lock (_session.Lock)
        {
            lease.Response.SessionId = _session.Id;
            return Fill(lease);
        }
    }

    private FetchResponseLease Fill(FetchResponseLease lease)
    {
        FetchResponse response = lease.Response;
        long remaining = MaxBytes <= 0 ? int.MaxValue : MaxBytes;
        FetchResponse.FetchableTopicResponse? current = null;
        foreach (Entry entry in _entries)
        {
            FetchResponse.PartitionData data = ReadPartition(entry, lease, ref remaining);
            if (entry.Cached is { } cached)
            {
                cached.Served = data.Records is { Length: > 0 };
                bool news = cached.Served || data.HighWatermark != cached.LastHighWatermark
                    || data.LastStableOffset != cached.LastStableOffset
                    || data.LogStartOffset != cached.LastLogStartOffset
                    || data.ErrorCode != cached.LastError;
                cached.LastHighWatermark = data.HighWatermark;
                cached.LastStableOffset = data.LastStableOffset;
                cached.LastLogStartOffset = data.LogStartOffset;
                cached.LastError = data.ErrorCode;
                if (_incremental && !news) continue;
            }
            if (current is null || !string.Equals(current.Topic, entry.Topic, StringComparison.Ordinal)
                || current.TopicId != entry.TopicId)
            {
                current = new FetchResponse.FetchableTopicResponse { Topic = entry.Topic, TopicId = entry.TopicId };
                response.Responses.Add(current);
            }
            current.Partitions.Add(data);
        }
        _session?.MoveServedToEnd();
        return lease;
    }

    private FetchResponse.PartitionData ReadPartition(Entry entry, FetchResponseLease lease, ref long remaining)
    {
        var data = new FetchResponse.PartitionData
        {
            PartitionIndex = entry.PartitionIndex,
            HighWatermark = -1,
            LastStableOffset = -1,
            LogStartOffset = -1,
            PreferredReadReplica = -1,
            AbortedTransactions = ReadCommitted ? [] : null,
            Records = ReadOnlySequence<byte>.Empty,
        };
        if (entry.Error != ErrorCode.None || entry.Partition is not { } partition)
        {
            data.ErrorCode = (short)entry.Error;
            return data;
        }
        if (!partition.State.IsLeader)
        {
            // Leadership moved while the fetch waited.
            data.ErrorCode = (short)ErrorCode.NotLeaderOrFollower;
            return data;
        }
        data.HighWatermark = partition.HighWatermark;
        data.LastStableOffset = partition.LastStableOffset;
        data.LogStartOffset = partition.Log.LogStartOffset;
        if (entry.Diverging is { } diverging)
        {
            data.DivergingEpoch.Epoch = diverging.LeaderEpoch;
            data.DivergingEpoch.EndOffset = diverging.Offset;
            return data;
        }
        long end = Bound(partition);
        if (entry.FetchOffset == end) return data;
        // Not yet visible: the offset is in the log but above what this fetch may read.
        if (entry.FetchOffset > end && entry.FetchOffset <= partition.Log.LogEndOffset) return data;
        int budget = (int)Math.Min(Math.Min(remaining, entry.MaxBytes), int.MaxValue);
        using LogReadResult read =
            partition.Log.Read(entry.FetchOffset, budget, end, minOneBatch: lease.RecordBytes == 0);
        if (read.Status != ReadStatus.Ok)
        {
            data.ErrorCode = (short)ErrorMapping.ToErrorCode(read.Status);
            return data;
        }
        if (read.Length == 0) return data;
        Memory<byte> buffer = lease.Rent(read.Length);
        read.CopyTo(buffer.Span);
        data.Records = new ReadOnlySequence<byte>(buffer);
        remaining -= read.Length;
        return data;
    }

    private sealed class Entry(string topic, Guid topicId, int partitionIndex, long fetchOffset, int maxBytes,
        SessionPartition? cached)
    {
        public string Topic { get; } = topic;

        public Guid TopicId { get; set; } = topicId;

        public int PartitionIndex { get; } = partitionIndex;

        public long FetchOffset { get; } = fetchOffset;

        public int MaxBytes { get; } = maxBytes;

        public SessionPartition? Cached { get; } = cached;

        public Partition? Partition { get; set; }

        public ErrorCode Error { get; set; }

        /// <summary>The epoch of the follower's last fetched batch; -1 for a consumer or an old version.</summary>
        public int LastFetchedEpoch { get; set; } = -1;

        /// <summary>The follower's log start offset (v5+); -1 when not sent.</summary>
        public long LogStartOffset { get; set; } = -1;

        /// <summary>Where the follower's log diverges from this leader's, when it does.</summary>
        public OffsetAndEpoch? Diverging { get; set; }
    }
}
