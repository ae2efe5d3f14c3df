namespace Samsa.LoadGen;

/// <summary>One load to put on a cluster: a topic, its producers and consumers, and the measured window.</summary>
internal sealed record Workload
{
    /// <summary>The produce row: 8 partitions, 2 producers unthrottled, acks=1, linger 5 ms, batches of
    /// 1 MiB.</summary>
    public static Workload ProduceRow(string name, string topic, TimeSpan warmup, TimeSpan duration) => new()
    {
        Name = name, Topic = topic, Partitions = 8, Producers = 2, Acks = "1", LingerMs = 5, BatchBytes = 1 << 20,
        Warmup = warmup, Duration = duration,
    };

    public required string Name { get; init; }

    public required string Topic { get; init; }

    public int Partitions { get; init; } = 8;

    /// <summary>The topic's replication factor: 1 on the single broker, 2 for the cluster rows.</summary>
    public short ReplicationFactor { get; init; } = 1;

    /// <summary>Topic configs set when the topic is created (flush.mode=fsync for the durable row).</summary>
    public IReadOnlyDictionary<string, string> TopicConfigs { get; init; } = new Dictionary<string, string>();

    public int Producers { get; init; } = 1;

    /// <summary>Consumers that split the partitions between them (manual assignment) and measure end-to-end
    /// latency.</summary>
    public int Consumers { get; init; }

    public int MessageBytes { get; init; } = 1024;

    /// <summary>Messages a second over all producers; 0 sends as fast as the producers' queues take them.</summary>
    public double Rate { get; init; }

    /// <summary>"0", "1" or "all".</summary>
    public string Acks { get; init; } = "1";

    public double LingerMs { get; init; } = 5;

    public int BatchBytes { get; init; } = 1 << 20;

    public bool Idempotence { get; init; }

    /// <summary>max.in.flight.requests.per.connection; null keeps the client's default (5 with idempotence).</summary>
    public int? MaxInFlight { get; init; }

    public string Compression { get; init; } = "none";

    /// <summary>Each producer asks for the delivery report of one message in this many (see ProducerWorker): every
    /// message when the row has a rate, one in 16 unthrottled.</summary>
    public int ReportEvery => Rate > 0 ? 1 : 16;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
}
