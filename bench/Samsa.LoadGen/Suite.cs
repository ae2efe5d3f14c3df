using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samsa.LoadGen;

/// <summary>Where and how long the suite runs.</summary>
internal sealed record SuiteOptions
{
    public required string Bootstrap { get; init; }

    public int? BrokerPid { get; init; }

    /// <summary>A directory on the disk of the broker's logs, for fio.</summary>
    public required string DataDirectory { get; init; }

    public required string ResultsDirectory { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(60);

    public long PreloadBytes { get; init; } = 2L << 30;

    public bool MeasureLimits { get; init; } = true;

    public bool Mock { get; init; } = true;
}

/// <summary>One line of the table: the figures a row measured, its ratio to the machine, and its target.</summary>
internal sealed record SuiteRow(string Row, string Workload, string Figures, string Ratio, string Target, bool? Holds,
    WorkloadResult? Result);

// The benchmark table: each row of bench/README.md run against one broker, beside the machine's limits measured in the
// same run, as a Markdown table on the console and in bench/results/, with every raw figure in a JSON file next to it.
internal sealed class Suite(SuiteOptions options, TextWriter log)
{
    private const int KiB = 1024;
    private const int IdempotencePairs = 4;
    private const int MockIdempotencePairs = 2;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var broker = new BrokerSampler(options.BrokerPid);
        var runner = new LoadRunner(options.Bootstrap, broker, log);
        var rows = new List<SuiteRow>();
        double loopback = double.NaN, burst = double.NaN, buffered = double.NaN, synced = double.NaN;
        if (options.MeasureLimits)
        {
            log.WriteLine("machine limits");
            loopback = MachineLimits.LoopbackMegabytesPerSecond(log);
            burst = MachineLimits.BurstWriteMegabytesPerSecond(options.DataDirectory, log);
            buffered = MachineLimits.SustainedWriteMegabytesPerSecond(options.DataDirectory, log);
            log.WriteLine($"  loopback TCP {MachineLimits.Format(loopback)} MB/s, buffered sequential write " +
                $"{MachineLimits.Format(burst)} MB/s for 1 GiB, {MachineLimits.Format(buffered)} MB/s sustained");
        }

        log.WriteLine("rows");
        async Task<WorkloadResult> Measure(Workload workload)
        {
            WorkloadResult result = await runner.RunAsync(workload, cancellationToken);
            await runner.DeleteTopicAsync(workload.Topic);
            return result;
        }

        // A fresh broker still compiles its hot paths, and the page cache is still settling from fio's gigabytes: an
        // unmeasured stretch of the produce row first, so the first row measures the broker, not its start.
        log.WriteLine("  warm-up: the produce row, unmeasured");
        await Measure(Produce("warm-up", "bench-warmup") with { Warmup = TimeSpan.Zero, Duration = options.Warmup * 2 });

        WorkloadResult produce = await Measure(Produce("produce", "bench-produce"));
        rows.Add(new SuiteRow("produce", "8 partitions, 2 producers, acks=1, linger 5 ms, batch 1 MiB, unthrottled",
            $"{F(produce.MegabytesPerSecond)} MB/s; {F(produce.MegabytesPerCpuSecond)} MB per CPU-s",
            $"{R(produce.MegabytesPerSecond / Math.Min(loopback, buffered))} of min(loopback, disk)",
            "ratio >= 0.3; >= 300 MB per CPU-s",
            Both(AtLeast(produce.MegabytesPerSecond / Math.Min(loopback, buffered), 0.3),
                AtLeast(produce.MegabytesPerCpuSecond, 300)),
            produce));

        WorkloadResult durable = await Measure(Produce("durable produce", "bench-durable") with
        {
            Acks = "all", TopicConfigs = new Dictionary<string, string> { ["flush.mode"] = "fsync" },
        });
        if (options.MeasureLimits && !double.IsNaN(durable.AverageRequestBytes))
        {
            int block = (int)Math.Clamp(durable.AverageRequestBytes, 4 * KiB, 16 << 20);
            synced = MachineLimits.SyncedWriteMegabytesPerSecond(options.DataDirectory, block, log);
            log.WriteLine($"  fio with an fdatasync per {block / KiB} KiB write: {MachineLimits.Format(synced)} MB/s");
        }
        rows.Add(new SuiteRow("durable produce", "as produce, acks=all, flush.mode=fsync",
            $"{F(durable.MegabytesPerSecond)} MB/s; produce p99 {F(durable.Publish.P99, "0.0")} ms; " +
            $"requests of {F(durable.AverageRequestBytes / KiB)} KiB",
            $"{R(durable.MegabytesPerSecond / synced)} of fio, one fdatasync per request", "ratio >= 1.0",
            AtLeast(durable.MegabytesPerSecond / synced, 1.0), durable));

        WorkloadResult catchUp = await runner.RunCatchUpAsync(Produce("catch-up consume", "bench-catchup"),
            options.PreloadBytes, cancellationToken);
        await runner.DeleteTopicAsync("bench-catchup");
        rows.Add(new SuiteRow("catch-up consume", $"{options.PreloadBytes >> 20} MiB preloaded, one consumer from the start",
            $"{F(catchUp.MegabytesPerSecond)} MB/s; {F(catchUp.MegabytesPerCpuSecond)} MB per CPU-s",
            $"{R(catchUp.MegabytesPerSecond / loopback)} of loopback", "ratio >= 0.3",
            AtLeast(catchUp.MegabytesPerSecond / loopback, 0.3), catchUp));

        foreach (int rate in new[] { 10_000, 50_000 })
        {
            WorkloadResult latency = await Measure(new Workload
            {
                Name = $"latency {rate / 1000}k", Topic = $"bench-latency-{rate}", Partitions = 16, Producers = 1,
                Consumers = 1, Rate = rate, Acks = "all", LingerMs = 1, Warmup = options.Warmup, Duration = options.Window,
            });
            Latency e2e = latency.EndToEnd;
            bool? holds = rate == 10_000 ? Check(e2e.P50 <= 1 && e2e.P99 <= 5 && e2e.P999 <= 15) : null;
            rows.Add(new SuiteRow($"latency {rate / 1000}k msg/s", "16 partitions, linger 1 ms, acks=all",
                $"end-to-end p50 {F(e2e.P50, "0.00")} / p99 {F(e2e.P99, "0.00")} / p99.9 {F(e2e.P999, "0.00")} ms; " +
                $"publish p50 {F(latency.Publish.P50, "0.00")} ms; sent {F(latency.MessagesPerSecond)} msg/s; " +
                $"broker CPU {F(latency.BrokerCpuPercent)}%",
                "", rate == 10_000 ? "p50 <= 1, p99 <= 5, p99.9 <= 15 ms" : "", holds, latency));
        }

        WorkloadResult idle = await runner.RunIdleAsync("bench-idle", options.Idle, cancellationToken);
        rows.Add(new SuiteRow("idle", $"idle producer, consumer long-polling at 500 ms for {options.Idle.TotalSeconds:0} s, then one message",
            $"broker CPU {F(idle.BrokerCpuPercent, "0.00")}% of a core; RSS {F(idle.PeakRssMiB)} MiB; " +
            $"first message {F(idle.FirstMessageLatencyMs, "0.0")} ms, with " +
            $"{(idle.DiskReadBytes < 0 ? "n/a" : F(idle.DiskReadBytes / 1024.0))} KiB read from disk; " +
            $"the machine: memory left alone for the window took {F(idle.ColdPageMicroseconds, "0.00")} µs " +
            $"per 4 KiB page to touch again, {F(idle.WarmPageMicroseconds, "0.00")} warm",
            "", "< 0.5% of a core; < 150 MiB; <= 5 ms",
            Check(idle.BrokerCpuPercent < 0.5 && idle.PeakRssMiB < 150 && idle.FirstMessageLatencyMs <= 5), idle));

        WorkloadResult small = await Measure(Small("small records", "bench-small"));
        rows.Add(new SuiteRow("small records", "100 partitions, 100-byte records, 2 producers",
            $"{F(small.MessagesPerSecond)} records/s; {F(small.MessagesPerCpuSecond)} records per CPU-s", "",
            ">= 150k records per CPU-s", AtLeast(small.MessagesPerCpuSecond, 150_000), small));

        // The row reports the median of the pairs' ratios (see IdempotencePairsAsync for how the pairs run).
        (List<double> ratios, WorkloadResult all, WorkloadResult idempotent) =
            await IdempotencePairsAsync(Measure, IdempotencePairs, "");
        double idempotenceRatio = Median(ratios);
        rows.Add(new SuiteRow("idempotence", "the produce row with enable.idempotence=true (acks=all, 5 in flight)",
            idempotent.Errors > 0
                ? $"{idempotent.Errors} errors, the first: {idempotent.FirstError}"
                : $"last pair {F(idempotent.MegabytesPerSecond)} MB/s against {F(all.MegabytesPerSecond)} MB/s " +
                  $"(acks=all, 5 in flight, without it); pair ratios {string.Join(", ", ratios.Select(r => R(r)))}; " +
                  ClientCost(idempotent, all),
            $"{F(idempotenceRatio, "0.0000")} (median of {ratios.Count} pairs) of the same without idempotence", ">= 0.95",
            AtLeast(idempotenceRatio, 0.95), idempotent));

        if (options.Mock)
        {
            using var mock = new MockCluster();
            var mockRunner = new LoadRunner(mock.Bootstrap, new BrokerSampler(null), log, createTopics: false);
            WorkloadResult mockProduce = await mockRunner.RunAsync(Produce("mock produce", "bench-produce"), cancellationToken);
            rows.Add(new SuiteRow("reference: produce", "the produce row against librdkafka's mock cluster",
                $"{F(mockProduce.MegabytesPerSecond)} MB/s", $"Samsa's produce row is {R(produce.MegabytesPerSecond / mockProduce.MegabytesPerSecond)} of it",
                "", null, mockProduce));
            // librdkafka holds a message up to linger.ms before it sends it, so at 10k msg/s over 16 partitions,
            // where batches rarely fill, publish latency alone sits near linger: the client's floor under the
            // latency row. (The mock cluster does not answer a waiting fetch early, so only publish latency is read.)
            WorkloadResult mockLatency = await mockRunner.RunAsync(new Workload
            {
                Name = "mock latency 10k", Topic = "bench-latency-10000", Partitions = 16, Producers = 1, Rate = 10_000,
                Acks = "all", LingerMs = 1, Warmup = options.Warmup, Duration = options.Window,
            }, cancellationToken);
            rows.Add(new SuiteRow("reference: latency 10k msg/s", "the latency row's producer against librdkafka's mock cluster",
                $"publish p50 {F(mockLatency.Publish.P50, "0.00")} / p99 {F(mockLatency.Publish.P99, "0.00")} ms",
                "the client's own floor under the latency row (linger 1 ms)", "", null, mockLatency));
            WorkloadResult mockSmall = await mockRunner.RunAsync(Small("mock small records", "bench-small"), cancellationToken);
            rows.Add(new SuiteRow("reference: small records", "the small-records row against librdkafka's mock cluster",
                $"{F(mockSmall.MessagesPerSecond)} records/s", $"Samsa's small-records row is {R(small.MessagesPerSecond / mockSmall.MessagesPerSecond)} of it",
                "", null, mockSmall));
            // The client's own cost of idempotence: the same pairs against a broker that stores nothing.
            (List<double> mockRatios, WorkloadResult mockAll, WorkloadResult mockIdempotent) =
                await IdempotencePairsAsync(
                    w => mockRunner.RunAsync(w, cancellationToken), MockIdempotencePairs, "mock ");
            double mockIdempotence = Median(mockRatios);
            rows.Add(new SuiteRow("reference: idempotence", "the idempotence pairs against librdkafka's mock cluster",
                $"pair ratios {string.Join(", ", mockRatios.Select(r => R(r)))}; {ClientCost(mockIdempotent, mockAll)}",
                $"{R(mockIdempotence)}: the client's own cost; Samsa's row is {R(idempotenceRatio / mockIdempotence)} of it",
                "", null, null));
        }

        string table = Table(rows, loopback, burst, buffered, synced);
        log.WriteLine();
        log.WriteLine(table);
        Write(rows, table, loopback, burst, buffered, synced);
        return 0;
    }

    // Idempotence needs acks=all and at most 5 requests in flight (librdkafka's limit under idempotence), so its
    // baseline is the produce row with both: the ratio is the cost of idempotence alone. One pair moves by +-15% here,
    // so several run, in alternating order (off-on, on-off, ...) so neither side always runs second on a fuller disk.
    // Returns each pair's ratio (NaN, and no more pairs, once the idempotent side has errors) and the last pair.
    private async Task<(List<double> Ratios, WorkloadResult Baseline, WorkloadResult Idempotent)> IdempotencePairsAsync(
        Func<Workload, Task<WorkloadResult>> measure, int pairs, string prefix)
    {
        Workload baseline = Produce(prefix + "produce acks=all", "bench-produce-all") with { Acks = "all", MaxInFlight = 5 };
        Workload withIdempotence = Produce(prefix + "idempotence", "bench-idempotent") with { Acks = "all", Idempotence = true };
        var ratios = new List<double>();
        WorkloadResult all = null!, idempotent = null!;
        for (int pair = 0; pair < pairs; pair++)
        {
            if (pair % 2 == 0)
            {
                all = await measure(baseline);
                idempotent = await measure(withIdempotence);
            }
            else
            {
                idempotent = await measure(withIdempotence);
                all = await measure(baseline);
            }
            ratios.Add(idempotent.Errors > 0 ? double.NaN : idempotent.MegabytesPerSecond / all.MegabytesPerSecond);
            if (idempotent.Errors > 0) break;
        }
        return (ratios, all, idempotent);
    }

    // The client's side of a pair, from librdkafka's statistics of its last pair: how often its broker threads woke per
    // request, and the produce round trip it saw. An idempotent librdkafka producer keeps one request in flight per
    // partition and, while a partition's next batch is ready but must wait for that request's answer, wakes again at
    // once; so its wake-ups per request show what idempotence costs the client, whatever the broker does.
    private static string ClientCost(WorkloadResult idempotent, WorkloadResult baseline) =>
        $"client wake-ups per request {F(idempotent.ClientWakeupsPerRequest, "0.0")} against " +
        $"{F(baseline.ClientWakeupsPerRequest, "0.0")}, round trip p50 {F(idempotent.RoundTripP50Ms, "0.0")} against " +
        $"{F(baseline.RoundTripP50Ms, "0.0")} ms";

    private Workload Produce(string name, string topic) =>
        Workload.ProduceRow(name, topic, options.Warmup, options.Window);

    private Workload Small(string name, string topic) => new()
    {
        Name = name, Topic = topic, Partitions = 100, Producers = 2, MessageBytes = 100, Acks = "1", LingerMs = 5,
        BatchBytes = 1 << 20, Warmup = options.Warmup, Duration = options.Window,
    };

    private static string Table(List<SuiteRow> rows, double loopback, double burst, double buffered, double synced)
    {
        var text = new System.Text.StringBuilder();
        text.Append("Machine limits, same run: loopback TCP ").Append(MachineLimits.Format(loopback))
            .Append(" MB/s (iperf3); sequential write (fio) ").Append(MachineLimits.Format(buffered))
            .Append(" MB/s buffered and sustained (the disk in the ratios; ").Append(MachineLimits.Format(burst))
            .Append(" MB/s for a 1 GiB burst), ").Append(MachineLimits.Format(synced))
            .AppendLine(" MB/s appending request-sized writes with an fdatasync after each.");
        text.AppendLine();
        text.AppendLine("| row | workload | figures | ratio | target | holds |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (SuiteRow row in rows)
        {
            string holds = row.Holds switch { true => "yes", false => "**no**", null => "" };
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Row} | {row.Workload} | {row.Figures} | {row.Ratio} | {row.Target} | {holds} |").AppendLine();
        }
        return text.ToString();
    }

    private void Write(List<SuiteRow> rows, string table, double loopback, double burst, double buffered, double synced)
    {
        Directory.CreateDirectory(options.ResultsDirectory);
        string stamp = DateTime.UtcNow.ToString("yyyy-MM-dd-HHmm", CultureInfo.InvariantCulture);
        string markdown = Path.Combine(options.ResultsDirectory, $"{stamp}.md");
        File.WriteAllText(markdown, $"# Benchmark run {stamp} UTC\n\n{table}");
        var document = new
        {
            utc = DateTime.UtcNow,
            machine = new
            {
                cores = Environment.ProcessorCount, loopbackMBps = loopback, burstWriteMBps = burst,
                bufferedWriteMBps = buffered, syncedWriteMBps = synced,
            },
            rows,
        };
        File.WriteAllText(Path.ChangeExtension(markdown, ".json"), JsonSerializer.Serialize(document, JsonOptions));
        log.WriteLine($"wrote {markdown} and its .json");
    }

    private static bool? Check(bool condition) => condition;

    /// <summary>Whether <paramref name="value"/> reaches <paramref name="target"/>; null when it was not measured.</summary>
    private static bool? AtLeast(double value, double target) => double.IsNaN(value) ? null : value >= target;

    private static bool? Both(bool? a, bool? b) => a is null || b is null ? null : a.Value && b.Value;

    private static double Median(List<double> values)
    {
        if (values.Count == 0 || values.Any(double.IsNaN)) return double.NaN;
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string F(double value, string format = "0") =>
        double.IsNaN(value) || double.IsInfinity(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string R(double ratio) => F(ratio, "0.00");
}
