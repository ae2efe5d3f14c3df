using System.Globalization;

namespace Samsa.LoadGen;

// The replicated rows, against the two-broker cluster bench/run.sh starts beside the single broker (idle while the
// other is measured): the produce and 10k latency workloads at replication factor 2 with acks=all, then the failover
// row, which SIGKILLs node 2 and so comes last. Without a cluster they are skipped with a note in the table.
internal sealed partial class Suite
{
    private const int ClusterBrokers = 2;
    private const int KilledNode = 2;
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(60);

    private async Task<List<SuiteRow>> ClusterRowsAsync(WorkloadResult produce, CancellationToken cancellationToken)
    {
        if (options.ClusterBootstrap is null)
        {
            log.WriteLine("  replicated rows skipped: no --cluster-bootstrap");
            return [new SuiteRow("replicated rows", "", "not run: no --cluster-bootstrap given", "", "", null, null)];
        }
        log.WriteLine($"  the cluster at {options.ClusterBootstrap}");
        var runner = new LoadRunner(options.ClusterBootstrap, new BrokerSampler(null), log);
        await runner.WaitForBrokersAsync(ClusterBrokers, TimeSpan.FromSeconds(60));
        async Task<WorkloadResult> Measure(Workload workload)
        {
            WorkloadResult result = await runner.RunAsync(workload, cancellationToken);
            await runner.DeleteTopicAsync(workload.Topic);
            return result;
        }

        var rows = new List<SuiteRow>();
        WorkloadResult replicated = await Measure(Produce("replicated produce", "bench-replicated") with
        {
            Acks = "all", ReplicationFactor = ClusterBrokers,
        });
        rows.Add(ReplicatedProduceRow(replicated, produce));
        WorkloadResult latency = await Measure(LatencyWorkload(10_000) with
        {
            Name = "replicated latency 10k", Topic = "bench-replicated-latency", ReplicationFactor = ClusterBrokers,
        });
        rows.Add(ReplicatedLatencyRow(latency));
        rows.Add(await FailoverRowAsync(runner, cancellationToken));
        return rows;
    }

    private static SuiteRow ReplicatedProduceRow(WorkloadResult replicated, WorkloadResult produce) =>
        new("replicated produce", "as produce, on 2 brokers, replication factor 2, acks=all",
            $"{F(replicated.MegabytesPerSecond)} MB/s against {F(produce.MegabytesPerSecond)} MB/s on one broker; " +
            $"produce p99 {F(replicated.Publish.P99, "0.0")} ms{Errors(replicated)}",
            $"{R(replicated.MegabytesPerSecond / produce.MegabytesPerSecond)} of the produce row", ">= 0.5",
            replicated.Errors > 0 ? false : AtLeast(replicated.MegabytesPerSecond / produce.MegabytesPerSecond, 0.5),
            replicated);

    private static SuiteRow ReplicatedLatencyRow(WorkloadResult latency)
    {
        Latency e2e = latency.EndToEnd;
        return new SuiteRow("replicated latency 10k msg/s", "as latency 10k msg/s, on 2 brokers, replication factor 2",
            $"end-to-end p50 {F(e2e.P50, "0.00")} / p99 {F(e2e.P99, "0.00")} / p99.9 {F(e2e.P999, "0.00")} ms; " +
            $"publish p50 {F(latency.Publish.P50, "0.00")} / p99 {F(latency.Publish.P99, "0.00")} ms; " +
            $"sent {F(latency.MessagesPerSecond)} msg/s{Errors(latency)}",
            "", "end-to-end p99 <= 10 ms", latency.Errors > 0 || double.IsNaN(e2e.P99) ? false : e2e.P99 <= 10,
            latency);
    }

    private async Task<SuiteRow> FailoverRowAsync(LoadRunner runner, CancellationToken cancellationToken)
    {
        const string name = "failover";
        const string workload = "6 partitions, replication factor 2, an idempotent acks=all producer at 300 msg/s; " +
            "node 2 (not the controller) SIGKILLed";
        if (options.KillPid is not int pid)
            return new SuiteRow(name, workload, "not run: no --kill-pid given", "", "", null, null);
        var failover = new Workload
        {
            Name = name, Topic = "bench-failover", Partitions = 6, ReplicationFactor = ClusterBrokers, Rate = 300,
            Acks = "all", Idempotence = true, LingerMs = 1,
        };
        FailoverResult result = await new Failover(options.ClusterBootstrap!, log)
            .RunAsync(runner, failover, pid, options.Warmup, FailoverDeadline, cancellationToken);
        double seconds = result.LastOf(KilledNode);
        string figures = $"node 2's partitions written again {F(seconds, "0.00")} s after the kill at the last " +
            $"({Recovery(result, KilledNode)}); node 1's: {Recovery(result, 1)}; {result.Sent} sent, " +
            $"{result.Acked} acknowledged, {result.Errors} errors" +
            (result.FirstError is null ? "" : $", the first: {result.FirstError}");
        log.WriteLine($"  failover: {figures}");
        return new SuiteRow(name, workload, figures, "", "<= 10 s",
            result.Errors > 0 || double.IsNaN(seconds) ? false : seconds <= 10, null);
    }

    /// <summary>"p1 9.71 s, p3 9.80 s" for the partitions <paramref name="node"/> led before the kill.</summary>
    private static string Recovery(FailoverResult result, int node)
    {
        var parts = new List<string>();
        for (int p = 0; p < result.Leaders.Length; p++)
        {
            if (result.Leaders[p] == node)
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"p{p} {F(result.Recovery[p], "0.00")} s"));
        }
        return parts.Count == 0 ? "none led" : string.Join(", ", parts);
    }

    private static string Errors(WorkloadResult result) =>
        result.Errors > 0 ? $"; {result.Errors} errors, the first: {result.FirstError}" : "";
}
