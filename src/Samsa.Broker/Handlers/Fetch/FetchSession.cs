namespace Samsa.Broker.Handlers;

/// <summary>
/// An incremental fetch session (KIP-227): the partitions a client fetches, with the fetch offset and limits it
/// last sent and what the broker last answered for each, so later requests carry only what changed and responses
/// only partitions with news.
/// </summary>
/// <remarks>
/// One client uses a session at a time, but a delayed fetch completes on another thread, so every access holds
/// <see cref="Lock"/>.
/// </remarks>
internal sealed class FetchSession(int id, bool topicIds, long createdTimestamp)
{
    private readonly Dictionary<SessionKey, SessionPartition> _byKey = [];
    private readonly List<SessionPartition> _ordered = [];
    private readonly List<SessionPartition> _scratch = [];

    public int Id { get; } = id;

    /// <summary>Whether the session names topics by id (Fetch v13+) or by name.</summary>
    public bool TopicIds { get; } = topicIds;

    public object Lock { get; } = new();

    /// <summary>The epoch the next request must carry.</summary>
    public int NextEpoch { get; set; } = 1;

    public long LastUsedTimestamp { get; set; } = createdTimestamp;

    /// <summary>The partitions in the order they are read: as added, those that last returned records at the
    /// back.</summary>
    public IReadOnlyList<SessionPartition> Partitions => _ordered;

    public int Count => _ordered.Count;

    /// <summary>Adds a partition or updates its fetch position and limits.</summary>
    public void Upsert(string topic, Guid topicId, int partition, long fetchOffset, int maxBytes,
        int currentLeaderEpoch)
    {
        var key = new SessionKey(TopicIds ? topicId : Guid.Empty, TopicIds ? "" : topic, partition);
        if (_byKey.TryGetValue(key, out SessionPartition? existing))
        {
            existing.FetchOffset = fetchOffset;
            existing.MaxBytes = maxBytes;
            existing.CurrentLeaderEpoch = currentLeaderEpoch;
            return;
        }
        var added = new SessionPartition(topic, topicId, partition)
        {
            FetchOffset = fetchOffset, MaxBytes = maxBytes, CurrentLeaderEpoch = currentLeaderEpoch,
        };
        _byKey[key] = added;
        _ordered.Add(added);
    }

    /// <summary>
    /// Moves the partitions marked <see cref="SessionPartition.Served"/> behind all the others, keeping both groups'
    /// order, and clears the marks: when a response fills up before its last partitions, those come first next time
    /// and none starves (Kafka's sessions do the same). In place, allocating nothing once the scratch list has grown.
    /// </summary>
    public void MoveServedToEnd()
    {
        int kept = 0;
        for (int i = 0; i < _ordered.Count; i++)
        {
            if (_ordered[i].Served) _scratch.Add(_ordered[i]);
            else _ordered[kept++] = _ordered[i];
        }
        foreach (SessionPartition partition in _scratch)
        {
            partition.Served = false;
            _ordered[kept++] = partition;
        }
        _scratch.Clear();
    }

    public void Remove(string topic, Guid topicId, int partition)
    {
        var key = new SessionKey(TopicIds ? topicId : Guid.Empty, TopicIds ? "" : topic, partition);
        if (_byKey.Remove(key, out SessionPartition? removed)) _ordered.Remove(removed);
    }

    private readonly record struct SessionKey(Guid TopicId, string Topic, int Partition);
}
