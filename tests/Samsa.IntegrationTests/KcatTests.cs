using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests;

/// <summary>
/// kcat (librdkafka's command-line client, Debian package <c>kcat</c>, installed by .ci/run) as a child process
/// against a real Samsa broker: metadata as JSON, keyed produce from stdin, and consume to the end.
/// </summary>
public sealed class KcatTests
{
    private static readonly TimeSpan KcatDeadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kcat_lists_the_broker_and_topics_as_json()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(p => p["num.partitions"] = "3");
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
            await producer.ProduceAsync("kcat-metadata", new Message<byte[]?, byte[]?> { Value = [1] }, Ct);

        ChildProcess.Completed kcat = await RunKcatAsync(["-b", cluster.BootstrapServers, "-L", "-J", "-m", "10"]);

        using JsonDocument metadata = JsonDocument.Parse(kcat.StandardOutput);
        JsonElement broker = Assert.Single(metadata.RootElement.GetProperty("brokers").EnumerateArray());
        Assert.Equal(1, broker.GetProperty("id").GetInt32());
        Assert.Equal(cluster.BootstrapServers, broker.GetProperty("name").GetString());
        JsonElement topic = metadata.RootElement.GetProperty("topics").EnumerateArray()
            .Single(t => t.GetProperty("topic").GetString() == "kcat-metadata");
        Assert.False(topic.TryGetProperty("error", out JsonElement error), $"topic error: {error}");
        JsonElement[] partitions = [.. topic.GetProperty("partitions").EnumerateArray()];
        Assert.Equal([0, 1, 2], partitions.Select(p => p.GetProperty("partition").GetInt32()).Order());
        foreach (JsonElement partition in partitions)
        {
            Assert.Equal(1, partition.GetProperty("leader").GetInt32());
            Assert.Equal([1], Ids(partition.GetProperty("replicas")));
            Assert.Equal([1], Ids(partition.GetProperty("isrs")));
        }
    }

    [Fact]
    public async Task Kcat_produces_keyed_messages_that_a_confluent_consumer_and_kcat_read_back()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        const int count = 20;
        var input = new StringBuilder();
        for (int i = 0; i < count; i++) input.Append($"key-{i}:value {i}\n");

        ChildProcess.Completed produce = await RunKcatAsync(
            ["-b", cluster.BootstrapServers, "-P", "-t", "kcat-produce", "-K:", "-H", "source=kcat", "-X", "acks=all"],
            input.ToString());
        Assert.DoesNotContain("ERROR", produce.StandardError, StringComparison.Ordinal);

        using (IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer())
        {
            consumer.Assign(new TopicPartitionOffset("kcat-produce", 0, Offset.Beginning));
            for (int i = 0; i < count; i++)
            {
                ConsumeResult<byte[]?, byte[]?>? received = consumer.Consume(TimeSpan.FromSeconds(10));
                Assert.True(received is not null, $"message {i} of {count} did not arrive\n{produce.Describe()}");
                Assert.Equal(i, received.Offset.Value);
                Assert.Equal("key-" + i, Encoding.UTF8.GetString(received.Message.Key!));
                Assert.Equal("value " + i, Encoding.UTF8.GetString(received.Message.Value!));
                Assert.Equal("kcat", Encoding.UTF8.GetString(received.Message.Headers.GetLastBytes("source")));
            }
        }

        ChildProcess.Completed consume = await RunKcatAsync(
            ["-b", cluster.BootstrapServers, "-C", "-t", "kcat-produce", "-e", "-o", "beginning", "-f", "%k=%s\n"]);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"key-{i}=value {i}"),
            consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Kcat_consumes_every_partition_from_the_beginning_and_exits_at_the_end()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(p => p["num.partitions"] = "2");
        const int perPartition = 15;
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            for (int i = 0; i < perPartition * 2; i++)
            {
                producer.Produce(new TopicPartition("kcat-consume", i % 2), new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes("k" + i),
                    Value = Encoding.UTF8.GetBytes("v" + i),
                    Headers = new Headers { { "n", Encoding.UTF8.GetBytes(i.ToString()) } },
                });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        }

        ChildProcess.Completed kcat = await RunKcatAsync(
            ["-b", cluster.BootstrapServers, "-C", "-t", "kcat-consume", "-e", "-o", "beginning", "-J"]);

        var next = new long[2];
        int seen = 0;
        foreach (string line in kcat.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument message = JsonDocument.Parse(line);
            JsonElement root = message.RootElement;
            int partition = root.GetProperty("partition").GetInt32();
            long offset = root.GetProperty("offset").GetInt64();
            Assert.Equal(next[partition]++, offset);
            int i = (int)(offset * 2) + partition;
            Assert.Equal("k" + i, root.GetProperty("key").GetString());
            Assert.Equal("v" + i, root.GetProperty("payload").GetString());
            Assert.Equal(["n", i.ToString()], root.GetProperty("headers").EnumerateArray().Select(h => h.GetString()));
            seen++;
        }
        Assert.True(seen == perPartition * 2,
            $"kcat printed {seen} messages, expected {perPartition * 2}\n{kcat.Describe()}");
    }

    [Fact]
    public async Task Kcat_produces_with_idempotence_and_the_partition_remembers_its_producer()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        const int count = 50;
        var input = new StringBuilder();
        for (int i = 0; i < count; i++) input.Append($"idempotent {i}\n");

        ChildProcess.Completed produce = await RunKcatAsync(
            ["-b", cluster.BootstrapServers, "-P", "-t", "kcat-idempotent", "-X", "enable.idempotence=true",
                "-X", "acks=all", "-d", "eos"],
            input.ToString());
        Assert.Contains("Acquired PID", produce.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR", produce.StandardError, StringComparison.Ordinal);

        ChildProcess.Completed consume = await RunKcatAsync(
            ["-b", cluster.BootstrapServers, "-C", "-t", "kcat-idempotent", "-e", "-o", "beginning", "-f", "%s\n"]);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"idempotent {i}"),
            consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        await using RawKafkaConnection connection = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);
        var request = new Samsa.Protocol.Messages.DescribeProducersRequest
        {
            Topics = [new() { Name = "kcat-idempotent", PartitionIndexes = [0] }],
        };
        Assert.True(await connection.SendAsync(
            RawKafkaConnection.EncodeRequest(Samsa.Protocol.ApiKey.DescribeProducers, 0, 7, request)));
        byte[] frame = await connection.ReadFrameAsync(TimeSpan.FromSeconds(10))
            ?? throw new InvalidOperationException("no DescribeProducers response");
        (_, Samsa.Protocol.Messages.DescribeProducersResponse response) =
            RawKafkaConnection.DecodeResponse<Samsa.Protocol.Messages.DescribeProducersResponse>(frame,
                Samsa.Protocol.ApiKey.DescribeProducers, 0);
        var producer = Assert.Single(response.Topics[0].Partitions[0].ActiveProducers);
        Assert.True(producer.ProducerId >= 0);
        Assert.Equal(count - 1, producer.LastSequence);
    }

    private static IEnumerable<int> Ids(JsonElement brokers) =>
        brokers.EnumerateArray().Select(b => b.GetProperty("id").GetInt32());

    /// <summary>Runs kcat with a deadline and requires exit code 0.</summary>
    private static async Task<ChildProcess.Completed> RunKcatAsync(string[] arguments, string? input = null)
    {
        string kcat = RepoPaths.FindOnPath("kcat")
            ?? throw new InvalidOperationException("kcat is not on PATH; .ci/run installs it (Debian package kcat)");
        ChildProcess.Completed completed = await ChildProcess.RunAsync(kcat, arguments, KcatDeadline, input);
        Assert.True(completed.ExitCode == 0, $"kcat failed\n{completed.Describe()}");
        return completed;
    }
}
