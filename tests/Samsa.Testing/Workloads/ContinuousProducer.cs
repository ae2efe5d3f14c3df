using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Samsa.Testing.History;

namespace Samsa.Testing.Workloads;

/// <summary>
/// An idempotent acks=all producer that writes unique values round-robin over a topic's partitions until stopped,
/// at a bounded rate, recording every attempt and outcome in a <see cref="WriteHistory"/> on the run's clock. The
/// client queues per partition, so a partition that cannot be written does not stall the others.
/// </summary>
public sealed class ContinuousProducer : IAsyncDisposable
{
    private readonly IProducer<string, string> _producer;
    private readonly string _topic;
    private readonly int _partitions;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _acknowledged;

    /// <param name="bootstrap">Where the producer starts.</param>
    /// <param name="topic">The topic written.</param>
    /// <param name="partitions">Its partitions, written round-robin.</param>
    /// <param name="history">Where attempts and outcomes go.</param>
    /// <param name="clock">The run's clock (history times are its elapsed time).</param>
    /// <param name="perSecond">Values attempted per second, in all.</param>
    /// <param name="configure">Changes to the producer's config.</param>
    public ContinuousProducer(string bootstrap, string topic, int partitions, WriteHistory history, Stopwatch clock,
        int perSecond = 200, Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = 120_000,
            RequestTimeoutMs = 5000,
            RetryBackoffMs = 100,
            SocketTimeoutMs = 10_000,
            TopicMetadataRefreshIntervalMs = 1000,
        };
        configure?.Invoke(config);
        _producer = new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
        _topic = topic;
        _partitions = partitions;
        _clock = clock;
        History = history;
        _loop = Task.Run(() => RunAsync(perSecond, _stop.Token));
    }

    public WriteHistory History { get; }

    /// <summary>Values acknowledged so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    private async Task RunAsync(int perSecond, CancellationToken stop)
    {
        var pause = TimeSpan.FromSeconds(1.0 / perSecond);
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            int partition = (int)(i % _partitions);
            string value = string.Create(CultureInfo.InvariantCulture, $"v{i}");
            History.Attempted("producer", partition, value, _clock.Elapsed);
            _producer.Produce(new TopicPartition(_topic, partition), new Message<string, string> { Value = value },
                report =>
                {
                    if (report.Error.IsError || report.Status != PersistenceStatus.Persisted)
                    {
                        History.Failed(value, _clock.Elapsed);
                        return;
                    }
                    History.Acknowledged(value, report.Offset.Value, _clock.Elapsed);
                    Interlocked.Increment(ref _acknowledged);
                });
            try
            {
                await Task.Delay(pause, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops sending and waits (bounded) for every send in flight to end.</summary>
    public async Task StopAsync(TimeSpan flushDeadline)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await Task.Run(() => _producer.Flush(flushDeadline)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _producer.Dispose();
        _stop.Dispose();
    }
}
