using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samsa.LoadGen;

/// <summary>Where and how long the suite runs.</summary>
internal sealed record SuiteOptions
{
    public required string Bootstrap { get; init; }

    public int? BrokerPid { get; init; }

    /// <summary>host:port of a two-broker cluster for the replicated rows; null skips them.</summary>
    public string? ClusterBootstrap { get; init; }

    /// <summary>The process id of the cluster's node 2 (not the controller), which the failover row SIGKILLs.</summary>
    public int? KillPid { get; init; }

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
internal sealed partial class Suite(SuiteOptions options, TextWriter log)
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
        MachineFigures machine = MeasureMachine();

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
        await Measure(WarmUp());

        WorkloadResult produce = await Measure(Produce("produce", "bench-produce"));
        rows.Add(ProduceRow(produce, machine));

        WorkloadResult durable = await Measure(Durable());
        machine = machine with { Synced = MeasureSyncedWrite(durable) };
        rows.Add(DurableRow(durable, machine));

        WorkloadResult catchUp = await runner.RunCatchUpAsync(Produce("catch-up consume", "bench-catchup"),
            options.PreloadBytes, cancellationToken);
        await runner.DeleteTopicAsync("bench-catchup");
        rows.Add(CatchUpRow(catchUp, machine));

        foreach (int rate in new[] { 10_000, 50_000 })
            rows.Add(LatencyRow(rate, await Measure(LatencyWorkload(rate))));

        rows.Add(IdleRow(await runner.RunIdleAsync("bench-idle", options.Idle, cancellationToken)));

        WorkloadResult small = await Measure(Small("small records", "bench-small"));
        rows.Add(SmallRow(small));

        // The row reports the median of the pairs' ratios (see IdempotencePairsAsync for how the pairs run).
        (List<double> ratios, WorkloadResult all, WorkloadResult idempotent) =
            await IdempotencePairsAsync(Measure, IdempotencePairs, "");
        double idempotenceRatio = Median(ratios);
        rows.Add(IdempotenceRow(ratios, all, idempotent, idempotenceRatio));

        rows.AddRange(await ClusterRowsAsync(produce, cancellationToken));

        if (options.Mock)
            rows.AddRange(await ReferenceRowsAsync(produce, small, idempotenceRatio, cancellationToken));

        string table = Table(rows, machine);
        log.WriteLine();
        log.WriteLine(table);
        Write(rows, table, machine);
        return 0;
    }

    /// <summary>The machine's limits (iperf3 and fio), or NaN for each when they are not measured.</summary>
    private MachineFigures MeasureMachine()
    {
        if (!options.MeasureLimits) return new MachineFigures(double.NaN, double.NaN, double.NaN, double.NaN);
        log.WriteLine("machine limits");
        double loopback = MachineLimits.LoopbackMegabytesPerSecond(log);
        double burst = MachineLimits.BurstWriteMegabytesPerSecond(options.DataDirectory, log);
        double buffered = MachineLimits.SustainedWriteMegabytesPerSecond(options.DataDirectory, log);
        log.WriteLine($"  loopback TCP {MachineLimits.Format(loopback)} MB/s, buffered sequential write " +
            $"{MachineLimits.Format(burst)} MB/s for 1 GiB, {MachineLimits.Format(buffered)} MB/s sustained");
        return new MachineFigures(loopback, burst, buffered, double.NaN);
    }

    /// <summary>fio appending writes the size of the durable row's requests, each followed by an fdatasync.</summary>
    private double MeasureSyncedWrite(WorkloadResult durable)
    {
        if (!options.MeasureLimits || double.IsNaN(durable.AverageRequestBytes)) return double.NaN;
        int block = (int)Math.Clamp(durable.AverageRequestBytes, 4 * KiB, 16 << 20);
        double synced = MachineLimits.SyncedWriteMegabytesPerSecond(options.DataDirectory, block, log);
        log.WriteLine($"  fio with an fdatasync per {block / KiB} KiB write: {MachineLimits.Format(synced)} MB/s");
        return synced;
    }

    // Idempotence needs acks=all and at most 5 requests in flight (librdkafka's limit under idempotence), so its
    // baseline is the produce row with both: the ratio is the cost of idempotence alone. One pair moves by +-15% here,
    // so several run, in alternating order (off-on, on-off, ...) so neither side always runs second on a fuller disk.
    // Returns each pair's ratio (NaN, and no more pairs, once the idempotent side has errors) and the last pair.
    private async Task<(List<double> Ratios, WorkloadResult Baseline, WorkloadResult Idempotent)>
        IdempotencePairsAsync(Func<Workload, Task<WorkloadResult>> measure, int pairs, string prefix)
    {
        Workload baseline = Produce(prefix + "produce acks=all", "bench-produce-all") with
        {
            Acks = "all", MaxInFlight = 5,
        };
        Workload withIdempotence = Produce(prefix + "idempotence", "bench-idempotent") with
        {
            Acks = "all", Idempotence = true,
        };
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

    private Workload WarmUp() => Produce("warm-up", "bench-warmup") with
    {
        Warmup = TimeSpan.Zero, Duration = options.Warmup * 2,
    };

    private Workload Durable() => Produce("durable produce", "bench-durable") with
    {
        Acks = "all", TopicConfigs = new Dictionary<string, string> { ["flush.mode"] = "fsync" },
    };

    private Workload Small(string name, string topic) => new()
    {
        Name = name, Topic = topic, Partitions = 100, Producers = 2, MessageBytes = 100, Acks = "1", LingerMs = 5,
        BatchBytes = 1 << 20, Warmup = options.Warmup, Duration = options.Window,
    };

    private static string Table(List<SuiteRow> rows, MachineFigures machine)
    {
        var text = new System.Text.StringBuilder();
        text.Append("Machine limits, same run: loopback TCP ").Append(MachineLimits.Format(machine.Loopback))
            .Append(" MB/s (iperf3); sequential write (fio) ").Append(MachineLimits.Format(machine.Buffered))
            .Append(" MB/s buffered and sustained (the disk in the ratios; ")
            .Append(MachineLimits.Format(machine.Burst))
            .Append(" MB/s for a 1 GiB burst), ").Append(MachineLimits.Format(machine.Synced))
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

    private void Write(List<SuiteRow> rows, string table, MachineFigures machine)
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
                cores = Environment.ProcessorCount, loopbackMBps = machine.Loopback, burstWriteMBps = machine.Burst,
                bufferedWriteMBps = machine.Buffered, syncedWriteMBps = machine.Synced,
            },
            rows,
        };
        File.WriteAllText(Path.ChangeExtension(markdown, ".json"), JsonSerializer.Serialize(document, JsonOptions));
        log.WriteLine($"wrote {markdown} and its .json");
    }

    private static bool? Check(bool condition) => condition;

    /// <summary>Whether <paramref name="value"/> reaches <paramref name="target"/>; null when it was not
    /// measured.</summary>
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
