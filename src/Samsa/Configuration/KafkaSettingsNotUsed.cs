namespace Samsa.Configuration;

/// <summary>
/// Kafka broker keys that existing configurations often carry and Samsa deliberately does not read, with the
/// reason, so the start-up warning says more than "unknown".
/// </summary>
internal static class KafkaSettingsNotUsed
{
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>(
        StringComparer.Ordinal)
    {
        ["num.network.threads"] = "Kestrel sizes its own I/O threads",
        ["num.io.threads"] = "requests run on the .NET thread pool",
        ["background.threads"] = "background work runs on the .NET thread pool",
        ["socket.send.buffer.bytes"] = "the operating system's socket buffer sizes apply",
        ["socket.receive.buffer.bytes"] = "the operating system's socket buffer sizes apply",
        ["log.flush.interval.messages"] = "log.flush.mode sets the durability policy",
        ["log.flush.interval.ms"] = "log.flush.mode sets the durability policy",
        ["log.flush.scheduler.interval.ms"] = "log.flush.mode sets the durability policy",
        ["log.segment.delete.delay.ms"] = "segments are deleted at once",
        ["zookeeper.connect"] = "Samsa has no ZooKeeper mode",
        ["security.inter.broker.protocol"] = "Samsa serves PLAINTEXT only; inter.broker.listener.name picks the "
            + "listener",
        ["transaction.state.log.replication.factor"] = "transactions are not implemented yet",
        ["transaction.state.log.min.isr"] = "transactions are not implemented yet",
        ["jmx.port"] = "Samsa has no JMX; metrics will be served on http.listeners at /metrics",
    };
}
