using Confluent.Kafka;

namespace Samsa.GoldenCapture;

/// <summary>
/// Drives real Confluent.Kafka clients through the proxy, one after another, so that the APIs a typical
/// application uses all appear on the wire. Every blocking call has a deadline.
/// </summary>
internal sealed class ClientScenarios
{
    public const string GroupId = "golden-group";
    public const string TransactionalTopic = "golden-txn";
    public const string TransactionalLabel = "transactional";
    public const string ClientIdPrefix = "golden-";

    /// <summary>Every compression codec the record batch format knows, in attribute order.</summary>
    public static IReadOnlyList<(string Name, CompressionType Type)> Codecs { get; } =
    [
        ("none", CompressionType.None), ("gzip", CompressionType.Gzip), ("snappy", CompressionType.Snappy),
        ("lz4", CompressionType.Lz4), ("zstd", CompressionType.Zstd),
    ];

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly RecordingProxy _proxy;

    public ClientScenarios(RecordingProxy proxy) => _proxy = proxy;

    public static string TopicFor(string codec) => $"golden-{codec}";

    public static string ProducerClientId(string label) => $"{ClientIdPrefix}producer-{label}";

    /// <summary>ApiVersions and Metadata (all topics) from an admin client.</summary>
    public void RunAdmin()
    {
        var config = new AdminClientConfig
        {
            BootstrapServers = _proxy.BootstrapServers,
            ClientId = ClientIdPrefix + "admin",
        };
        using IAdminClient admin = new AdminClientBuilder(config).SetLogHandler(Log.Librdkafka).Build();
        Metadata metadata = admin.GetMetadata(CallTimeout);
        Log.Info($"admin: metadata lists {metadata.Brokers.Count} broker(s), {metadata.Topics.Count} topic(s)");
    }

    /// <summary>One producer per codec, each sending <see cref="GoldenRecord.Standard"/> as a single batch.</summary>
    public async Task RunProducersAsync()
    {
        foreach ((string name, CompressionType type) in Codecs)
        {
            var config = new ProducerConfig
            {
                BootstrapServers = _proxy.BootstrapServers,
                ClientId = ProducerClientId(name),
                CompressionType = type,
                LingerMs = 200,
                Acks = Acks.All,
                EnableIdempotence = false,
            };
            using IProducer<byte[]?, byte[]?> producer =
                new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler(Log.Librdkafka).Build();
            await ProduceAllAsync(producer, TopicFor(name), GoldenRecord.Standard);
            producer.Flush(CallTimeout);
            if (name == "none")
            {
                // Auto-creates the transactional topic now, so the consumer is assigned it from the start.
                using IAdminClient admin = new DependentAdminClientBuilder(producer.Handle).Build();
                admin.GetMetadata(TransactionalTopic, CallTimeout);
            }
            Log.Info($"producer {name}: {GoldenRecord.Standard.Count} records delivered");
        }
    }

    private static async Task ProduceAllAsync(IProducer<byte[]?, byte[]?> producer, string topic,
        IReadOnlyList<GoldenRecord> records)
    {
        var partition = new TopicPartition(topic, new Partition(0));
        // All enqueued before the linger expires, so they travel in one batch of one Produce request.
        Task<DeliveryResult<byte[]?, byte[]?>>[] deliveries =
            [.. records.Select(r => producer.ProduceAsync(partition, ToMessage(r)))];
        await Task.WhenAll(deliveries).WaitAsync(CallTimeout);
    }

    private static Message<byte[]?, byte[]?> ToMessage(GoldenRecord record)
    {
        var headers = new Headers();
        foreach (GoldenHeader header in record.Headers)
        {
            headers.Add(new Header(header.Key, header.Value));
        }
        return new Message<byte[]?, byte[]?>
        {
            Key = record.Key,
            Value = record.Value,
            Headers = headers,
            Timestamp = new Timestamp(record.Timestamp, TimestampType.CreateTime),
        };
    }

    /// <summary>
    /// A classic-protocol group member: FindCoordinator, JoinGroup, SyncGroup, OffsetFetch, ListOffsets, Fetch,
    /// OffsetCommit, Heartbeat, LeaveGroup. While it is in the group a transactional producer commits records
    /// and offsets, which the consumer then reads back (read_committed).
    /// </summary>
    public async Task RunConsumerAsync()
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _proxy.BootstrapServers,
            ClientId = ClientIdPrefix + "consumer",
            GroupId = GroupId,
            GroupProtocol = GroupProtocol.Classic,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            IsolationLevel = IsolationLevel.ReadCommitted,
        };
        using IConsumer<byte[]?, byte[]?> consumer =
            new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler(Log.Librdkafka).Build();
        consumer.Subscribe([.. Codecs.Select(c => TopicFor(c.Name)), TransactionalTopic]);

        int expected = Codecs.Count * GoldenRecord.Standard.Count;
        int consumed = ConsumeUntil(consumer, expected, TimeSpan.FromSeconds(25));
        Log.Info($"consumer: {consumed} of {expected} records");
        if (consumed < expected)
        {
            throw new InvalidOperationException($"consumer read {consumed} of {expected} records in time");
        }

        await Task.Run(consumer.Commit).WaitAsync(CallTimeout);
        var first = new TopicPartition(TopicFor("none"), new Partition(0));
        WatermarkOffsets watermarks = consumer.QueryWatermarkOffsets(first, CallTimeout);
        List<TopicPartitionOffset> byTime = consumer.OffsetsForTimes(
            [new TopicPartitionTimestamp(first, new Timestamp(GoldenRecord.BaseTimestamp + 2,
                TimestampType.CreateTime))],
            CallTimeout);
        Log.Info($"consumer: watermarks {watermarks.Low}..{watermarks.High}, offset for time {byTime[0].Offset}");

        await WaitForAsync(() => _proxy.HasSeen(ApiCatalog.Heartbeat), TimeSpan.FromSeconds(5), consumer);
        if (await TryRunTransactionAsync(consumer))
        {
            int more = ConsumeUntil(consumer, GoldenRecord.Transactional.Count, TimeSpan.FromSeconds(10));
            Log.Info($"consumer: {more} transactional records");
        }

        await Task.Run(consumer.Close).WaitAsync(CallTimeout);
    }

    private static int ConsumeUntil(IConsumer<byte[]?, byte[]?> consumer, int count, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int consumed = 0;
        while (consumed < count && DateTime.UtcNow < deadline)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false })
                {
                    consumed++;
                }
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                Log.Warning($"consumer: {ex.Error.Reason}");
            }
        }
        return consumed;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout,
        IConsumer<byte[]?, byte[]?> consumer)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            consumer.Consume(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }
    }

    /// <summary>
    /// InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn. Optional: a failure is
    /// reported and the capture goes on without these APIs.
    /// </summary>
    private async Task<bool> TryRunTransactionAsync(IConsumer<byte[]?, byte[]?> consumer)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = _proxy.BootstrapServers,
            ClientId = ProducerClientId(TransactionalLabel),
            TransactionalId = ClientIdPrefix + "txn",
            LingerMs = 200,
        };
        try
        {
            using IProducer<byte[]?, byte[]?> producer =
                new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler(Log.Librdkafka).Build();
            producer.InitTransactions(CallTimeout);
            producer.BeginTransaction();
            await ProduceAllAsync(producer, TransactionalTopic, GoldenRecord.Transactional);
            producer.SendOffsetsToTransaction(
                [new TopicPartitionOffset(TopicFor("none"), new Partition(0), new Offset(GoldenRecord.Standard.Count))],
                consumer.ConsumerGroupMetadata, CallTimeout);
            producer.CommitTransaction(CallTimeout);
            Log.Info("transactional producer: committed");
            return true;
        }
        catch (KafkaException ex)
        {
            Log.Warning($"transactional producer failed, its APIs are not captured: {ex.Message}");
            return false;
        }
        catch (TimeoutException ex)
        {
            Log.Warning($"transactional producer timed out, its APIs are not captured: {ex.Message}");
            return false;
        }
    }
}
