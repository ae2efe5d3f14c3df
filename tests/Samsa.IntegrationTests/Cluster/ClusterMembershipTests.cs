using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol.Messages;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// Two Samsa nodes as OS processes configured with Kafka's KRaft keys only: node 1 broker and controller, node 2 a
/// broker that finds the controller through controller.quorum.voters. Real clients (Confluent.Kafka, kcat,
/// kafkajs) use either node as bootstrap.
/// </summary>
public sealed class ClusterMembershipTests
{
    private const string Topic = "membership";
    private const int Partitions = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_brokers_spread_a_topic_and_every_client_reaches_every_partition_through_either_node()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2);
        string node1 = cluster.Node(1).BootstrapServers;
        string node2 = cluster.Node(2).BootstrapServers;
        await cluster.WaitForBrokersAsync([1, 2], Deadline, node1);
        await cluster.WaitForBrokersAsync([1, 2], Deadline, node2);

        // CreateTopics sent to node 2, which is not the controller, is forwarded and takes effect everywhere.
        TopicMetadata topic = await CreateTopicAsync(cluster, via: node2, partitions: Partitions, seenFrom: node1);
        Assert.Equal([1, 2], topic.Partitions.Select(p => p.Leader).Distinct().Order());
        Assert.All(topic.Partitions, p => Assert.Equal([p.Leader], p.Replicas));

        await ConfluentRoundTripAsync(produceTo: node1, consumeFrom: node2, "confluent-a");
        await ConfluentRoundTripAsync(produceTo: node2, consumeFrom: node1, "confluent-b");
        await KcatRoundTripAsync(produceTo: node2, consumeFrom: node1);
        await KafkajsRoundTripAsync(node2);

        // DeleteTopics sent to node 2 takes effect too.
        using (IAdminClient admin = cluster.CreateAdmin(node2)) await admin.DeleteTopicsAsync([Topic]);
        using (IAdminClient admin = cluster.CreateAdmin(node1))
        {
            await Eventually.TrueAsync(
                () => admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics.All(t => t.Topic != Topic),
                Deadline, "node 1 to stop listing the deleted topic");
        }
    }

    [Fact]
    public async Task A_killed_broker_is_fenced_within_its_session_and_serves_every_acknowledged_message_again()
    {
        const int sessionMs = 3000, heartbeatMs = 500, perPartition = 20;
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2, configure: (_, s) =>
        {
            s["broker.session.timeout.ms"] = sessionMs.ToString(CultureInfo.InvariantCulture);
            s["broker.heartbeat.interval.ms"] = heartbeatMs.ToString(CultureInfo.InvariantCulture);
        });
        string node1 = cluster.Node(1).BootstrapServers;
        await cluster.WaitForBrokersAsync([1, 2], Deadline, node1);
        TopicMetadata before = await CreateTopicAsync(cluster, via: node1, partitions: Partitions, seenFrom: node1);
        int[] onNode2 = [.. before.Partitions.Where(p => p.Leader == 2).Select(p => p.PartitionId).Order()];
        Assert.NotEmpty(onNode2);
        List<string> acknowledged = await ProduceEveryPartitionAsync(cluster.BootstrapServers, "before", perPartition);

        var fencing = Stopwatch.StartNew();
        await cluster.Node(2).KillAsync();
        await cluster.WaitForBrokersAsync([1], Deadline, node1);
        TimeSpan fencedAfter = fencing.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"node 2 left Metadata {fencedAfter.TotalMilliseconds:F0} ms after SIGKILL");
        // The deadline is the session plus one heartbeat; reading Metadata adds up to one poll of the test's own.
        Assert.True(fencedAfter < TimeSpan.FromMilliseconds(sessionMs + heartbeatMs + 1000),
            $"node 2 left Metadata {fencedAfter.TotalMilliseconds:F0} ms after SIGKILL");
        Assert.True(fencedAfter > TimeSpan.FromMilliseconds(sessionMs - heartbeatMs - 100),
            $"node 2 was fenced {fencedAfter.TotalMilliseconds:F0} ms after SIGKILL, before its session lapsed");

        MetadataResponse metadata = await RawMetadataAsync(node1, Topic);
        foreach (MetadataResponse.MetadataResponsePartition partition in metadata.Topics[0].Partitions)
        {
            bool lost = onNode2.Contains(partition.PartitionIndex);
            Assert.Equal(lost ? (short)ErrorCode.LeaderNotAvailable : (short)0, partition.ErrorCode);
            Assert.Equal(lost ? -1 : 1, partition.LeaderId);
            Assert.Equal(lost ? [2] : [], partition.OfflineReplicas);
        }

        await cluster.Node(2).RestartAsync();
        await cluster.WaitForBrokersAsync([1, 2], Deadline, node1);
        TopicMetadata after = await WaitForLeadersAsync(cluster, node1, Topic);
        Assert.Equal(onNode2, after.Partitions.Where(p => p.Leader == 2).Select(p => p.PartitionId).Order());
        acknowledged.AddRange(await ProduceEveryPartitionAsync(cluster.BootstrapServers, "after", perPartition));
        List<string> read = ConsumeAll(cluster.BootstrapServers, acknowledged.Count);
        Assert.Equal(acknowledged.Order(), read.Order());
    }

    [Fact]
    public async Task A_controller_only_node_serves_no_clients_and_brokers_name_one_of_themselves_as_controller()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 3, configure: (id, s) =>
        {
            if (id != 1) return;
            s["process.roles"] = "controller";
            s["listeners"] = "CONTROLLER://" + s["controller.quorum.voters"].Split('@')[1];
        });
        string node2 = cluster.Node(2).BootstrapServers;
        await cluster.WaitForBrokersAsync([2, 3], Deadline, node2);

        TopicMetadata topic = await CreateTopicAsync(cluster, via: node2, partitions: Partitions, seenFrom: node2);
        Assert.Equal([2, 3], topic.Partitions.Select(p => p.Leader).Distinct().Order());
        Assert.Equal(2, (await RawMetadataAsync(node2, Topic)).ControllerId);
        Assert.Equal(3, (await RawMetadataAsync(cluster.Node(3).BootstrapServers, Topic)).ControllerId);
        Assert.Empty(Directory.GetDirectories(cluster.Node(1).DataDir, Topic + "-*"));
        Assert.Contains("serving the controller listener", cluster.Node(1).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_keeps_serving_while_its_controller_restarts_and_stays_registered()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2);
        string node2 = cluster.Node(2).BootstrapServers;
        await cluster.WaitForBrokersAsync([1, 2], Deadline, node2);
        TopicMetadata topic = await CreateTopicAsync(cluster, via: node2, partitions: 2, seenFrom: node2);
        int onNode2 = topic.Partitions.Single(p => p.Leader == 2).PartitionId;

        await cluster.Node(1).KillAsync();
        await cluster.Node(2).WaitForLineAsync(
            line => line.Contains("Waiting for the controller", StringComparison.Ordinal), Deadline);
        using (IProducer<Null, string> producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = node2, Acks = Acks.All, MessageTimeoutMs = 30_000,
        }).Build())
        {
            DeliveryResult<Null, string> delivered = await producer.ProduceAsync(new TopicPartition(Topic, onNode2),
                new Message<Null, string> { Value = "while the controller is away" }, Ct);
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }

        await cluster.Node(1).RestartAsync();
        await cluster.WaitForBrokersAsync([1, 2], Deadline, cluster.Node(1).BootstrapServers);
        Assert.Equal(1, Lines(cluster.Node(2), "Registered broker 2 with the controller"));
        // It follows the restarted controller's log with the registration it had.
        await Eventually.TrueAsync(() => Lines(cluster.Node(2), "Following the metadata log") == 2, Deadline,
            "node 2 to follow the restarted controller");
    }

    [Fact]
    public async Task A_broker_paused_past_its_session_is_fenced_and_unfenced_again_when_it_resumes()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2, configure: (_, s) =>
        {
            s["broker.session.timeout.ms"] = "3000";
            s["broker.heartbeat.interval.ms"] = "500";
        });
        string node1 = cluster.Node(1).BootstrapServers;
        await cluster.WaitForBrokersAsync([1, 2], Deadline, node1);

        cluster.Node(2).Pause();
        await cluster.WaitForBrokersAsync([1], Deadline, node1);
        cluster.Node(2).Resume();
        await cluster.WaitForBrokersAsync([1, 2], Deadline, node1);

        // The same registration comes back: its next heartbeat learns it was fenced, the one after unfences it.
        await cluster.Node(2).WaitForLineAsync(
            line => line.Contains("The controller fenced this broker", StringComparison.Ordinal), Deadline);
        await Eventually.TrueAsync(() => Lines(cluster.Node(2), "The controller unfenced this broker") == 2, Deadline,
            "node 2 to log its second unfencing");
        Assert.Equal(1, Lines(cluster.Node(2), "Registered broker 2 with the controller"));
    }

    [Fact]
    public async Task A_broker_started_before_its_controller_waits_saying_so_once_and_joins_when_it_comes()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2, start: false);
        NodeProcess broker = cluster.Node(2);
        await broker.StartAsync(waitUntilServing: false);
        await broker.WaitForLineAsync(line => line.Contains("Waiting for the controller", StringComparison.Ordinal),
            Deadline);

        await cluster.Node(1).StartAsync();
        await broker.WaitUntilServingAsync();
        await cluster.WaitForBrokersAsync([1, 2], Deadline, broker.BootstrapServers);
        int waits = Lines(broker, "Waiting for the controller");
        Assert.True(waits == 1, $"the wait was logged {waits} times\n{broker.Describe()}");
    }

    [Fact]
    public async Task A_broker_whose_log_dir_belongs_to_another_cluster_refuses_to_start_naming_both_ids()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2);
        NodeProcess broker = cluster.Node(2);
        await broker.StopAsync();
        string clusterId = ReadClusterId(cluster.Node(1).DataDir);
        const string other = "AnotherClusterIdAAAAAA";
        string metaPath = Path.Combine(broker.DataDir, "meta.properties");
        await File.WriteAllTextAsync(metaPath,
            (await File.ReadAllTextAsync(metaPath, Ct)).Replace(clusterId, other, StringComparison.Ordinal), Ct);

        await broker.StartAsync(waitUntilServing: false);
        string refusal = await broker.WaitForLineAsync(
            line => line.Contains(other, StringComparison.Ordinal)
                && line.Contains(clusterId, StringComparison.Ordinal),
            Deadline);
        Assert.Contains("rm -rf", refusal, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => !broker.IsRunning, Deadline, "node 2 to exit");
    }

    private static int Lines(NodeProcess node, string containing) =>
        node.Output.Split('\n').Count(line => line.Contains(containing, StringComparison.Ordinal));

    private static string ReadClusterId(string dataDir) =>
        File.ReadAllLines(Path.Combine(dataDir, "meta.properties"))
            .Single(l => l.StartsWith("cluster.id=", StringComparison.Ordinal))["cluster.id=".Length..];

    /// <summary>Creates the test topic (replication factor 1) through <paramref name="via"/> and waits until
    /// <paramref name="seenFrom"/> names a leader for each partition.</summary>
    private static async Task<TopicMetadata> CreateTopicAsync(ProcessCluster cluster, string via, int partitions,
        string seenFrom)
    {
        using (IAdminClient admin = cluster.CreateAdmin(via))
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = Topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
        }
        return await WaitForLeadersAsync(cluster, seenFrom, Topic, partitions);
    }

    private static async Task<TopicMetadata> WaitForLeadersAsync(ProcessCluster cluster, string bootstrap,
        string topic, int partitions = Partitions)
    {
        using IAdminClient admin = cluster.CreateAdmin(bootstrap);
        return await Eventually.ValueAsync(
            () => admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single(),
            t => t.Error.Code == ErrorCode.NoError && t.Partitions.Count == partitions
                && t.Partitions.All(p => p.Leader >= 0 && p.Error.Code == ErrorCode.NoError),
            Deadline, $"every partition of {topic} to have a leader");
    }

    private static async Task ConfluentRoundTripAsync(string produceTo, string consumeFrom, string prefix)
    {
        var sent = new List<string>();
        using (IProducer<Null, string> producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = produceTo, Acks = Acks.All, MessageTimeoutMs = 30_000,
        }).Build())
        {
            for (int p = 0; p < Partitions; p++)
            {
                for (int i = 0; i < 5; i++)
                {
                    string value = $"{prefix}-{p}-{i}";
                    await producer.ProduceAsync(new TopicPartition(Topic, p),
                        new Message<Null, string> { Value = value }, Ct);
                    sent.Add(value);
                }
            }
        }
        List<string> read = ConsumeAll(consumeFrom, int.MaxValue, prefix);
        Assert.Equal(sent.Order(), read.Order());
    }

    private static async Task<List<string>> ProduceEveryPartitionAsync(string bootstrap, string prefix, int count)
    {
        var acknowledged = new List<string>();
        using IProducer<Null, string> producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap, Acks = Acks.All, MessageTimeoutMs = 30_000, EnableIdempotence = true,
        }).Build();
        for (int p = 0; p < Partitions; p++)
        {
            for (int i = 0; i < count; i++)
            {
                string value = $"{prefix}-{p}-{i}";
                DeliveryResult<Null, string> result = await producer.ProduceAsync(new TopicPartition(Topic, p),
                    new Message<Null, string> { Value = value }, Ct);
                Assert.Equal(PersistenceStatus.Persisted, result.Status);
                acknowledged.Add(value);
            }
        }
        return acknowledged;
    }

    /// <summary>Every message of every partition, from the beginning to the end each had when reading started,
    /// that starts with <paramref name="prefix"/>.</summary>
    private static List<string> ConsumeAll(string bootstrap, int expected, string prefix = "")
    {
        using IConsumer<Null, string> consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "unused-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false, EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, Partitions)
            .Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var read = new List<string>();
        var ended = new HashSet<int>();
        var deadline = Stopwatch.StartNew();
        while (ended.Count < Partitions && read.Count < expected)
        {
            Assert.True(deadline.Elapsed < Deadline, $"read {read.Count} messages, then nothing more");
            ConsumeResult<Null, string>? result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null) continue;
            if (result.IsPartitionEOF) ended.Add(result.Partition.Value);
            else if (result.Message.Value.StartsWith(prefix, StringComparison.Ordinal)) read.Add(result.Message.Value);
        }
        return read;
    }

    private static async Task KcatRoundTripAsync(string produceTo, string consumeFrom)
    {
        string kcat = RepoPaths.FindOnPath("kcat")
            ?? throw new InvalidOperationException("kcat is not on PATH; .ci/run installs it (Debian package kcat)");
        var sent = new List<string>();
        for (int p = 0; p < Partitions; p++)
        {
            var input = new StringBuilder();
            for (int i = 0; i < 3; i++)
            {
                input.Append(CultureInfo.InvariantCulture, $"kcat-{p}-{i}\n");
                sent.Add($"{p}:kcat-{p}-{i}");
            }
            ChildProcess.Completed produce = await ChildProcess.RunAsync(kcat,
                ["-b", produceTo, "-P", "-t", Topic, "-p", p.ToString(CultureInfo.InvariantCulture), "-X", "acks=all"],
                Deadline, input.ToString());
            Assert.True(produce.ExitCode == 0, $"kcat failed\n{produce.Describe()}");
        }
        ChildProcess.Completed consume = await ChildProcess.RunAsync(kcat,
            ["-b", consumeFrom, "-C", "-t", Topic, "-e", "-o", "beginning", "-f", "%p:%s\n"], Deadline);
        Assert.True(consume.ExitCode == 0, $"kcat failed\n{consume.Describe()}");
        string[] read = [.. consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains(":kcat-", StringComparison.Ordinal))];
        Assert.Equal(sent.Order(), read.Order());
    }

    private static async Task KafkajsRoundTripAsync(string bootstrap)
    {
        KafkajsScripts kafkajs = KafkajsScripts.Find();
        const int perPartition = 4;
        ChildProcess.Completed run = await kafkajs.RunAsync("cluster-roundtrip.js",
            [bootstrap, Topic, Partitions.ToString(CultureInfo.InvariantCulture),
                perPartition.ToString(CultureInfo.InvariantCulture)], Deadline);
        Assert.True(run.ExitCode == 0, $"the kafkajs script failed\n{run.Describe()}");
        using JsonDocument output = JsonDocument.Parse(run.StandardOutput);
        Assert.Equal(Partitions * perPartition, output.RootElement.GetProperty("produced").GetInt32());
        string[] consumed = [.. output.RootElement.GetProperty("consumed").EnumerateArray()
            .Select(m => $"{m.GetProperty("partition").GetInt32()}:{m.GetProperty("value").GetString()}")];
        string[] expected = [.. Enumerable.Range(0, Partitions)
            .SelectMany(p => Enumerable.Range(0, perPartition).Select(i => $"{p}:kafkajs-{p}-{i}"))];
        Assert.Equal(expected.Order(), consumed.Order());
    }

    private static async Task<MetadataResponse> RawMetadataAsync(string bootstrap, string topic)
    {
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(bootstrap);
        return await RawRequests.SendAsync<MetadataResponse>(raw, Samsa.Protocol.ApiKey.Metadata, 12,
            new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] });
    }
}
