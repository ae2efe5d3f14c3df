using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using HdrHistogram;

namespace Samsa.LoadGen;

// Runs workloads against one bootstrap address, modelled on the OpenMessaging Benchmark: producers send on a fixed-rate
// schedule and latency is measured from each message's intended send time, so a stalled broker cannot hide its stall
// by slowing the generator down (no coordinated omission). Each payload carries its send time for end-to-end latency.
// A warm-up precedes the measured window; only messages whose intended send time falls in the window count.
internal sealed class LoadRunner(string bootstrap, BrokerSampler broker, TextWriter log, bool createTopics = true)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public string Bootstrap => bootstrap;

    public async Task<WorkloadResult> RunAsync(Workload workload, CancellationToken cancellationToken)
    {
        await EnsureTopicAsync(workload).ConfigureAwait(false);
        log.WriteLine($"  {workload.Name}: {workload.Producers} producers, " +
            $"{(workload.Rate > 0 ? $"{workload.Rate:0} msg/s" : "unthrottled")}, " +
            $"{workload.Partitions} partitions, warm-up {workload.Warmup.TotalSeconds:0} s, " +
            $"window {workload.Duration.TotalSeconds:0} s");

        long start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        long windowStart = start + Ticks(workload.Warmup);
        long windowEnd = windowStart + Ticks(workload.Duration);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        List<ConsumerWorker> consumers = await StartConsumersAsync(workload, windowStart, windowEnd, stop.Token)
            .ConfigureAwait(false);
        var producers = new List<ProducerWorker>();
        for (int p = 0; p < workload.Producers; p++)
            producers.Add(new ProducerWorker(bootstrap, workload, p, start, windowStart, windowEnd));

        using var ends = new LogEnds(bootstrap, workload.Topic);
        long before = await ends.SumAsync().ConfigureAwait(false);
        if (ends.LastRetriedError is { } retried)
            log.WriteLine($"  ({workload.Topic}: ListOffsets retried while its leaders settled: {retried})");
        Task<(double Cpu, long Rss, long Appended)> window = MeasureWindowAsync(windowStart, windowEnd, ends,
            cancellationToken);
        Thread[] threads = [.. producers.Select(p => new Thread(p.Run) { IsBackground = true, Name = "producer" })];
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        (double cpu, long rss, long appended) = await window.ConfigureAwait(false);
        foreach (ProducerWorker producer in producers) producer.Flush(DrainTimeout);

        // Every message handed to the client must be in the log by now; one that is not failed, reported or not.
        long inLog = await ends.SumAsync().ConfigureAwait(false) - before;
        long missing = Math.Max(0, producers.Sum(p => p.Sent) - inLog);
        // With every message reported, the acknowledged ones sent in the window are the count (and what the consumers
        // must see); with sampled reports it is what the log grew by in the window.
        long acked = workload.ReportEvery == 1 ? producers.Sum(p => p.Messages) : appended;
        await DrainAsync(consumers, acked).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (ConsumerWorker consumer in consumers) await consumer.Completion.ConfigureAwait(false);
        WorkloadResult result = ResultOf(workload, producers, consumers, acked, missing) with
        {
            BrokerCpuSeconds = cpu,
            PeakRssMiB = rss > 0 ? rss / 1048576.0 : double.NaN,
        };
        foreach (ProducerWorker producer in producers) producer.Dispose();
        return result;
    }

    /// <summary>Consumers that split the partitions between them, each assigned before this returns.</summary>
    private async Task<List<ConsumerWorker>> StartConsumersAsync(Workload workload, long windowStart, long windowEnd,
        CancellationToken stop)
    {
        var consumers = new List<ConsumerWorker>();
        for (int c = 0; c < workload.Consumers; c++)
        {
            int[] partitions = [.. Enumerable.Range(0, workload.Partitions).Where(p => p % workload.Consumers == c)];
            consumers.Add(ConsumerWorker.Start(bootstrap, workload.Topic, partitions, Offset.End, windowStart,
                windowEnd, stop));
        }
        foreach (ConsumerWorker consumer in consumers) await consumer.Assigned.ConfigureAwait(false);
        return consumers;
    }

    /// <summary>The clients' side of a window: <paramref name="acked"/> messages, latencies, errors (a message
    /// <paramref name="missing"/> from the log counts as one) and librdkafka's statistics.</summary>
    private static WorkloadResult ResultOf(Workload workload, List<ProducerWorker> producers,
        List<ConsumerWorker> consumers, long acked, long missing)
    {
        ClientStatistics client = ClientStatisticsOf(producers);
        return new WorkloadResult
        {
            Name = workload.Name,
            Messages = acked,
            Bytes = acked * workload.MessageBytes,
            Seconds = workload.Duration.TotalSeconds,
            Publish = Latency.Of(producers.Select(p => p.PublishLatency)),
            EndToEnd = Latency.Of(consumers.Select(c => c.EndToEnd)),
            MaxScheduleLagMs = producers.Max(p => p.MaxScheduleLagMs),
            Errors = Math.Max(producers.Sum(p => p.Errors), missing),
            FirstError = producers.Select(p => p.FailedWith).FirstOrDefault(e => e is not null)
                ?? (missing > 0 ? $"{missing} messages sent are not in the log" : null),
            AverageRequestBytes = client.AverageRequestBytes,
            ClientWakeupsPerRequest = client.WakeupsPerRequest,
            RoundTripP50Ms = client.RoundTripP50Ms,
        };
    }

    /// <summary>
    /// Fills the topic with <paramref name="preloadBytes"/> as fast as the producers go, then reads it all with one
    /// consumer from the beginning: the rate of that read is the figure.
    /// </summary>
    public async Task<WorkloadResult> RunCatchUpAsync(Workload workload, long preloadBytes,
        CancellationToken cancellationToken)
    {
        await EnsureTopicAsync(workload).ConfigureAwait(false);
        long messages = preloadBytes / workload.MessageBytes;
        log.WriteLine($"  {workload.Name}: preloading {preloadBytes / 1048576} MiB ({messages} messages)");
        var preload = new ProducerWorker(bootstrap, workload, 0, 0, 0, long.MaxValue, messages);
        preload.Run();
        preload.Flush(DrainTimeout);
        preload.Dispose();

        return await ReadBackAsync(workload, messages, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <paramref name="messages"/> of the workload's topic with one consumer from the
    /// beginning.</summary>
    public async Task<WorkloadResult> ReadBackAsync(Workload workload, long messages,
        CancellationToken cancellationToken)
    {
        log.WriteLine($"  {workload.Name}: reading it back with one consumer");
        broker.TakePeakRssBytes();
        double cpu0 = broker.CpuSeconds();
        long started = Stopwatch.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsumerWorker consumer = ConsumerWorker.Start(bootstrap, workload.Topic,
            [.. Enumerable.Range(0, workload.Partitions)], Offset.Beginning, 0, long.MaxValue, stop.Token);
        await consumer.WaitForAsync(messages, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double cpu1 = broker.CpuSeconds();
        await stop.CancelAsync().ConfigureAwait(false);
        await consumer.Completion.ConfigureAwait(false);
        long rss = broker.TakePeakRssBytes();
        return new WorkloadResult
        {
            Name = workload.Name,
            Messages = consumer.Messages,
            Bytes = consumer.Bytes,
            Seconds = seconds,
            BrokerCpuSeconds = cpu1 - cpu0,
            PeakRssMiB = rss > 0 ? rss / 1048576.0 : double.NaN,
        };
    }

    /// <summary>
    /// An idle producer and a consumer long-polling (fetch.wait.max.ms=500) for <paramref name="idle"/>, then one
    /// message: the broker's CPU and memory while idle, and how soon the waiting consumer gets that message.
    /// </summary>
    public async Task<WorkloadResult> RunIdleAsync(string topic, TimeSpan idle, CancellationToken cancellationToken)
    {
        await EnsureTopicAsync(new Workload { Name = "idle", Topic = topic, Partitions = 1 }).ConfigureAwait(false);
        log.WriteLine($"  idle: {idle.TotalSeconds:0} s of long polling, then one message");
        using IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap, Acks = Confluent.Kafka.Acks.All, LingerMs = 0,
        }).Build();
        byte[] payload = Payload.Create(1024, 1);
        await ProduceStampedAsync(producer, topic, payload, cancellationToken).ConfigureAwait(false);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsumerWorker consumer = ConsumerWorker.Start(bootstrap, topic, [0], Offset.End, 0, long.MaxValue, stop.Token);
        await consumer.Assigned.ConfigureAwait(false);
        // The row's warm-up: connections settle, and the code only an idle broker runs (a long poll expiring with no
        // data, twice a second) gets called often enough for the runtime to compile it at its final tier. Measured
        // from the first poll, a broker spends 2.2% of a core in its first 30 s of idling, 0.7% in the next, then
        // 0.3%: the steady state this row is after.
        await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        var probe = new ColdMemory();
        long rssStart = broker.RssBytes();
        broker.TakePeakRssBytes();
        double cpu0 = broker.CpuSeconds();
        await Task.Delay(idle, cancellationToken).ConfigureAwait(false);
        double cpu1 = broker.CpuSeconds();
        long rss = broker.TakePeakRssBytes();
        log.WriteLine($"  idle: broker RSS {Mib(rssStart)} MiB as the window opened, {Mib(broker.RssBytes())} MiB " +
            $"as it closed, {Mib(rss)} MiB at most");

        long diskRead0 = broker.DiskReadBytes();
        long sent = await ProduceStampedAsync(producer, topic, payload, cancellationToken).ConfigureAwait(false);
        double ackMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        await consumer.WaitForAsync(1, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        long diskRead = diskRead0 >= 0 ? broker.DiskReadBytes() - diskRead0 : -1;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  idle: the message was acknowledged after {ackMs:0.00} ms and consumed after " +
            $"{consumer.FirstLatencyMs:0.00} ms; the broker read {diskRead} bytes from disk meanwhile"));
        double coldPage = probe.Touch();
        double warmPage = Math.Min(probe.Touch(), Math.Min(probe.Touch(), probe.Touch()));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  idle: memory left alone for the window took {coldPage:0.000} µs per page to touch again, " +
            $"{warmPage:0.000} warm"));
        await stop.CancelAsync().ConfigureAwait(false);
        await consumer.Completion.ConfigureAwait(false);
        return new WorkloadResult
        {
            Name = "idle",
            Seconds = idle.TotalSeconds,
            BrokerCpuSeconds = cpu1 - cpu0,
            PeakRssMiB = rss > 0 ? rss / 1048576.0 : double.NaN,
            FirstMessageLatencyMs = consumer.FirstLatencyMs,
            DiskReadBytes = diskRead,
            ColdPageMicroseconds = coldPage,
            WarmPageMicroseconds = warmPage,
        };
    }

    /// <summary>Stamps <paramref name="payload"/> with the time now and produces it: the time it was sent.</summary>
    private static async Task<long> ProduceStampedAsync(IProducer<Null, byte[]> producer, string topic,
        byte[] payload, CancellationToken cancellationToken)
    {
        long sent = Stopwatch.GetTimestamp();
        Payload.Stamp(payload, sent);
        await producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = payload }, cancellationToken)
            .ConfigureAwait(false);
        return sent;
    }

    private async Task<(double Cpu, long Rss, long Appended)> MeasureWindowAsync(long windowStart, long windowEnd,
        LogEnds ends, CancellationToken cancellationToken)
    {
        await Task.Delay(Until(windowStart), cancellationToken).ConfigureAwait(false);
        broker.TakePeakRssBytes();
        double cpu0 = broker.CpuSeconds();
        long end0 = await ends.SumAsync().ConfigureAwait(false);
        await Task.Delay(Until(windowEnd), cancellationToken).ConfigureAwait(false);
        long end1 = await ends.SumAsync().ConfigureAwait(false);
        return (broker.CpuSeconds() - cpu0, broker.TakePeakRssBytes(), end1 - end0);
    }

    private static async Task DrainAsync(List<ConsumerWorker> consumers, long acked)
    {
        if (consumers.Count == 0) return;
        var deadline = Stopwatch.StartNew();
        while (consumers.Sum(c => c.MessagesInWindow) < acked && deadline.Elapsed < DrainTimeout)
            await Task.Delay(50).ConfigureAwait(false);
    }

    // From each producer's last librdkafka statistics, whose counters run from the client's start.
    private static ClientStatistics ClientStatisticsOf(List<ProducerWorker> producers)
    {
        long requests = 0, bytes = 0, wakeups = 0;
        double rttSum = 0;
        int rttCount = 0;
        foreach (ProducerWorker producer in producers)
        {
            if (producer.LastStatistics is not { } json) continue;
            using JsonDocument stats = JsonDocument.Parse(json);
            foreach (JsonProperty b in stats.RootElement.GetProperty("brokers").EnumerateObject())
            {
                if (b.Value.GetProperty("nodeid").GetInt32() < 0) continue;
                requests += b.Value.GetProperty("tx").GetInt64();
                bytes += b.Value.GetProperty("txbytes").GetInt64();
                wakeups += b.Value.GetProperty("wakeups").GetInt64();
                if (b.Value.GetProperty("rtt").GetProperty("cnt").GetInt64() > 0)
                {
                    rttSum += b.Value.GetProperty("rtt").GetProperty("p50").GetInt64() / 1000.0;
                    rttCount++;
                }
            }
        }
        return new ClientStatistics(
            requests > 0 ? (double)bytes / requests : double.NaN,
            requests > 0 ? (double)wakeups / requests : double.NaN,
            rttCount > 0 ? rttSum / rttCount : double.NaN);
    }

    /// <summary>Deletes a row's topic, so the rows do not fill the disk; a failure only costs space.</summary>
    public async Task DeleteTopicAsync(string topic)
    {
        using IAdminClient admin =
            new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        try
        {
            await admin.DeleteTopicsAsync([topic]).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            log.WriteLine($"  (topic {topic} not deleted: {e.Message})");
        }
    }

    /// <summary>Waits until the cluster's metadata lists <paramref name="count"/> brokers, so a replicated topic can
    /// be placed on all of them.</summary>
    public async Task WaitForBrokersAsync(int count, TimeSpan timeout)
    {
        using IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap })
            .SetLogHandler((_, _) => { })
            .Build();
        var waited = Stopwatch.StartNew();
        int listed;
        while ((listed = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Count) < count)
        {
            if (waited.Elapsed > timeout)
                throw new InvalidOperationException($"{bootstrap} lists {listed} brokers after {timeout}, not {count}");
            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the workload's topic (partitions, replication factor, configs) unless it exists.</summary>
    public async Task EnsureTopicAsync(Workload workload)
    {
        string topic = workload.Topic;
        using IAdminClient admin =
            new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        if (!createTopics)
        {
            // librdkafka's mock cluster serves no CreateTopics (asking costs a minute's timeout): it creates a topic,
            // with its own partition count, when the metadata request names it.
            Metadata created = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
            log.WriteLine($"  (topic {topic} created on first use, {created.Topics[0].Partitions.Count} partitions)");
            return;
        }
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = workload.Partitions, ReplicationFactor = workload.ReplicationFactor,
                Configs = workload.TopicConfigs.ToDictionary(kv => kv.Key, kv => kv.Value),
            }]).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists))
        {
        }
        catch (KafkaException e)
        {
            // librdkafka's mock cluster may not serve CreateTopics; it creates topics on first use instead.
            log.WriteLine($"  (topic {topic} not created: {e.Error.Reason}; relying on auto-creation)");
        }
        // Leaders are elected by the time CreateTopics answers; the metadata round trip makes sure clients see them.
        admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
    }

    private static string Mib(long bytes) =>
        bytes > 0 ? (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture) : "n/a";

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan Until(long timestamp)
    {
        long left = timestamp - Stopwatch.GetTimestamp();
        return left > 0 ? TimeSpan.FromSeconds((double)left / Stopwatch.Frequency) : TimeSpan.Zero;
    }
}
