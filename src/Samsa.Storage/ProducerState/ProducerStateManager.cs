namespace Samsa.Storage.ProducerState;

// The idempotent producers of one partition: for each producer id, its epoch and its last five batches (sequence
// range and offsets). The leader checks a batch against it before writing and records it after; a follower and
// recovery record batches without checking, so the same log gives the same state wherever it is read. Kafka's
// rules (ProducerAppendInfo, with KIP-360): a retry of a remembered batch is a duplicate; an older epoch is fenced;
// a new epoch must start at sequence 0; within an epoch a batch must follow the last one (wrapping at int.MaxValue);
// a producer the partition does not know (new, expired, or whose batches retention removed) may start anywhere.
/// <summary>The sequence and epoch state machine of one partition's producers.</summary>
/// <remarks>Not thread-safe: the partition log calls it under its lock, as the single writer.</remarks>
internal sealed class ProducerStateManager
{
    /// <summary>How many of a producer's batches a partition remembers: a client has at most five in flight.</summary>
    public const int BatchesToRetain = 5;

    private readonly Dictionary<long, ProducerStateEntry> _producers = [];
    private TimeSpan _expiration;
    private long _expirationMs;

    public ProducerStateManager(TimeSpan expiration) => Expiration = expiration;

    /// <summary><c>producer.id.expiration.ms</c>: a producer whose last batch is this old is forgotten.</summary>
    public TimeSpan Expiration
    {
        get => _expiration;
        set
        {
            _expiration = value;
            _expirationMs = (long)Math.Min(value.TotalMilliseconds, long.MaxValue / 2);
        }
    }

    /// <summary>Producers in the map, expired ones included until the next sweep or lookup.</summary>
    public int Count => _producers.Count;

    public IEnumerable<ProducerStateEntry> Producers => _producers.Values;

    public bool IsExpired(ProducerStateEntry entry, long now) => now - entry.LastTimestamp >= _expirationMs;

    /// <summary>The live entry of <paramref name="producerId"/>; an expired one is removed and not returned.</summary>
    public ProducerStateEntry? Find(long producerId, long now)
    {
        if (!_producers.TryGetValue(producerId, out ProducerStateEntry? entry)) return null;
        if (!IsExpired(entry, now)) return entry;
        _producers.Remove(producerId);
        return null;
    }

    /// <summary>
    /// Checks a client's batch (a leader's append) against the producer's state; changes nothing. On
    /// <see cref="ProducerAppendCheck.Duplicate"/>, <paramref name="duplicate"/> is the original batch.
    /// </summary>
    public ProducerAppendCheck Check(long producerId, short epoch, int firstSequence, int lastSequence, long now,
        out BatchMetadata duplicate)
    {
        duplicate = default;
        ProducerStateEntry? entry = Find(producerId, now);
        if (entry is null) return ProducerAppendCheck.Append;
        return Check(entry.Epoch, entry.Last.LastSequence, entry, epoch, firstSequence, lastSequence, out duplicate);
    }

    /// <summary>
    /// The rules against a producer at <paramref name="currentEpoch"/> whose last sequence is
    /// <paramref name="currentLastSequence"/>; <paramref name="entry"/> (may be null) holds the batches a retry may
    /// repeat.
    /// </summary>
    public static ProducerAppendCheck Check(short currentEpoch, int currentLastSequence, ProducerStateEntry? entry,
        short epoch, int firstSequence, int lastSequence, out BatchMetadata duplicate)
    {
        duplicate = default;
        if (entry is not null && epoch == entry.Epoch && entry.TryFindBatch(firstSequence, lastSequence, out duplicate))
            return ProducerAppendCheck.Duplicate;
        if (epoch < currentEpoch) return ProducerAppendCheck.InvalidProducerEpoch;
        if (epoch != currentEpoch)
            return firstSequence == 0 ? ProducerAppendCheck.Append : ProducerAppendCheck.OutOfOrderSequence;
        return InSequence(currentLastSequence, firstSequence)
            ? ProducerAppendCheck.Append
            : ProducerAppendCheck.OutOfOrderSequence;
    }

    /// <summary>Kafka's rule: the next sequence follows the last, and after <see cref="int.MaxValue"/> comes
    /// 0.</summary>
    public static bool InSequence(int lastSequence, int nextSequence) =>
        nextSequence == lastSequence + 1L || (nextSequence == 0 && lastSequence == int.MaxValue);

    /// <summary>The sequence <paramref name="delta"/> before <paramref name="sequence"/>, wrapping below 0.</summary>
    public static int DecrementSequence(int sequence, int delta) =>
        sequence - delta < 0 ? int.MaxValue - (delta - sequence) + 1 : sequence - delta;

    /// <summary>Records an appended batch (leader, follower or replay); an unknown producer gets an entry.</summary>
    public void Record(in RecordBatchHeader header, long timestamp)
    {
        var batch = new BatchMetadata(header.BaseSequence, header.LastSequence, header.BaseOffset, header.LastOffset,
            timestamp);
        Record(header.ProducerId, header.ProducerEpoch, batch);
    }

    public void Record(long producerId, short epoch, BatchMetadata batch)
    {
        if (!_producers.TryGetValue(producerId, out ProducerStateEntry? entry))
        {
            entry = new ProducerStateEntry(producerId, epoch);
            _producers.Add(producerId, entry);
        }
        entry.Add(epoch, batch);
    }

    /// <summary>Forgets producers idle for <see cref="Expiration"/>; returns how many.</summary>
    public int RemoveExpired(long now)
    {
        List<long>? expired = null;
        foreach (ProducerStateEntry entry in _producers.Values)
        {
            if (IsExpired(entry, now)) (expired ??= []).Add(entry.ProducerId);
        }
        if (expired is null) return 0;
        foreach (long producerId in expired)
            _producers.Remove(producerId);
        return expired.Count;
    }

    public void Clear() => _producers.Clear();

    /// <summary>The live producers, for DescribeProducers.</summary>
    public List<ProducerDescription> Describe(long now)
    {
        var producers = new List<ProducerDescription>(_producers.Count);
        foreach (ProducerStateEntry entry in _producers.Values)
        {
            if (IsExpired(entry, now)) continue;
            producers.Add(new ProducerDescription(entry.ProducerId, entry.Epoch, entry.Last.LastSequence,
                entry.LastTimestamp, -1, -1));
        }
        producers.Sort(static (a, b) => a.ProducerId.CompareTo(b.ProducerId));
        return producers;
    }
}
