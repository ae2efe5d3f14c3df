using System.Buffers;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.IntegrationTests;

/// <summary>
/// acks=0: the producer gets no answer and closes its connection right after its last send, yet the broker writes
/// every batch it received, as Kafka does. Each client runs <see cref="Runs"/> times, each run <see cref="Count"/>
/// keyed messages over three partitions of a topic of its own, then a consumer reads every message back.
/// </summary>
public sealed class AcksZeroTests
{
    private const int Runs = 20;
    private const int Count = 10_000;
    private const int Partitions = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Confluent_producer_closing_after_its_last_send_loses_nothing()
    {
        await using SamsaCluster cluster = await StartAsync();
        for (int run = 0; run < Runs; run++)
        {
            string topic = "acks0-confluent-" + run;
            using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer(c =>
                   {
                       c.Acks = Acks.None;
                       c.LingerMs = 0;
                   }))
            {
                for (int i = 0; i < Count; i++)
                {
                    producer.Produce(topic, new Message<byte[]?, byte[]?>
                    {
                        Key = Encoding.UTF8.GetBytes("key-" + i),
                        Value = Encoding.UTF8.GetBytes("value-" + i),
                    });
                }
                Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
            }
            await AssertEveryValueStoredAsync(cluster, topic, $"run {run}");
        }
    }

    [Fact]
    public async Task Kcat_producer_closing_after_its_last_send_loses_nothing()
    {
        string kcat = RepoPaths.FindOnPath("kcat")
            ?? throw new InvalidOperationException("kcat is not on PATH; .ci/run installs it (Debian package kcat)");
        await using SamsaCluster cluster = await StartAsync();
        var input = new StringBuilder();
        for (int i = 0; i < Count; i++) input.Append("key-").Append(i).Append(":value-").Append(i).Append('\n');
        string lines = input.ToString();
        for (int run = 0; run < Runs; run++)
        {
            string topic = "acks0-kcat-" + run;
            ChildProcess.Completed produce = await ChildProcess.RunAsync(kcat,
                ["-b", cluster.BootstrapServers, "-P", "-t", topic, "-K:", "-X", "acks=0", "-X", "linger.ms=0"],
                TimeSpan.FromSeconds(60), lines);
            Assert.True(produce.ExitCode == 0, $"kcat failed in run {run}\n{produce.Describe()}");
            await AssertEveryValueStoredAsync(cluster, topic, $"run {run}\n{produce.Describe()}");
        }
    }

    [Fact]
    public async Task Kafkajs_producer_disconnecting_after_its_last_send_loses_nothing()
    {
        KafkajsScripts kafkajs = KafkajsScripts.Find();
        await using SamsaCluster cluster = await StartAsync();

        // One node process runs every round, each with a new producer that disconnects right after its sends.
        ChildProcess.Completed run = await kafkajs.RunAsync("produce-acks0.js",
            [cluster.BootstrapServers, "acks0-kafkajs-",
                Runs.ToString(CultureInfo.InvariantCulture), Count.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(120));
        Assert.True(run.ExitCode == 0, $"the kafkajs script failed\n{run.Describe()}");
        for (int round = 0; round < Runs; round++)
            await AssertEveryValueStoredAsync(cluster, "acks0-kafkajs-" + round, $"run {round}\n{run.Describe()}");
    }

    [Fact]
    public async Task An_acks0_produce_that_fails_closes_the_connection_and_one_that_succeeds_does_not()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using (IAdminClient admin = cluster.CreateAdmin())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "acks0-exists", NumPartitions = 1 }]);
        await using RawKafkaConnection connection = await RawKafkaConnection.ConnectAsync(cluster.BootstrapServers);

        // A good acks=0 produce gets no answer: the Metadata request after it is answered first.
        Assert.True(await connection.SendAsync(ProduceFrame("acks0-exists", correlationId: 1)));
        Assert.True(await connection.SendAsync(RawKafkaConnection.EncodeRequest(ApiKey.Metadata, 12, 2,
            new MetadataRequest { Topics = [] })));
        byte[] answer = await connection.ReadFrameAsync(TimeSpan.FromSeconds(10))
            ?? throw new InvalidOperationException("the connection closed after a good acks=0 produce");
        Assert.Equal(2, RawKafkaConnection.DecodeResponse<MetadataResponse>(answer, ApiKey.Metadata, 12).CorrelationId);

        // A failing one (no such topic, and no auto-creation on Produce) closes the connection.
        Assert.True(await connection.SendAsync(ProduceFrame("acks0-missing", correlationId: 3)));
        Assert.Null(await connection.ReadFrameAsync(TimeSpan.FromSeconds(10)));

        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        Assert.Equal(1,
            consumer.QueryWatermarkOffsets(new TopicPartition("acks0-exists", 0), TimeSpan.FromSeconds(5)).High);
    }

    private static byte[] ProduceFrame(string topic, int correlationId)
    {
        byte[] batch =
            new RecordBatchBuilder().Add(null, [1, 2, 3], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Build();
        var request = new ProduceRequest
        {
            Acks = 0,
            TimeoutMs = 1000,
            TopicData = [new ProduceRequest.TopicProduceData
            {
                Name = topic,
                PartitionData =
                [
                    new ProduceRequest.PartitionProduceData { Index = 0, Records = new ReadOnlySequence<byte>(batch) },
                ],
            }],
        };
        return RawKafkaConnection.EncodeRequest(ApiKey.Produce, 9, correlationId, request);
    }

    private static Task<SamsaCluster> StartAsync() => SamsaCluster.StartAsync(p =>
    {
        p["num.partitions"] = Partitions.ToString(CultureInfo.InvariantCulture);
        p["auto.create.topics.enable"] = "true";
    });

    /// <summary>Waits (bounded) until the topic holds <see cref="Count"/> messages, then reads every one
    /// back.</summary>
    private static async Task AssertEveryValueStoredAsync(SamsaCluster cluster, string topic, string context)
    {
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer();
        long stored = await Eventually.ValueAsync(
            () => Enumerable.Range(0, Partitions).Sum(p =>
                consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value),
            n => n >= Count, TimeSpan.FromSeconds(15), $"{topic} to hold {Count} messages ({context})");
        Assert.True(stored == Count, $"{topic} holds {stored} of {Count} messages ({context})");

        consumer.Assign(Enumerable.Range(0, Partitions)
            .Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var seen = new bool[Count];
        int received = 0;
        while (received < Count)
        {
            ConsumeResult<byte[]?, byte[]?>? result = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.True(result is not null, $"{topic}: read {received} of {Count} ({context})");
            string value = Encoding.UTF8.GetString(result.Message.Value!);
            int i = int.Parse(value.AsSpan("value-".Length), CultureInfo.InvariantCulture);
            Assert.Equal("key-" + i, Encoding.UTF8.GetString(result.Message.Key!));
            Assert.False(seen[i], $"{topic}: {value} read twice ({context})");
            seen[i] = true;
            received++;
        }
    }
}
