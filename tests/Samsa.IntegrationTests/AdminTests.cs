using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol.Messages;
using ApiKey = Samsa.Protocol.ApiKey;

namespace Samsa.IntegrationTests;

/// <summary>Confluent.Kafka's admin client against a real Samsa broker: topics, partitions, configs, records.</summary>
/// <remarks>
/// librdkafka sends CreateTopics v4, DeleteTopics v4, CreatePartitions v2, DescribeConfigs v1 (always with synonyms),
/// AlterConfigs v2, IncrementalAlterConfigs v1 and DeleteRecords v2; its DescribeCluster and DescribeTopics use
/// Metadata, and it has no DescribeLogDirs. The other versions and APIs are covered by the handler tests.
/// </remarks>
public sealed class AdminTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_topics_with_configs_and_see_them_described()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();

        await Within(admin.CreateTopicsAsync(
        [
            new TopicSpecification
            {
                Name = "orders", NumPartitions = 3, ReplicationFactor = 1,
                Configs = new() { ["retention.ms"] = "60000", ["cleanup.policy"] = "compact" },
            },
            new TopicSpecification { Name = "defaults", NumPartitions = -1, ReplicationFactor = -1 },
        ], Options(new CreateTopicsOptions())));

        DescribeTopicsResult described = await Within(admin.DescribeTopicsAsync(
            TopicCollection.OfTopicNames(["orders", "defaults"]),
            new DescribeTopicsOptions { RequestTimeout = Deadline }));
        TopicDescription orders = described.TopicDescriptions.Single(t => t.Name == "orders");
        Assert.Equal(ErrorCode.NoError, orders.Error.Code);
        Assert.Equal([0, 1, 2], orders.Partitions.Select(p => p.Partition).Order());
        Assert.All(orders.Partitions, p => Assert.Equal(1, p.Leader.Id));
        Assert.Single(described.TopicDescriptions.Single(t => t.Name == "defaults").Partitions);

        Dictionary<string, ConfigEntryResult> configs = await DescribeTopicAsync(admin, "orders");
        Assert.Equal(("60000", ConfigSource.DynamicTopicConfig), ValueAndSource(configs["retention.ms"]));
        Assert.Equal("compact", configs["cleanup.policy"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, configs["segment.bytes"].Source);
    }

    [Fact]
    public async Task Create_topics_validates_only_when_asked_and_reports_each_bad_topic()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();
        await Within(admin.CreateTopicsAsync([new TopicSpecification { Name = "existing", NumPartitions = 1 }],
            Options(new CreateTopicsOptions())));

        await Within(admin.CreateTopicsAsync([new TopicSpecification { Name = "dry-run", NumPartitions = 2 }],
            Options(new CreateTopicsOptions { ValidateOnly = true })));
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "dry-run");

        CreateTopicsException failed = await Assert.ThrowsAsync<CreateTopicsException>(() => Within(
            admin.CreateTopicsAsync(
            [
                new TopicSpecification { Name = "existing", NumPartitions = 1 },
                new TopicSpecification { Name = "bad/name", NumPartitions = 1 },
                new TopicSpecification
                {
                    Name = "no-such-config", NumPartitions = 1, Configs = new() { ["x.y"] = "1" },
                },
                new TopicSpecification { Name = "too-replicated", NumPartitions = 1, ReplicationFactor = 3 },
                new TopicSpecification { Name = "fine", NumPartitions = 1 },
            ], Options(new CreateTopicsOptions()))));

        Dictionary<string, ErrorCode> errors = failed.Results.ToDictionary(r => r.Topic, r => r.Error.Code);
        Assert.Equal(ErrorCode.TopicAlreadyExists, errors["existing"]);
        Assert.Equal(ErrorCode.TopicException, errors["bad/name"]);
        Assert.Equal(ErrorCode.InvalidConfig, errors["no-such-config"]);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, errors["too-replicated"]);
        Assert.Equal(ErrorCode.NoError, errors["fine"]);
        Assert.Contains(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "fine");
    }

    [Fact]
    public async Task Describe_configs_of_topic_and_broker_with_sources_and_synonyms()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(props => props["log.retention.hours"] = "48");
        using IAdminClient admin = cluster.CreateAdmin();
        await Within(admin.CreateTopicsAsync(
            [
                new TopicSpecification
                {
                    Name = "orders", NumPartitions = 1, Configs = new() { ["max.message.bytes"] = "2048" },
                },
            ],
            Options(new CreateTopicsOptions())));

        Dictionary<string, ConfigEntryResult> topic = await DescribeTopicAsync(admin, "orders");
        ConfigEntryResult retention = topic["retention.ms"];
        Assert.Equal(((48L * 3_600_000).ToString(), ConfigSource.StaticBrokerConfig), ValueAndSource(retention));
        Assert.Equal(
            [
                ("log.retention.hours", "48", ConfigSource.StaticBrokerConfig),
                ("log.retention.hours", "168", ConfigSource.DefaultConfig),
            ],
            retention.Synonyms.Select(s => (s.Name, s.Value, s.Source)));
        Assert.Equal(("2048", ConfigSource.DynamicTopicConfig), ValueAndSource(topic["max.message.bytes"]));
        Assert.False(topic["max.message.bytes"].IsReadOnly);

        Dictionary<string, ConfigEntryResult> broker = await DescribeAsync(admin, ResourceType.Broker, "1");
        Assert.Equal(("48", ConfigSource.StaticBrokerConfig), ValueAndSource(broker["log.retention.hours"]));
        Assert.False(broker["log.retention.hours"].IsReadOnly);
        Assert.True(broker["node.id"].IsReadOnly);
        Assert.Equal("1", broker["node.id"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, broker["log.segment.bytes"].Source);

        DescribeConfigsException missing = await Assert.ThrowsAsync<DescribeConfigsException>(
            () => DescribeTopicAsync(admin, "missing"));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, Assert.Single(missing.Results).Error.Code);
    }

    [Fact]
    public async Task Alter_and_incremental_alter_configs_show_in_the_next_describe()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();
        await Within(admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 1 }],
            Options(new CreateTopicsOptions())));
        var orders = new ConfigResource { Type = ResourceType.Topic, Name = "orders" };

        await Within(admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [orders] =
            [
                new() { Name = "retention.ms", Value = "5000" }, new() { Name = "max.message.bytes", Value = "2048" },
            ],
        }, new AlterConfigsOptions { RequestTimeout = Deadline }));
        Dictionary<string, ConfigEntryResult> altered = await DescribeTopicAsync(admin, "orders");
        Assert.Equal(("5000", ConfigSource.DynamicTopicConfig), ValueAndSource(altered["retention.ms"]));
        Assert.Equal("2048", altered["max.message.bytes"].Value);

        await Within(admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [orders] =
            [
                new() { Name = "max.message.bytes", IncrementalOperation = AlterConfigOpType.Delete },
                new() { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append },
            ],
        }, new IncrementalAlterConfigsOptions { RequestTimeout = Deadline }));
        Dictionary<string, ConfigEntryResult> incremental = await DescribeTopicAsync(admin, "orders");
        Assert.Equal(ConfigSource.DefaultConfig, incremental["max.message.bytes"].Source);
        Assert.Equal("delete,compact", incremental["cleanup.policy"].Value);
        Assert.Equal("5000", incremental["retention.ms"].Value);

        await Within(admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [orders] = [Set("retention.ms", "1")],
        }, new IncrementalAlterConfigsOptions { RequestTimeout = Deadline, ValidateOnly = true }));
        Assert.Equal("5000", (await DescribeTopicAsync(admin, "orders"))["retention.ms"].Value);

        IncrementalAlterConfigsException bad = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => Within(
            admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [orders] = [Set("retention.ms", "soon")],
            }, new IncrementalAlterConfigsOptions { RequestTimeout = Deadline })));
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Single(bad.Results).Error.Code);
    }

    [Fact]
    public async Task Broker_dynamic_config_is_described_with_its_source_and_reaches_topics_without_override()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();
        await Within(admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 1 }],
            Options(new CreateTopicsOptions())));
        var broker = new ConfigResource { Type = ResourceType.Broker, Name = "1" };

        await Within(admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [broker] = [Set("log.retention.ms", "7200000")],
        }, new IncrementalAlterConfigsOptions { RequestTimeout = Deadline }));

        ConfigEntryResult brokerValue = (await DescribeAsync(admin, ResourceType.Broker, "1"))["log.retention.ms"];
        Assert.Equal(("7200000", ConfigSource.DynamicBrokerConfig), ValueAndSource(brokerValue));
        ConfigEntryResult topicValue = (await DescribeTopicAsync(admin, "orders"))["retention.ms"];
        Assert.Equal(("7200000", ConfigSource.DynamicBrokerConfig), ValueAndSource(topicValue));

        IncrementalAlterConfigsException staticKey = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() =>
            Within(admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [broker] = [Set("node.id", "5")],
            }, new IncrementalAlterConfigsOptions { RequestTimeout = Deadline })));
        Assert.NotEqual(ErrorCode.NoError, Assert.Single(staticKey.Results).Error.Code);
    }

    [Fact]
    public async Task Create_partitions_then_delete_topics()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();
        await Within(admin.CreateTopicsAsync(
            [
                new TopicSpecification { Name = "grow", NumPartitions = 1 },
                new TopicSpecification { Name = "gone", NumPartitions = 2 },
            ],
            Options(new CreateTopicsOptions())));

        await Within(admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 5 }],
            new CreatePartitionsOptions { ValidateOnly = true, RequestTimeout = Deadline }));
        Assert.Single(Topic(admin, "grow").Partitions);

        await Within(admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 3 }],
            new CreatePartitionsOptions { RequestTimeout = Deadline }));
        Assert.Equal(3, Topic(admin, "grow").Partitions.Count);
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            DeliveryResult<byte[]?, byte[]?> delivered = await producer.ProduceAsync(new TopicPartition("grow", 2),
                new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("on a new partition") }, Ct);
            Assert.Equal(0, delivered.Offset.Value);
        }

        CreatePartitionsException shrink = await Assert.ThrowsAsync<CreatePartitionsException>(() => Within(
            admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 2 }],
                new CreatePartitionsOptions { RequestTimeout = Deadline })));
        Assert.Equal(ErrorCode.InvalidPartitions, Assert.Single(shrink.Results).Error.Code);

        await Within(admin.DeleteTopicsAsync(["gone"], new DeleteTopicsOptions { RequestTimeout = Deadline }));
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "gone");
        Assert.False(Directory.Exists(Path.Combine(cluster.DataDir, "gone-0")));

        DeleteTopicsException missing = await Assert.ThrowsAsync<DeleteTopicsException>(() => Within(
            admin.DeleteTopicsAsync(["gone"], new DeleteTopicsOptions { RequestTimeout = Deadline })));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, Assert.Single(missing.Results).Error.Code);
    }

    [Fact]
    public async Task Delete_records_moves_the_low_watermark_and_a_consumer_from_the_beginning_starts_there()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            for (int i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("trimmed",
                    new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("m" + i) }, Ct);
            }
        }

        List<DeleteRecordsResult> deleted = await Within(admin.DeleteRecordsAsync(
            [new TopicPartitionOffset("trimmed", 0, 6)], new DeleteRecordsOptions { RequestTimeout = Deadline }));
        Assert.Equal(6, Assert.Single(deleted).Offset.Value);

        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        WatermarkOffsets watermarks =
            consumer.QueryWatermarkOffsets(new TopicPartition("trimmed", 0), TimeSpan.FromSeconds(10));
        Assert.Equal((6, 10), (watermarks.Low.Value, watermarks.High.Value));
        consumer.Assign(new TopicPartitionOffset("trimmed", 0, Offset.Beginning));
        ConsumeResult<byte[]?, byte[]?>? first = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        Assert.Equal(6, first.Offset.Value);
        Assert.Equal("m6", Encoding.UTF8.GetString(first.Message.Value!));

        DeleteRecordsException beyond = await Assert.ThrowsAsync<DeleteRecordsException>(() => Within(
            admin.DeleteRecordsAsync([new TopicPartitionOffset("trimmed", 0, 11)],
                new DeleteRecordsOptions { RequestTimeout = Deadline })));
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Single(beyond.Results).Error.Code);
    }

    [Fact]
    public async Task Describe_cluster_lists_this_broker_with_its_advertised_address()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();

        DescribeClusterResult described = await Within(admin.DescribeClusterAsync(
            new DescribeClusterOptions { RequestTimeout = Deadline }));

        Node node = Assert.Single(described.Nodes);
        Assert.Equal(1, node.Id);
        Assert.Equal(cluster.BootstrapServers, $"{node.Host}:{node.Port}");
        Assert.Equal(1, described.Controller.Id);
        Assert.False(string.IsNullOrEmpty(described.ClusterId));
    }

    [Fact]
    public async Task Apis_and_versions_librdkafka_does_not_send_are_served_over_the_wire()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            for (int i = 0; i < 3; i++)
                await producer.ProduceAsync("wire", new Message<byte[]?, byte[]?> { Value = [(byte)i] }, Ct);
        }
        await using RawKafkaConnection connection = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);

        ApiVersionsResponse versions = await RoundTripAsync<ApiVersionsResponse>(connection, ApiKey.ApiVersions, 3,
            new ApiVersionsRequest { ClientSoftwareName = "samsa-tests", ClientSoftwareVersion = "1" });
        Dictionary<short, (short Min, short Max)> served = versions.ApiKeys.ToDictionary(k => k.ApiKey,
            k => (k.MinVersion, k.MaxVersion));
        Assert.Equal(((short)0, (short)7), served[(short)ApiKey.CreateTopics]);
        Assert.Equal(((short)0, (short)4), served[(short)ApiKey.DescribeConfigs]);
        Assert.Equal(((short)0, (short)0), served[(short)ApiKey.DescribeTopicPartitions]);

        DescribeClusterResponse described = await RoundTripAsync<DescribeClusterResponse>(connection,
            ApiKey.DescribeCluster, 1, new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true });
        Assert.Equal((0, 1), (described.ErrorCode, Assert.Single(described.Brokers).BrokerId));
        Assert.NotEqual(int.MinValue, described.ClusterAuthorizedOperations);

        DescribeLogDirsResponse dirs = await RoundTripAsync<DescribeLogDirsResponse>(connection,
            ApiKey.DescribeLogDirs, 4, new DescribeLogDirsRequest { Topics = null });
        DescribeLogDirsResponse.DescribeLogDirsResult dir = Assert.Single(dirs.Results);
        Assert.Equal((0, Path.GetFullPath(cluster.DataDir)), (dir.ErrorCode, dir.LogDir));
        Assert.Contains(dir.Topics, t => t.Name == "wire" && t.Partitions.Single().PartitionSize > 0);
        Assert.True(dir.TotalBytes > 0);

        DescribeTopicPartitionsResponse partitions = await RoundTripAsync<DescribeTopicPartitionsResponse>(
            connection, ApiKey.DescribeTopicPartitions, 0,
            new DescribeTopicPartitionsRequest { Topics = [new() { Name = "wire" }, new() { Name = "missing" }] });
        Assert.Equal([("missing", (short)ErrorCode.UnknownTopicOrPart), ("wire", (short)0)],
            partitions.Topics.Select(t => (t.Name, t.ErrorCode)));
        Assert.Equal(1, partitions.Topics[1].Partitions.Single().LeaderId);

        int epoch = partitions.Topics[1].Partitions.Single().LeaderEpoch;
        OffsetForLeaderEpochResponse epochs = await RoundTripAsync<OffsetForLeaderEpochResponse>(connection,
            ApiKey.OffsetForLeaderEpoch, 4, new OffsetForLeaderEpochRequest
            {
                ReplicaId = -1,
                Topics =
                [
                    new()
                    {
                        Topic = "wire",
                        Partitions = [new() { Partition = 0, CurrentLeaderEpoch = epoch, LeaderEpoch = epoch }],
                    },
                ],
            });
        OffsetForLeaderEpochResponse.EpochEndOffset end = epochs.Topics.Single().Partitions.Single();
        Assert.Equal((0, epoch, 3L), (end.ErrorCode, end.LeaderEpoch, end.EndOffset));
    }

    private static TopicMetadata Topic(IAdminClient admin, string name)
    {
        TopicMetadata topic = Assert.Single(admin.GetMetadata(name, TimeSpan.FromSeconds(10)).Topics);
        Assert.Equal(ErrorCode.NoError, topic.Error.Code);
        return topic;
    }

    private static Task<Dictionary<string, ConfigEntryResult>> DescribeTopicAsync(IAdminClient admin, string topic) =>
        DescribeAsync(admin, ResourceType.Topic, topic);

    private static async Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(IAdminClient admin,
        ResourceType type, string name)
    {
        List<DescribeConfigsResult> results = await Within(admin.DescribeConfigsAsync(
            [new ConfigResource { Type = type, Name = name }],
            new DescribeConfigsOptions { RequestTimeout = Deadline }));
        return Assert.Single(results).Entries;
    }

    private static async Task<T> RoundTripAsync<T>(RawKafkaConnection connection, ApiKey key, short version,
        Samsa.Protocol.IKafkaMessage request)
        where T : Samsa.Protocol.IKafkaMessage<T>
    {
        Assert.True(await connection.SendAsync(RawKafkaConnection.EncodeRequest(key, version, 7, request)));
        byte[]? frame = await connection.ReadFrameAsync(Deadline);
        Assert.NotNull(frame);
        (int correlationId, T body) = RawKafkaConnection.DecodeResponse<T>(frame, key, version);
        Assert.Equal(7, correlationId);
        return body;
    }

    private static ConfigEntry Set(string name, string value) =>
        new() { Name = name, Value = value, IncrementalOperation = AlterConfigOpType.Set };

    private static (string? Value, ConfigSource Source) ValueAndSource(ConfigEntryResult entry) =>
        (entry.Value, entry.Source);

    private static CreateTopicsOptions Options(CreateTopicsOptions options)
    {
        options.RequestTimeout = Deadline;
        return options;
    }

    private static Task Within(Task task) => task.WaitAsync(Deadline, Ct);

    private static Task<T> Within<T>(Task<T> task) => task.WaitAsync(Deadline, Ct);
}
