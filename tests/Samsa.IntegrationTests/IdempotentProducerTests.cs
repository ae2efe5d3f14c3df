using System.Text;
using Confluent.Kafka;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests;

/// <summary>
/// Idempotent producers against a real broker behind a proxy that drops connections and delays responses, so the
/// client retries batches the broker has already written: every acknowledged value must be read back exactly once
/// and in order per partition, also across a SIGKILL and restart of the broker. Each run prints its figures and the
/// proxy's seed (<c>SAMSA_PROXY_SEED</c> sets it; timing still varies between runs).
/// </summary>
public sealed class IdempotentProducerTests(ITestOutputHelper output)
{
    private const int Partitions = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("SAMSA_PROXY_SEED"), out int seed)
            ? seed
            : Random.Shared.Next();

    [Fact]
    public async Task Retries_through_dropped_and_delayed_responses_write_each_value_once_in_order()
    {
        await using var proxy = new FaultProxy(Seed());
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(p =>
        {
            p["advertised.listeners"] = $"PLAINTEXT://127.0.0.1:{proxy.Port}";
            p["num.partitions"] = Partitions.ToString();
            p["log.segment.bytes"] = "1048576";
        });
        proxy.Target = FaultProxy.Parse(cluster.BootstrapServers);

        Outcome outcome = await RunAsync(proxy, "idempotent-faults", messages: 6000, midway: null);

        output.WriteLine(outcome.ToString());
        output.WriteLine(proxy.ToString());
        Consumed consumed = ConsumeAll(proxy, "idempotent-faults");
        Check(outcome, consumed, proxy);
    }

    [Fact]
    public async Task A_broker_killed_and_restarted_midway_still_rejects_the_duplicates()
    {
        await using var proxy = new FaultProxy(Seed());
        string[] flags =
        [
            $"--advertised.listeners=PLAINTEXT://127.0.0.1:{proxy.Port}", $"--num.partitions={Partitions}",
            "--log.segment.bytes=1048576",
        ];
        BrokerProcess broker = await BrokerProcess.StartAsync(flags);
        string dataDir = broker.DataDir;
        BrokerProcess? restarted = null;
        try
        {
            proxy.Target = FaultProxy.Parse(broker.BootstrapServers);
            Outcome outcome = await RunAsync(proxy, "idempotent-kill", messages: 6000, midway: async () =>
            {
                await broker.KillAsync();   // returns once the process is gone: its data folder is free to reopen
                proxy.Target = null;
                proxy.DropAll();
                restarted = await BrokerProcess.StartInAsync(dataDir, ownsDataDir: false, flags);
                proxy.Target = FaultProxy.Parse(restarted.BootstrapServers);
            });

            output.WriteLine(outcome.ToString());
            output.WriteLine(proxy.ToString());
            Assert.NotNull(restarted);
            string log = restarted.Describe();
            Assert.Contains("producers of idempotent-kill-", log, StringComparison.Ordinal);
            Consumed consumed = ConsumeAll(proxy, "idempotent-kill");
            Check(outcome, consumed, proxy);
        }
        finally
        {
            await broker.DisposeAsync();
            if (restarted is not null) await restarted.DisposeAsync();
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed record Outcome(int Produced, HashSet<int> Acked, List<string> Failures)
    {
        public override string ToString() => $"produced {Produced}, acked {Acked.Count}, failed {Failures.Count}";
    }

    private sealed record Consumed(Dictionary<int, int> Counts, List<string> OrderErrors);

    private static async Task<Outcome> RunAsync(FaultProxy proxy, string topic, int messages, Func<Task>? midway)
    {
        var acked = new HashSet<int>();
        var failures = new List<string>();
        var config = new ProducerConfig
        {
            BootstrapServers = $"127.0.0.1:{proxy.Port}",
            EnableIdempotence = true,
            Acks = Acks.All,
            MaxInFlight = 5,
            LingerMs = 2,
            BatchNumMessages = 20,
            RequestTimeoutMs = 1500,
            MessageTimeoutMs = 180_000,
            RetryBackoffMs = 50,
            SocketTimeoutMs = 10_000,
        };
        using (IProducer<byte[]?, byte[]?> producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .Build())
        {
            // Create the topic and learn the producer id before the faults start.
            await producer.ProduceAsync(new TopicPartition(topic, 0),
                new Message<byte[]?, byte[]?> { Value = Value(-1) }, Ct);
            proxy.DropProbability = 0.08;
            proxy.DelayProbability = 0.15;
            proxy.MaxDelay = TimeSpan.FromMilliseconds(2500);
            proxy.FaultsEnabled = true;
            for (int i = 0; i < messages; i++)
            {
                int value = i;
                producer.Produce(new TopicPartition(topic, i % Partitions),
                    new Message<byte[]?, byte[]?> { Value = Value(i) },
                    report =>
                    {
                        lock (acked)
                        {
                            if (report.Error.IsError) failures.Add($"{value}: {report.Error}");
                            else if (report.Status == PersistenceStatus.Persisted) acked.Add(value);
                        }
                    });
                // Pacing, not a wait: the run spreads over a few seconds so the faults hit batches in flight.
                if (i % 100 == 99) await Task.Delay(25, Ct);
                if (i == messages / 2 && midway is not null) await midway();
            }
            int left = producer.Flush(TimeSpan.FromSeconds(240));
            Assert.True(left == 0, $"{left} messages still in flight after the deadline; {proxy}");
            proxy.FaultsEnabled = false;
        }
        lock (acked)
            return new Outcome(messages, acked, failures);
    }

    // About 500 bytes a value, so the run spans a few 1 MiB segments (and their producer snapshots).
    private static byte[] Value(int i) =>
        Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + Padding);

    private static readonly string Padding = new('x', 500);

    /// <summary>Reads every partition to its end through the proxy (faults off).</summary>
    private static Consumed ConsumeAll(FaultProxy proxy, string topic)
    {
        var counts = new Dictionary<int, int>();
        var orderErrors = new List<string>();
        using IConsumer<byte[]?, byte[]?> consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = $"127.0.0.1:{proxy.Port}",
            GroupId = "unused-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        for (int partition = 0; partition < Partitions; partition++)
        {
            var tp = new TopicPartition(topic, partition);
            WatermarkOffsets end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
            int last = -2;
            long position = 0;
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (position < end.High && DateTime.UtcNow < deadline)
            {
                ConsumeResult<byte[]?, byte[]?>? result = consumer.Consume(TimeSpan.FromSeconds(1));
                if (result?.Message is null) continue;
                position = result.Offset.Value + 1;
                string text = Encoding.ASCII.GetString(result.Message.Value!);
                int value = int.Parse(text.AsSpan(0, text.IndexOf('|', StringComparison.Ordinal)),
                    System.Globalization.CultureInfo.InvariantCulture);
                counts[value] = counts.GetValueOrDefault(value) + 1;
                if (value <= last) orderErrors.Add($"partition {partition}: {value} after {last} at {result.Offset}");
                last = value;
            }
            Assert.True(position >= end.High, $"partition {partition} read to {position} of {end.High}");
        }
        return new Consumed(counts, orderErrors);
    }

    private void Check(Outcome outcome, Consumed consumed, FaultProxy proxy)
    {
        int lost = outcome.Acked.Count(v => !consumed.Counts.ContainsKey(v));
        int duplicated = consumed.Counts.Where(kv => kv.Key >= 0).Sum(kv => kv.Value - 1);
        string figures = $"acked {outcome.Acked.Count}, lost {lost}, duplicated {duplicated}, " +
            $"batches resent {proxy.BatchesResent} of {proxy.BatchesSent}, proxy drops {proxy.Drops}, " +
            $"delayed {proxy.Delays}, seed {proxy.Seed}";
        output.WriteLine(figures);
        // SAMSA_IDEMPOTENCE_REPORT names a file that collects the figures of each run (the output of a passing
        // test is not shown).
        if (Environment.GetEnvironmentVariable("SAMSA_IDEMPOTENCE_REPORT") is { Length: > 0 } report)
            File.AppendAllText(report, $"{TestContext.Current.Test?.TestDisplayName}: {figures}\n");
        string context = $"{outcome}; {proxy}; first failures: {string.Join("; ", outcome.Failures.Take(5))}; " +
            $"order: {string.Join("; ", consumed.OrderErrors.Take(5))}";
        Assert.True(lost == 0, $"{lost} acknowledged values were not read back; {context}");
        Assert.True(duplicated == 0, $"{duplicated} values were read more than once; {context}");
        Assert.True(consumed.OrderErrors.Count == 0, $"values out of order; {context}");
        Assert.True(outcome.Acked.Count == outcome.Produced, $"not every value was acknowledged; {context}");
        Assert.True(proxy.BatchesResent > 0, $"the faults caused no retries; {context}");
    }
}
