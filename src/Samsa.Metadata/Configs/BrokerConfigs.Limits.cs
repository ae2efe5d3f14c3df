namespace Samsa.Metadata.Configs;

// What bounds memory and request sizes.
public static partial class BrokerConfigs
{
    /// <summary>
    /// Samsa's default <c>message.max.bytes</c> and <c>max.message.bytes</c>: a 1 MiB record with its batch header,
    /// record framing, key and headers. Kafka's 1,048,588 admits a 1 MiB batch, not a 1 MiB record.
    /// </summary>
    public const int DefaultMaxMessageBytes = (1 << 20) + 4096;

    public static readonly ConfigDef<long?> Memory = ConfigDef.Size("samsa.memory", min: 64L << 20, samsa: true,
        importance: ConfigImportance.High,
        doc: "The memory budget of the process (SAMSA_MEMORY): request buffers and caches are sized from it, so "
            + "there is no heap to tune. A number of bytes or a size such as 512m or 2GiB. Unset: half of the "
            + "memory available to the process, which is the container's limit when there is one.");

    public static readonly ConfigDef<int> SocketRequestMaxBytes = ConfigDef.Int("socket.request.max.bytes",
        defaultValue: 100 * 1024 * 1024, min: 1, importance: ConfigImportance.High,
        doc: "The largest request frame accepted; a larger one closes the connection before it is read.");

    public static readonly ConfigDef<int> FetchMaxBytes = ConfigDef.Int("fetch.max.bytes",
        defaultValue: 2 * 1024 * 1024, min: 1024, importance: ConfigImportance.Medium,
        doc: "The most record bytes one consumer fetch response carries, whatever the consumer asks (at least one "
            + "whole batch, however large). Samsa copies a response through memory before it sends it, so a small "
            + "response starts flowing sooner and holds less; the consumer fetches again at once. Kafka's default is "
            + "55 MiB; 2 MiB read back fastest here (bench/README.md). Followers' fetches are not capped by it.");

    public static readonly ConfigDef<long> QueuedMaxRequestBytes = ConfigDef.Long("queued.max.request.bytes",
        defaultValue: -1, min: -1, importance: ConfigImportance.Medium,
        doc: "Bytes of requests read but not yet answered, across all connections; at the limit connections stop "
            + "reading and clients feel TCP back-pressure. -1: a quarter of samsa.memory, and never less than "
            + "socket.request.max.bytes (Kafka's -1 means no limit). Otherwise at least socket.request.max.bytes.");

    public static readonly ConfigDef<long> ConnectionsMaxIdleMs = ConfigDef.Long("connections.max.idle.ms",
        defaultValue: 10 * 60 * 1000, min: -1, importance: ConfigImportance.Medium,
        doc: "A connection with no request for this long, and none in flight, is closed. -1 keeps idle "
            + "connections open.");

    public static readonly ConfigDef<int> MessageMaxBytes = ConfigDef.Int("message.max.bytes",
        defaultValue: DefaultMaxMessageBytes, min: 0, dynamic: true, importance: ConfigImportance.High,
        doc: "The largest record batch a producer may send, after compression; a topic's max.message.bytes "
            + "overrides it. Samsa's default, 1 MiB + 4 KiB, admits a 1 MiB record with its batch overhead.");
}
