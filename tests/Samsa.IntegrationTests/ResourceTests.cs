using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests;

/// <summary>
/// What a broker costs: CPU time under an idle long-polling consumer and resident memory idle and under load. The
/// broker runs as a child process (<c>dotnet samsa.dll broker</c>) so /proc reports its CPU and memory apart from
/// the test's own clients; the figures are printed to the test output.
/// </summary>
public sealed class ResourceTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;
    private static readonly string[] PlatformTopics =
    [
        "cv_parsing", "cv_embedding_generation", "job_embedding_generation", "profile_embedding_generation", "logs",
        "emails",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_idle_long_polling_consumer_costs_the_broker_under_2_percent_of_a_core()
    {
        await using BrokerProcess broker = await BrokerProcess.StartAsync();
        using (IProducer<byte[]?, byte[]?> producer = CreateProducer(broker))
            await producer.ProduceAsync("idle", new Message<byte[]?, byte[]?> { Value = [1] }, Ct);

        // Warm-up: a second consumer long-polls with fetch.wait.max.ms=1 for 3 s, so the fetch path runs a few
        // thousand times and the runtime has tiered it up; the window then measures a consumer idling against a
        // warm broker, not the broker's one-time start-up compilation.
        long warmUpFetches = 0;
        using (IConsumer<byte[]?, byte[]?> warmUp = CreateConsumer(broker, fetchWaitMaxMs: 1,
            statistics: json => Interlocked.Exchange(ref warmUpFetches, FetchRequestsSent(json))))
        {
            warmUp.Assign(new TopicPartitionOffset("idle", 0, 1));
            PollIdle(warmUp, TimeSpan.FromSeconds(3));
        }

        long fetchRequests = 0;
        using IConsumer<byte[]?, byte[]?> consumer = CreateConsumer(broker, fetchWaitMaxMs: 500,
            statistics: json => Interlocked.Exchange(ref fetchRequests, FetchRequestsSent(json)));
        consumer.Assign(new TopicPartitionOffset("idle", 0, Offset.Beginning));
        Assert.NotNull(consumer.Consume(TimeSpan.FromSeconds(10)));   // caught up: every fetch from now on waits

        // Two seconds of polling first, so the window holds only the steady state.
        PollIdle(consumer, TimeSpan.FromSeconds(2));
        TimeSpan cpuBefore = broker.ReadCpuTime();
        long fetchesBefore = Interlocked.Read(ref fetchRequests);
        long start = Stopwatch.GetTimestamp();
        PollIdle(consumer, TimeSpan.FromSeconds(10));
        TimeSpan cpu = broker.ReadCpuTime() - cpuBefore;
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long fetches = Interlocked.Read(ref fetchRequests) - fetchesBefore;
        broker.AssertRunning();

        double share = cpu / elapsed;
        output.WriteLine($"idle long-polling consumer: broker CPU {cpu.TotalMilliseconds:F0} ms over "
            + $"{elapsed.TotalSeconds:F1} s = {share:P2} of a core; {fetches} fetch requests (fetch.wait.max.ms=500), "
            + $"after a warm-up of {Interlocked.Read(ref warmUpFetches)} fetches");
        // The consumer must really have been polling, or the figure says nothing about long polls.
        Assert.True(fetches >= 8,
            $"only {fetches} fetch requests in the idle window; the consumer was not long-polling");
        Assert.True(share < 0.02,
            $"an idle consumer cost the broker {share:P2} of a core ({cpu.TotalMilliseconds:F0} ms CPU in "
            + $"{elapsed.TotalSeconds:F1} s)");
    }

    [Fact]
    public async Task A_broker_idle_with_the_six_platform_topics_stays_under_150_MiB_and_RSS_under_load_is_shown()
    {
        await using BrokerProcess broker = await BrokerProcess.StartAsync();
        await CreatePlatformTopicsAsync(broker);
        long idleRss = await IdleRssAsync(broker);
        TimeSpan loadTime = TimeSpan.FromSeconds(20);
        (long sent, long failed, long peakUnderLoad, List<long> samples) = await LoadAsync(broker, loadTime);
        broker.AssertRunning();
        (long afterLoad, long peak) = broker.ReadMemory();

        output.WriteLine($"idle with the six platform topics (3 partitions each): RSS {idleRss / (double)MiB:F1} MiB");
        output.WriteLine($"under load ({sent} x 1 KiB in {loadTime.TotalSeconds:F0} s, "
            + $"{sent / loadTime.TotalSeconds:F0} msg/s, acks=all): RSS peak {peakUnderLoad / (double)MiB:F1} MiB, "
            + $"median {Median(samples) / (double)MiB:F1} MiB, after the load {afterLoad / (double)MiB:F1} MiB, "
            + $"VmHWM {peak / (double)MiB:F1} MiB");
        Assert.Equal(0, failed);
        Assert.True(idleRss < 150 * MiB,
            $"an idle broker with the six topics holds {idleRss / (double)MiB:F1} MiB RSS");
    }

    private static async Task CreatePlatformTopicsAsync(BrokerProcess broker)
    {
        var adminConfig = new AdminClientConfig { BootstrapServers = broker.BootstrapServers };
        using IAdminClient admin = new AdminClientBuilder(adminConfig).Build();
        await admin.CreateTopicsAsync(
            [.. PlatformTopics.Select(t =>
                new TopicSpecification { Name = t, NumPartitions = 3, ReplicationFactor = 1 })],
            new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(20) });
        Confluent.Kafka.Metadata metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        foreach (string topic in PlatformTopics)
            Assert.Equal(3, metadata.Topics.Single(t => t.Topic == topic).Partitions.Count);
    }

    // Idle: the topics exist, no client is connected; take the largest of a few samples. The delays are the
    // measurement's sampling period over a 3 s window, not a wait for anything: a sample taken before the broker
    // has let go of the admin client's connection only makes the figure larger.
    private static async Task<long> IdleRssAsync(BrokerProcess broker)
    {
        long idleRss = 0;
        for (int i = 0; i < 6; i++)
        {
            await Task.Delay(500, Ct);
            idleRss = Math.Max(idleRss, broker.ReadMemory().Rss);
        }
        return idleRss;
    }

    // Load: 1 KiB messages for loadTime, paced at 10,000 a second round-robin over the six topics (about 10 MiB/s,
    // 200 MiB on disk in 20 s), acks=all, RSS sampled every 500 ms.
    private static async Task<(long Sent, long Failed, long PeakRss, List<long> Samples)> LoadAsync(
        BrokerProcess broker, TimeSpan loadTime)
    {
        const int messagesPerSecond = 10_000;
        long peakUnderLoad = 0, sent = 0, failed = 0;
        var samples = new List<long>();
        using IProducer<byte[]?, byte[]?> producer = CreateProducer(broker);
        byte[] value = new byte[1024];
        new Random(1).NextBytes(value);
        long start = Stopwatch.GetTimestamp();
        long nextSample = 0;
        Action<DeliveryReport<byte[]?, byte[]?>> onDelivery = report =>
        {
            if (report.Error.IsError) Interlocked.Increment(ref failed);
        };
        while (Stopwatch.GetElapsedTime(start) is var now && now < loadTime)
        {
            long due = (long)(now.TotalSeconds * messagesPerSecond);
            for (; sent < due; sent++)
            {
                string topic = PlatformTopics[sent % PlatformTopics.Length];
                try
                {
                    producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = value }, onDelivery);
                }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                    break;
                }
            }
            if (now.Ticks >= nextSample)
            {
                long rss = broker.ReadMemory().Rss;
                samples.Add(rss);
                peakUnderLoad = Math.Max(peakUnderLoad, rss);
                nextSample = now.Ticks + TimeSpan.FromMilliseconds(500).Ticks;
            }
            await Task.Delay(5, Ct);   // pacing: the next burst goes out when its messages are due
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return (sent, Interlocked.Read(ref failed), peakUnderLoad, samples);
    }

    private static IProducer<byte[]?, byte[]?> CreateProducer(BrokerProcess broker) =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 5,
            EnableIdempotence = false,
            MessageTimeoutMs = 20_000,
        }).Build();

    private static IConsumer<byte[]?, byte[]?> CreateConsumer(BrokerProcess broker, int fetchWaitMaxMs,
        Action<string>? statistics = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "unused-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = fetchWaitMaxMs,
            FetchMinBytes = 1,
        };
        var builder = new ConsumerBuilder<byte[]?, byte[]?>(config);
        if (statistics is not null)
        {
            config.StatisticsIntervalMs = 1000;
            builder.SetStatisticsHandler((_, json) => statistics(json));
        }
        return builder.Build();
    }

    private static void PollIdle(IConsumer<byte[]?, byte[]?> consumer, TimeSpan duration)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) is var elapsed && elapsed < duration)
        {
            ConsumeResult<byte[]?, byte[]?>? unexpected = consumer.Consume(duration - elapsed);
            Assert.True(unexpected is null, $"an idle consumer received offset {unexpected?.Offset}");
        }
    }

    /// <summary>Fetch requests librdkafka has sent to the broker (statistics JSON, brokers.*.req.Fetch).</summary>
    private static long FetchRequestsSent(string statistics)
    {
        using JsonDocument document = JsonDocument.Parse(statistics);
        long total = 0;
        foreach (JsonProperty broker in document.RootElement.GetProperty("brokers").EnumerateObject())
        {
            if (broker.Value.TryGetProperty("req", out JsonElement requests)
                && requests.TryGetProperty("Fetch", out JsonElement fetch))
            {
                total += fetch.GetInt64();
            }
        }
        return total;
    }

    private static long Median(List<long> values)
    {
        if (values.Count == 0) return 0;
        List<long> sorted = [.. values.Order()];
        return sorted[sorted.Count / 2];
    }
}
