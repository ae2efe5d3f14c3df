namespace Samsa.Testing.History;

/// <summary>
/// What a workload did and saw, recorded as it ran, for <see cref="HistoryChecker"/>: each send a producer attempted
/// (in its order), how it ended, and each record a consumer read. Values must be unique across the run. Thread-safe:
/// producers and consumers record from their own threads.
/// </summary>
public sealed class WriteHistory
{
    private readonly Lock _lock = new();
    private readonly List<Send> _sends = [];
    private readonly Dictionary<string, int> _sendByValue = new(StringComparer.Ordinal);
    private readonly List<ReadRecord> _reads = [];

    /// <summary>Records that <paramref name="producer"/> is about to send <paramref name="value"/> to
    /// <paramref name="partition"/>, after every send it recorded before.</summary>
    public void Attempted(string producer, int partition, string value, TimeSpan at)
    {
        lock (_lock)
        {
            if (!_sendByValue.TryAdd(value, _sends.Count))
                throw new ArgumentException($"the value {value} was sent twice; values must be unique", nameof(value));
            _sends.Add(new Send(producer, partition, value, at));
        }
    }

    /// <summary>Records that the broker acknowledged <paramref name="value"/> at <paramref name="offset"/>.</summary>
    public void Acknowledged(string value, long offset, TimeSpan at) => Update(value, s => s with
    {
        Outcome = SendOutcome.Acknowledged, Offset = offset, CompletedAt = at,
    });

    /// <summary>Records that the send of <paramref name="value"/> failed: it may or may not have been written.
    /// </summary>
    public void Failed(string value, TimeSpan at) =>
        Update(value, s => s with { Outcome = SendOutcome.Failed, CompletedAt = at });

    /// <summary>Records that <paramref name="consumer"/> read <paramref name="value"/> at
    /// <paramref name="offset"/> of <paramref name="partition"/>, after every read it recorded before.</summary>
    public void Read(string consumer, int partition, long offset, string value)
    {
        lock (_lock) _reads.Add(new ReadRecord(consumer, partition, offset, value));
    }

    /// <summary>Every send, in the order recorded.</summary>
    public IReadOnlyList<Send> Sends
    {
        get
        {
            lock (_lock) return [.. _sends];
        }
    }

    /// <summary>Every read, in the order recorded.</summary>
    public IReadOnlyList<ReadRecord> Reads
    {
        get
        {
            lock (_lock) return [.. _reads];
        }
    }

    private void Update(string value, Func<Send, Send> change)
    {
        lock (_lock)
        {
            if (!_sendByValue.TryGetValue(value, out int index))
                throw new ArgumentException($"the value {value} was never sent", nameof(value));
            _sends[index] = change(_sends[index]);
        }
    }
}

/// <summary>How a send ended.</summary>
public enum SendOutcome
{
    /// <summary>No answer yet (the run ended first): it may or may not have been written.</summary>
    Pending,

    /// <summary>The broker acknowledged it at an offset: it must be read there.</summary>
    Acknowledged,

    /// <summary>The client gave up (an error or a timeout): it may or may not have been written.</summary>
    Failed,
}

/// <summary>One send a producer attempted.</summary>
public sealed record Send(string Producer, int Partition, string Value, TimeSpan AttemptedAt)
{
    public SendOutcome Outcome { get; init; }

    /// <summary>The offset the broker acknowledged; -1 unless acknowledged.</summary>
    public long Offset { get; init; } = -1;

    /// <summary>When the acknowledgement or the failure came; null while pending.</summary>
    public TimeSpan? CompletedAt { get; init; }
}

/// <summary>One record a consumer read.</summary>
public sealed record ReadRecord(string Consumer, int Partition, long Offset, string Value);
