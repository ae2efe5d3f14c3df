using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Samsa.Configuration;
using Samsa.Hosting;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Benchmarks.Broker;

// Produce throughput of a real broker (in this process, loopback, a temporary log dir) from Confluent.Kafka with
// enable.idempotence on and off, alternately in the same run, median of several runs each. Both producers use
// acks=all and max.in.flight=5 (what idempotence requires), so the ratio measures what idempotence costs (an
// InitProducerId, the sequence check and state update per batch under the log's lock, snapshots at roll), not the
// client's pipelining limit. Each run writes to a fresh topic so the logs do not grow between runs.
internal static class IdempotenceBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        bool quick = args.Contains("--quick");
        int messages = quick ? 100_000 : 400_000;
        int repeats = quick ? 3 : 7;
        const int ValueBytes = 512;
        const int Partitions = 3;
        string root = Directory.CreateTempSubdirectory("samsa-bench-produce-").FullName;
        ILoggerFactory loggers = HostLogging.Create(LogLevel.Error);
        SamsaNode node = await StartAsync(root, loggers);
        try
        {
            Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, " +
                $".NET {Environment.Version}, {RuntimeInformation.OSDescription}");
            Console.WriteLine($"{messages} messages of {ValueBytes} bytes to {Partitions} partitions per run, " +
                $"acks=all, median of {repeats}");
            byte[] value = new byte[ValueBytes];
            Random.Shared.NextBytes(value);
            int run = 0;
            await ProduceAsync(node.BootstrapServers, $"warmup-{run++}", idempotent: false, messages / 4, value);
            await ProduceAsync(node.BootstrapServers, $"warmup-{run++}", idempotent: true, messages / 4, value);
            var off = new List<double>();
            var on = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                // Alternate which goes first, so a trend in the machine's load does not favour either.
                bool onFirst = i % 2 == 1;
                if (onFirst) on.Add(await ProduceAsync(node.BootstrapServers, $"on-{run++}", true, messages, value));
                off.Add(await ProduceAsync(node.BootstrapServers, $"off-{run++}", false, messages, value));
                if (!onFirst) on.Add(await ProduceAsync(node.BootstrapServers, $"on-{run++}", true, messages, value));
                Console.WriteLine($"  run {i + 1}: off {off[^1]:N0} msg/s, on {on[^1]:N0} msg/s");
            }
            double medianOff = Median(off);
            double medianOn = Median(on);
            (double appendOn, double appendOff) = AppendRow(root, repeats);
            double mib = ValueBytes / (1024.0 * 1024.0);
            Console.WriteLine();
            Console.WriteLine("| case | idempotence on | idempotence off (same run) | ratio | target |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| produce, Confluent.Kafka, {ValueBytes} B values, acks=all, max.in.flight=5 | " +
                $"{medianOn:N0} msg/s ({medianOn * mib:N1} MiB/s) | " +
                $"{medianOff:N0} msg/s ({medianOff * mib:N1} MiB/s) | " +
                $"**{medianOn / medianOff:F2}** | >= 0.95 |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| the log alone: `PartitionLog.AppendAsync` of 1-record {ValueBytes} B batches, with a producer id " +
                $"and sequence vs without | {appendOn:N0} batches/s | {appendOff:N0} batches/s | " +
                $"**{appendOn / appendOff:F2}** | |"));
            return 0;
        }
        finally
        {
            await node.DisposeAsync();
            loggers.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<SamsaNode> StartAsync(string root, ILoggerFactory loggers)
    {
        var sources = new ConfigSources
        {
            Flags =
            [
                new ConfigFlag("node.id", "1", "bench"),
                new ConfigFlag("listeners", "PLAINTEXT://127.0.0.1:0", "bench"),
                new ConfigFlag("log.dirs", root, "bench"),
                new ConfigFlag("http.listeners", "http://127.0.0.1:0", "bench"),
                new ConfigFlag("num.partitions", "3", "bench"),
            ],
        };
        ConfigLoadResult loaded = ConfigLoader.Load(sources, MachineInfo.Current);
        if (!loaded.IsValid) throw new InvalidOperationException(string.Join('\n', loaded.Errors));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await SamsaNode.StartAsync(loaded.Settings!, loggers, TimeProvider.System, deadline.Token);
    }

    /// <returns>Messages per second, from the first send to the last acknowledgement.</returns>
    private static async Task<double> ProduceAsync(string bootstrap, string topic, bool idempotent, int messages,
        byte[] value)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            EnableIdempotence = idempotent,
            MaxInFlight = 5,
            LingerMs = 5,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1 << 20,
        };
        using IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(config).Build();
        // Metadata, the topic and (with idempotence) the producer id before the clock starts.
        await producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = value });
        int failed = 0;
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < messages; i++)
        {
            var message = new Message<Null, byte[]> { Value = value };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, report =>
                    {
                        if (report.Error.IsError) Interlocked.Increment(ref failed);
                    });
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }
        if (producer.Flush(TimeSpan.FromMinutes(5)) != 0 || failed > 0)
            throw new InvalidOperationException($"{failed} messages failed, or the flush timed out");
        return messages / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The broker's own share: appends of idempotent batches (checked and recorded in the producer state) against
    /// the same batches without a producer id, alternately on fresh logs; batches per second, medians.
    /// </summary>
    private static (double On, double Off) AppendRow(string root, int repeats)
    {
        const int Count = 100_000;
        byte[][] idempotent = new byte[Count][];
        byte[][] plain = new byte[Count][];
        byte[] value = new byte[512];
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < Count; i++)
        {
            idempotent[i] = new RecordBatchBuilder { ProducerId = 7, ProducerEpoch = 0, BaseSequence = i }
                .Add([1], value, now).Build();
            plain[i] = new RecordBatchBuilder().Add([1], value, now).Build();
        }
        var on = new List<double>();
        var off = new List<double>();
        for (int run = -1; run < repeats; run++)
        {
            double a = Append(root, $"append-on-{run}", idempotent);
            double b = Append(root, $"append-off-{run}", plain);
            if (run < 0) continue;      // warm-up
            on.Add(a);
            off.Add(b);
        }
        return (Median(on), Median(off));

        static double Append(string root, string name, byte[][] batches)
        {
            string dir = Path.Combine(root, name);
            Directory.CreateDirectory(dir);
            LogDirectory directory = LogDirectory.Open(dir);
            PartitionLog log = PartitionLog.Open(directory, new Samsa.Storage.TopicPartition("bench", 0),
                LogOptions.Default);
            var stopwatch = Stopwatch.StartNew();
            foreach (byte[] batch in batches)
            {
                ValueTask<AppendResult> append = log.AppendAsync(batch, 0);
                if (!append.IsCompletedSuccessfully || append.Result.Status != AppendStatus.Ok)
                    throw new InvalidOperationException("an append failed");
            }
            double rate = batches.Length / stopwatch.Elapsed.TotalSeconds;
            log.Close();
            Directory.Delete(dir, recursive: true);
            return rate;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
