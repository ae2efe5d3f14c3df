using Confluent.Kafka;
using HdrHistogram;

namespace Samsa.LoadGen;

// One consumer on its own thread, assigned its partitions by hand (no group), recording each message's end-to-end
// latency from the send time in its payload. Counters are written by the consumer thread and read by others, hence
// the Volatile reads.
internal sealed class ConsumerWorker
{
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _windowStart;
    private readonly long _windowEnd;
    private long _messages;
    private long _bytes;
    private long _inWindow;
    private double _firstLatencyMs = double.NaN;

    private ConsumerWorker(long windowStart, long windowEnd)
    {
        _windowStart = windowStart;
        _windowEnd = windowEnd;
    }

    public Task Assigned => _assigned.Task;

    public Task Completion { get; private set; } = Task.CompletedTask;

    public LongHistogram EndToEnd { get; } = Latency.NewHistogram();

    public long Messages => Volatile.Read(ref _messages);

    public long Bytes => Volatile.Read(ref _bytes);

    public long MessagesInWindow => Volatile.Read(ref _inWindow);

    public double FirstLatencyMs => _firstLatencyMs;

    public static ConsumerWorker Start(string bootstrap, string topic, int[] partitions, Offset from,
        long windowStart, long windowEnd, CancellationToken stop)
    {
        var worker = new ConsumerWorker(windowStart, windowEnd);
        worker.Completion = Task.Factory.StartNew(() => worker.Run(bootstrap, topic, partitions, from, stop),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return worker;
    }

    public async Task WaitForAsync(long messages, TimeSpan timeout)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (Messages < messages)
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"the consumer read {Messages} of {messages} messages in {timeout}");
            if (Completion.IsFaulted) await Completion.ConfigureAwait(false);
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private void Run(string bootstrap, string topic, int[] partitions, Offset from, CancellationToken stop)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "samsa-loadgen-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 500,
            FetchMinBytes = 1,
            // Each consumed message carries only its value: the topic name (a string per message), the headers and
            // the timestamp are not marshalled, so the generator's own work per message stays small.
            ConsumeResultFields = "none",
        };
        using IConsumer<Ignore, Payload.Stamped> consumer = new ConsumerBuilder<Ignore, Payload.Stamped>(config)
            .SetValueDeserializer(Payload.StampReader.Instance).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, from)));
        // Resolve where each partition starts before the producers begin, so no early message is skipped.
        foreach (int p in partitions)
        {
            try
            {
                consumer.Position(new TopicPartition(topic, p));
            }
            catch (KafkaException)
            {
            }
        }
        consumer.Consume(TimeSpan.FromMilliseconds(200));
        _assigned.TrySetResult();
        while (!stop.IsCancellationRequested)
        {
            ConsumeResult<Ignore, Payload.Stamped>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException)
            {
                continue;
            }
            if (result?.Message is not { } message) continue;
            Payload.Stamped value = message.Value;
            long sentAt = value.SentAt;
            double latency = Payload.MicrosecondsSince(sentAt);
            if (double.IsNaN(_firstLatencyMs)) _firstLatencyMs = latency / 1000;
            if (sentAt >= _windowStart && sentAt < _windowEnd)
            {
                Latency.Record(EndToEnd, latency);
                Interlocked.Increment(ref _inWindow);
            }
            Interlocked.Add(ref _bytes, value.Length);
            Interlocked.Increment(ref _messages);
        }
        consumer.Close();
    }
}
