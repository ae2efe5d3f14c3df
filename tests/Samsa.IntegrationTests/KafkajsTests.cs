using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests;

/// <summary>
/// kafkajs (npm, pinned in js/package-lock.json, installed by .ci/run) as a node child process: an admin client
/// and a producer against a real Samsa broker, then a Confluent.Kafka consumer reads what kafkajs produced. kafkajs
/// does not consume here: it consumes only in a group.
/// </summary>
public sealed class KafkajsTests
{
    private const string Topic = "kafkajs-events";
    private const int Partitions = 3;
    private const int PerPartition = 10;

    [Fact]
    public async Task Kafkajs_admin_and_producer_work_and_a_confluent_consumer_reads_what_kafkajs_produced()
    {
        KafkajsScripts kafkajs = KafkajsScripts.Find();

        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        ChildProcess.Completed run = await kafkajs.RunAsync("produce-and-admin.js",
            [cluster.BootstrapServers, Topic, Partitions.ToString(CultureInfo.InvariantCulture),
                PerPartition.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, $"the kafkajs script failed\n{run.Describe()}");

        using JsonDocument output = JsonDocument.Parse(run.StandardOutput);
        JsonElement root = output.RootElement;
        AdminCreatedAndDescribedTheTopic(root, because: "\n" + run.Describe());
        ProducerBatchesWereAcknowledgedInOrder(root);
        AdminOffsetsSeeEveryMessage(root);
        ConfluentConsumerReadsWhatKafkajsProduced(cluster);
    }

    // Admin: listTopics, createTopics (new, then already there), fetchTopicMetadata.
    private static void AdminCreatedAndDescribedTheTopic(JsonElement root, string because)
    {
        Assert.DoesNotContain(Topic, Strings(root.GetProperty("topicsBefore")));
        Assert.True(root.GetProperty("created").GetBoolean(),
            "createTopics did not report the topic as created" + because);
        Assert.False(root.GetProperty("createdAgain").GetBoolean(),
            "createTopics created an existing topic again" + because);
        Assert.Contains(Topic, Strings(root.GetProperty("topicsAfter")));
        JsonElement described = Assert.Single(root.GetProperty("metadata").GetProperty("topics").EnumerateArray());
        Assert.Equal(Topic, described.GetProperty("name").GetString());
        JsonElement[] partitions = [.. described.GetProperty("partitions").EnumerateArray()];
        Assert.Equal(Enumerable.Range(0, Partitions),
            partitions.Select(p => p.GetProperty("partitionId").GetInt32()).Order());
        foreach (JsonElement partition in partitions)
        {
            Assert.Equal(0, partition.GetProperty("partitionErrorCode").GetInt32());
            Assert.Equal(1, partition.GetProperty("leader").GetInt32());
            Assert.Equal([1], partition.GetProperty("replicas").EnumerateArray().Select(r => r.GetInt32()));
            Assert.Equal([1], partition.GetProperty("isr").EnumerateArray().Select(r => r.GetInt32()));
        }
    }

    // Producer: every partition acknowledged, plain then gzip, each batch where the previous one ended.
    private static void ProducerBatchesWereAcknowledgedInOrder(JsonElement root)
    {
        foreach ((string send, long expectedBase) in new[] { ("plain", 0L), ("gzip", PerPartition / 2) })
        {
            JsonElement[] results = [.. root.GetProperty(send).EnumerateArray()];
            Assert.Equal(Partitions, results.Length);
            foreach (JsonElement result in results)
            {
                Assert.Equal(Topic, result.GetProperty("topicName").GetString());
                Assert.Equal(0, result.GetProperty("errorCode").GetInt32());
                Assert.Equal(expectedBase.ToString(CultureInfo.InvariantCulture),
                    result.GetProperty("baseOffset").GetString());
            }
        }
    }

    // Admin: fetchTopicOffsets sees every message.
    private static void AdminOffsetsSeeEveryMessage(JsonElement root)
    {
        JsonElement[] offsets = [.. root.GetProperty("offsets").EnumerateArray()];
        Assert.Equal(Partitions, offsets.Length);
        foreach (JsonElement offset in offsets)
        {
            Assert.Equal(PerPartition.ToString(CultureInfo.InvariantCulture), offset.GetProperty("high").GetString());
            Assert.Equal("0", offset.GetProperty("low").GetString());
        }
    }

    // Confluent.Kafka with manual assignment reads exactly what kafkajs produced.
    private static void ConfluentConsumerReadsWhatKafkajsProduced(SamsaCluster cluster)
    {
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        consumer.Assign(
            Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var next = new int[Partitions];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (next.Sum() < Partitions * PerPartition && DateTime.UtcNow < deadline)
        {
            ConsumeResult<byte[]?, byte[]?>? received = consumer.Consume(TimeSpan.FromSeconds(1));
            if (received is null) continue;
            int p = received.Partition.Value;
            int n = next[p]++;
            Assert.Equal(n, received.Offset.Value);
            Assert.Equal($"key-{p}-{n}", Encoding.UTF8.GetString(received.Message.Key!));
            Assert.Equal($"value-{p}-{n}", Encoding.UTF8.GetString(received.Message.Value!));
            Assert.Equal("kafkajs", Encoding.UTF8.GetString(received.Message.Headers.GetLastBytes("source")));
            Assert.Equal(n.ToString(CultureInfo.InvariantCulture),
                Encoding.UTF8.GetString(received.Message.Headers.GetLastBytes("n")));
        }
        Assert.Equal(Enumerable.Repeat(PerPartition, Partitions), next);
    }

    private static IEnumerable<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString());
}
