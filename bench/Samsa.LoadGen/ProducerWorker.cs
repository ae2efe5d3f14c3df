using System.Diagnostics;
using Confluent.Kafka;
using HdrHistogram;

namespace Samsa.LoadGen;

// One producer on its own thread. With a rate, message i is due at start + i / rate; the thread sends whatever is due,
// sleeps while the next message is more than 2 ms away and spins (yielding) when closer. Publish latency runs from the
// due time to the acknowledgement, so a send that went out late because the client's queue was full counts in full.
// Without a rate a message is due when it is sent. Delivery reports arrive on the client's poll thread, the only
// writer of the counters and histogram, which the owner reads after Flush.
//
// A delivery report costs the .NET client a GC handle, a callback and several objects per message; unthrottled, at a
// million messages a second, that made the generator rather than the broker the limit (against the mock cluster 0.6
// of the rate without them). So a worker asks for the report of one message in Workload.ReportEvery: those give the
// publish latency and any error, and the owner counts throughput from the log's end offsets instead. Rated rows
// report every message.
internal sealed class ProducerWorker : IDisposable
{
    private readonly IProducer<Null, byte[]> _producer;
    private readonly Workload _workload;
    private readonly int _index;
    private readonly long _start;
    private readonly long _windowStart;
    private readonly long _windowEnd;
    private readonly long _maxMessages;
    private readonly int _reportEvery;
    private long _maxLagTicks;
    private long _errors;

    public ProducerWorker(string bootstrap, Workload workload, int index, long start, long windowStart,
        long windowEnd, long maxMessages = long.MaxValue)
    {
        _workload = workload;
        _index = index;
        _start = start;
        _windowStart = windowStart;
        _windowEnd = windowEnd;
        _maxMessages = maxMessages;
        _reportEvery = workload.ReportEvery;
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = workload.Acks switch
            {
                "0" => Confluent.Kafka.Acks.None,
                "1" => Confluent.Kafka.Acks.Leader,
                _ => Confluent.Kafka.Acks.All,
            },
            LingerMs = workload.LingerMs,
            BatchSize = workload.BatchBytes,
            EnableIdempotence = workload.Idempotence,
            MaxInFlight = workload.MaxInFlight,
            CompressionType = Enum.Parse<CompressionType>(workload.Compression, ignoreCase: true),
            // 16 MiB: two 1 MiB batches for each of the produce row's 8 partitions. A deeper queue only adds queueing
            // to publish latency; at 256 MiB the client also freed and mapped malloc's arena heaps whole over and over
            // (page faults were a tenth of its time), and the produce row reached 495-560 MB/s against 567-593.
            QueueBufferingMaxKbytes = 16 * 1024,
            QueueBufferingMaxMessages = 1_000_000,
            StatisticsIntervalMs = 1000,
            MessageTimeoutMs = 60_000,
            // Delivery reports carry only the outcome: the handler knows the intended time and the size, and
            // marshalling the rest back for every message would make the generator, not the broker, the limit.
            DeliveryReportFields = "status",
        };
        _producer = new ProducerBuilder<Null, byte[]>(config)
            .SetStatisticsHandler((_, json) => LastStatistics = json)
            .SetLogHandler((_, _) => { })
            .Build();
    }

    public LongHistogram PublishLatency { get; } = Latency.NewHistogram();

    /// <summary>Messages reported acknowledged whose intended send time fell in the window (all of them when every
    /// message is reported).</summary>
    public long Messages { get; private set; }

    /// <summary>Messages the client accepted, in or out of the window.</summary>
    public long Sent { get; private set; }

    public long Errors => Interlocked.Read(ref _errors);

    public double MaxScheduleLagMs => _maxLagTicks * 1000.0 / Stopwatch.Frequency;

    public string? LastStatistics { get; private set; }

    /// <summary>The first error a send or a delivery report gave, or null.</summary>
    public string? FailedWith { get; private set; }

    public void Run()
    {
        byte[] payload = Payload.Create(_workload.MessageBytes, 1000 + _index);
        double perProducerRate = _workload.Rate / _workload.Producers;
        double interval = perProducerRate > 0 ? Stopwatch.Frequency / perProducerRate : 0;
        SpinUntil(_start);
        long sent = 0;
        while (sent < _maxMessages)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= _windowEnd) break;
            long due = now;
            if (interval > 0)
            {
                due = _start + (long)(sent * interval);
                if (due > now)
                {
                    Wait(due - now);
                    continue;
                }
                _maxLagTicks = Math.Max(_maxLagTicks, now - due);
            }
            Payload.Stamp(payload, now);
            try
            {
                long intended = due;
                if (sent % _reportEvery == 0)
                {
                    _producer.Produce(_workload.Topic, new Message<Null, byte[]> { Value = payload },
                        report => OnDelivery(report, intended));
                }
                else
                {
                    _producer.Produce(_workload.Topic, new Message<Null, byte[]> { Value = payload });
                }
                sent++;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The client's queue is full: the broker is the bottleneck. Wait for deliveries to make room.
                Thread.Sleep(1);
            }
            catch (ProduceException<Null, byte[]> e)
            {
                // The client cannot produce at all (a feature the broker lacks, a fatal error): the row reports it.
                Interlocked.Increment(ref _errors);
                FailedWith = e.Error.Reason;
                break;
            }
        }
        Sent = sent;
    }

    private void OnDelivery(DeliveryReport<Null, byte[]> report, long intended)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _errors);
            FailedWith ??= report.Error.Reason;
            return;
        }
        if (intended < _windowStart || intended >= _windowEnd) return;
        Messages++;
        Latency.Record(PublishLatency, Payload.MicrosecondsSince(intended));
    }

    /// <summary>Waits for every sent message to be acknowledged or to fail.</summary>
    public void Flush(TimeSpan timeout) => _producer.Flush(timeout);

    private static void Wait(long ticks)
    {
        if (ticks > Stopwatch.Frequency / 500) Thread.Sleep(1);
        else Thread.Yield();
    }

    private static void SpinUntil(long timestamp)
    {
        while (Stopwatch.GetTimestamp() < timestamp) Wait(timestamp - Stopwatch.GetTimestamp());
    }

    public void Dispose() => _producer.Dispose();
}
