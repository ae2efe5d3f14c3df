namespace Samsa.Broker.Handlers;

/// <summary>One partition of a fetch session: what the client asked for and what it was last told.</summary>
internal sealed class SessionPartition(string topic, Guid topicId, int partition)
{
    public string Topic { get; } = topic;

    public Guid TopicId { get; } = topicId;

    public int Partition { get; } = partition;

    public long FetchOffset { get; set; }

    public int MaxBytes { get; set; }

    public int CurrentLeaderEpoch { get; set; } = -1;

    public long LastHighWatermark { get; set; } = -2;

    public long LastStableOffset { get; set; } = -2;

    public long LastLogStartOffset { get; set; } = -2;

    public short LastError { get; set; } = -2;

    /// <summary>
    /// Returned records in the response being built; cleared by <see cref="FetchSession.MoveServedToEnd"/>.
    /// </summary>
    public bool Served { get; set; }
}
