namespace Samsa.LoadGen;

// The rows of the table: what each measured, as figures, a ratio to the machine, and its target; then the reference
// rows, the same workloads against librdkafka's mock cluster.
internal sealed partial class Suite
{
    private static SuiteRow ProduceRow(WorkloadResult produce, MachineFigures machine) =>
        new("produce", "8 partitions, 2 producers, acks=1, linger 5 ms, batch 1 MiB, unthrottled",
            $"{F(produce.MegabytesPerSecond)} MB/s; {F(produce.MegabytesPerCpuSecond)} MB per CPU-s",
            $"{R(produce.MegabytesPerSecond / Math.Min(machine.Loopback, machine.Buffered))} of min(loopback, disk)",
            "ratio >= 0.3; >= 300 MB per CPU-s",
            Both(AtLeast(produce.MegabytesPerSecond / Math.Min(machine.Loopback, machine.Buffered), 0.3),
                AtLeast(produce.MegabytesPerCpuSecond, 300)),
            produce);

    private static SuiteRow DurableRow(WorkloadResult durable, MachineFigures machine) =>
        new("durable produce", "as produce, acks=all, flush.mode=fsync",
            $"{F(durable.MegabytesPerSecond)} MB/s; produce p99 {F(durable.Publish.P99, "0.0")} ms; " +
            $"requests of {F(durable.AverageRequestBytes / KiB)} KiB",
            $"{R(durable.MegabytesPerSecond / machine.Synced)} of fio, one fdatasync per request", "ratio >= 1.0",
            AtLeast(durable.MegabytesPerSecond / machine.Synced, 1.0), durable);

    private SuiteRow CatchUpRow(WorkloadResult catchUp, MachineFigures machine) =>
        new("catch-up consume", $"{options.PreloadBytes >> 20} MiB preloaded, one consumer from the start",
            $"{F(catchUp.MegabytesPerSecond)} MB/s; {F(catchUp.MegabytesPerCpuSecond)} MB per CPU-s",
            $"{R(catchUp.MegabytesPerSecond / machine.Loopback)} of loopback", "ratio >= 0.3",
            AtLeast(catchUp.MegabytesPerSecond / machine.Loopback, 0.3), catchUp);

    private Workload LatencyWorkload(int rate) => new()
    {
        Name = $"latency {rate / 1000}k", Topic = $"bench-latency-{rate}", Partitions = 16, Producers = 1,
        Consumers = 1, Rate = rate, Acks = "all", LingerMs = 1, Warmup = options.Warmup, Duration = options.Window,
    };

    /// <summary>The latency row at <paramref name="rate"/> msg/s; only the 10k row has a target.</summary>
    private static SuiteRow LatencyRow(int rate, WorkloadResult latency)
    {
        Latency e2e = latency.EndToEnd;
        bool? holds = rate == 10_000 ? Check(e2e.P50 <= 1 && e2e.P99 <= 5 && e2e.P999 <= 15) : null;
        return new SuiteRow($"latency {rate / 1000}k msg/s", "16 partitions, linger 1 ms, acks=all",
            $"end-to-end p50 {F(e2e.P50, "0.00")} / p99 {F(e2e.P99, "0.00")} / p99.9 {F(e2e.P999, "0.00")} ms; " +
            $"publish p50 {F(latency.Publish.P50, "0.00")} ms; sent {F(latency.MessagesPerSecond)} msg/s; " +
            $"broker CPU {F(latency.BrokerCpuPercent)}%",
            "", rate == 10_000 ? "p50 <= 1, p99 <= 5, p99.9 <= 15 ms" : "", holds, latency);
    }

    private SuiteRow IdleRow(WorkloadResult idle) =>
        new("idle",
            $"idle producer, consumer long-polling at 500 ms for {options.Idle.TotalSeconds:0} s, then one message",
            $"broker CPU {F(idle.BrokerCpuPercent, "0.00")}% of a core; RSS {F(idle.PeakRssMiB)} MiB; " +
            $"first message {F(idle.FirstMessageLatencyMs, "0.0")} ms, with " +
            $"{(idle.DiskReadBytes < 0 ? "n/a" : F(idle.DiskReadBytes / 1024.0))} KiB read from disk; " +
            $"the machine: memory left alone for the window took {F(idle.ColdPageMicroseconds, "0.00")} µs " +
            $"per 4 KiB page to touch again, {F(idle.WarmPageMicroseconds, "0.00")} warm",
            "", "< 0.5% of a core; < 150 MiB; <= 5 ms",
            Check(idle.BrokerCpuPercent < 0.5 && idle.PeakRssMiB < 150 && idle.FirstMessageLatencyMs <= 5), idle);

    private static SuiteRow SmallRow(WorkloadResult small) =>
        new("small records", "100 partitions, 100-byte records, 2 producers",
            $"{F(small.MessagesPerSecond)} records/s; {F(small.MessagesPerCpuSecond)} records per CPU-s", "",
            ">= 150k records per CPU-s", AtLeast(small.MessagesPerCpuSecond, 150_000), small);

    private static SuiteRow IdempotenceRow(List<double> ratios, WorkloadResult all, WorkloadResult idempotent,
        double idempotenceRatio) =>
        new("idempotence", "the produce row with enable.idempotence=true (acks=all, 5 in flight)",
            idempotent.Errors > 0
                ? $"{idempotent.Errors} errors, the first: {idempotent.FirstError}"
                : $"last pair {F(idempotent.MegabytesPerSecond)} MB/s against {F(all.MegabytesPerSecond)} MB/s " +
                  $"(acks=all, 5 in flight, without it); pair ratios {string.Join(", ", ratios.Select(r => R(r)))}; " +
                  ClientCost(idempotent, all),
            $"{F(idempotenceRatio, "0.0000")} (median of {ratios.Count} pairs) of the same without idempotence",
            ">= 0.95", AtLeast(idempotenceRatio, 0.95), idempotent);

    /// <summary>The produce, latency, small-records and idempotence workloads against librdkafka's mock cluster,
    /// each beside the Samsa row it is a reference for.</summary>
    private async Task<List<SuiteRow>> ReferenceRowsAsync(WorkloadResult produce, WorkloadResult small,
        double idempotenceRatio, CancellationToken cancellationToken)
    {
        using var mock = new MockCluster();
        var mockRunner = new LoadRunner(mock.Bootstrap, new BrokerSampler(null), log, createTopics: false);
        var rows = new List<SuiteRow>();
        WorkloadResult mockProduce = await mockRunner.RunAsync(Produce("mock produce", "bench-produce"),
            cancellationToken);
        rows.Add(new SuiteRow("reference: produce", "the produce row against librdkafka's mock cluster",
            $"{F(mockProduce.MegabytesPerSecond)} MB/s",
            $"Samsa's produce row is {R(produce.MegabytesPerSecond / mockProduce.MegabytesPerSecond)} of it",
            "", null, mockProduce));
        rows.Add(await MockLatencyRowAsync(mockRunner, cancellationToken));
        WorkloadResult mockSmall = await mockRunner.RunAsync(Small("mock small records", "bench-small"),
            cancellationToken);
        rows.Add(new SuiteRow("reference: small records", "the small-records row against librdkafka's mock cluster",
            $"{F(mockSmall.MessagesPerSecond)} records/s",
            $"Samsa's small-records row is {R(small.MessagesPerSecond / mockSmall.MessagesPerSecond)} of it",
            "", null, mockSmall));
        // The client's own cost of idempotence: the same pairs against a broker that stores nothing.
        (List<double> mockRatios, WorkloadResult mockAll, WorkloadResult mockIdempotent) =
            await IdempotencePairsAsync(
                w => mockRunner.RunAsync(w, cancellationToken), MockIdempotencePairs, "mock ");
        double mockIdempotence = Median(mockRatios);
        rows.Add(new SuiteRow("reference: idempotence", "the idempotence pairs against librdkafka's mock cluster",
            $"pair ratios {string.Join(", ", mockRatios.Select(r => R(r)))}; {ClientCost(mockIdempotent, mockAll)}",
            $"{R(mockIdempotence)}: the client's own cost; " +
            $"Samsa's row is {R(idempotenceRatio / mockIdempotence)} of it",
            "", null, null));
        return rows;
    }

    // librdkafka holds a message up to linger.ms before it sends it, so at 10k msg/s over 16 partitions,
    // where batches rarely fill, publish latency alone sits near linger: the client's floor under the
    // latency row. (The mock cluster does not answer a waiting fetch early, so only publish latency is read.)
    private async Task<SuiteRow> MockLatencyRowAsync(LoadRunner mockRunner, CancellationToken cancellationToken)
    {
        WorkloadResult mockLatency = await mockRunner.RunAsync(new Workload
        {
            Name = "mock latency 10k", Topic = "bench-latency-10000", Partitions = 16, Producers = 1, Rate = 10_000,
            Acks = "all", LingerMs = 1, Warmup = options.Warmup, Duration = options.Window,
        }, cancellationToken);
        return new SuiteRow("reference: latency 10k msg/s",
            "the latency row's producer against librdkafka's mock cluster",
            $"publish p50 {F(mockLatency.Publish.P50, "0.00")} / p99 {F(mockLatency.Publish.P99, "0.00")} ms",
            "the client's own floor under the latency row (linger 1 ms)", "", null, mockLatency);
    }
}
