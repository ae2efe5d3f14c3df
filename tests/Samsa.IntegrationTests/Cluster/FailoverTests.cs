using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.Testing.History;
using Samsa.Testing.Workloads;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// Replication under failure, with OS processes and a real client: node 1 is broker and the one controller, node 2 a
/// broker; a topic with six partitions on both; an idempotent acks=all producer writes unique values all along while
/// node 2 dies (SIGKILL) or stops (SIGTERM) and comes back. The history checker compares what was acknowledged with
/// what a reader finds afterwards: nothing lost, duplicated or moved, and node 2 back in every ISR.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const string Topic = "failover";
    private const int Partitions = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A session of 3 s (heartbeats every 500 ms), so a dead broker is fenced within seconds.</summary>
    internal static void FastFencing(int id, Dictionary<string, string> settings)
    {
        settings["broker.session.timeout.ms"] = "3000";
        settings["broker.heartbeat.interval.ms"] = "500";
        settings["replica.lag.time.max.ms"] = "5000";
    }

    [Fact]
    public async Task A_killed_broker_loses_no_acknowledged_write_and_rejoins_every_isr()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2, configure: FastFencing);
        await RunAsync(cluster, "SIGKILL", () => cluster.Node(2).KillAsync());
    }

    [Fact]
    public async Task A_stopped_broker_hands_over_its_partitions_and_loses_no_acknowledged_write()
    {
        await using ProcessCluster cluster = await ProcessCluster.StartAsync(brokers: 2, configure: FastFencing);
        await RunAsync(cluster, "SIGTERM", () => cluster.Node(2).StopAsync());
    }

    private async Task RunAsync(ProcessCluster cluster, string fault, Func<Task> stopNode2)
    {
        await CreateTopicAsync(cluster, Topic, Partitions, replicationFactor: 2);
        var history = new WriteHistory();
        var clock = Stopwatch.StartNew();
        await using var producer = new ContinuousProducer(cluster.BootstrapServers, Topic, Partitions, history,
            clock);
        await Eventually.TrueAsync(() => producer.Acknowledged >= 300, Deadline, "300 writes acknowledged");
        int[] ledByNode2 = LeadersOf(cluster).Where(p => p.Value == 2).Select(p => p.Key).ToArray();

        TimeSpan stoppedAt = clock.Elapsed;
        await stopNode2();
        await WaitAsync(cluster,
            () => Enumerable.Range(0, Partitions)
                .All(p => HistoryChecker.RecoveredAt(history, p, stoppedAt) is not null),
            $"every partition acknowledged again after the {fault}");
        TimeSpan lastRecovered = Enumerable.Range(0, Partitions)
            .Max(p => HistoryChecker.RecoveredAt(history, p, stoppedAt)!.Value) - stoppedAt;

        await cluster.Node(2).RestartAsync();
        await WaitAsync(cluster, () => IsrsHold(cluster, 2), "node 2 back in every ISR");
        long beforeStop = producer.Acknowledged;
        await Eventually.TrueAsync(() => producer.Acknowledged >= beforeStop + 200, Deadline,
            "200 more writes acknowledged with node 2 back");
        await producer.StopAsync(TimeSpan.FromSeconds(30));

        TopicReader.ReadAll(cluster.BootstrapServers, Topic, Partitions, history, Deadline);
        HistoryReport report = HistoryChecker.Check(history);
        Figures.Report(output, string.Create(CultureInfo.InvariantCulture,
            $"{fault} of node 2 (leader of partitions {string.Join(",", ledByNode2)}): {report}; the last partition " +
            $"was acknowledged again {lastRecovered.TotalSeconds:F2} s after it"));
        Assert.True(report.Acknowledged > 500, $"only {report.Acknowledged} writes were acknowledged");
        Assert.Empty(report.LostWrites);
        Assert.Empty(report.Duplicates);
        Assert.Empty(report.MovedOffsets);
        Assert.Empty(report.InconsistentOffsets);
        Assert.True(report.IsClean, report.ToString());
    }

    /// <summary>Waits for <paramref name="condition"/>; a failure carries what every node printed last.</summary>
    internal static async Task WaitAsync(ProcessCluster cluster, Func<bool> condition, string what)
    {
        try
        {
            await Eventually.TrueAsync(condition, Deadline, what);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new TimeoutException($"{e.Message}\n{cluster.Describe()}", e);
        }
    }

    /// <summary>Creates <paramref name="topic"/> once every node is registered, and waits until each partition has
    /// a leader. <paramref name="assignment"/> places the replicas (the first leads) instead of the controller.
    /// </summary>
    internal static async Task CreateTopicAsync(ProcessCluster cluster, string topic, int partitions,
        short replicationFactor, Dictionary<string, string>? configs = null,
        Dictionary<int, List<int>>? assignment = null)
    {
        using IAdminClient admin = cluster.CreateAdmin();
        await cluster.WaitForBrokersAsync([.. Enumerable.Range(1, cluster.Nodes.Count)], Deadline);
        await admin.CreateTopicsAsync(
        [
            new TopicSpecification
            {
                Name = topic, NumPartitions = assignment is null ? partitions : assignment.Count,
                ReplicationFactor = assignment is null ? replicationFactor : (short)-1,
                Configs = configs, ReplicasAssignments = assignment,
            },
        ]);
        await Eventually.TrueAsync(() => LeadersOf(cluster, topic).Count == partitions, Deadline,
            $"every partition of {topic} to have a leader");
    }

    /// <summary>Each partition's leader, from Metadata asked of <paramref name="bootstrap"/> (default: every node),
    /// partitions without one left out.</summary>
    internal static Dictionary<int, int> LeadersOf(ProcessCluster cluster, string topic = Topic,
        string? bootstrap = null)
    {
        using IAdminClient admin = cluster.CreateAdmin(bootstrap);
        try
        {
            TopicMetadata? found = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics
                .FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
            return found?.Partitions.Where(p => p.Leader >= 0).ToDictionary(p => p.PartitionId, p => p.Leader) ?? [];
        }
        catch (KafkaException)
        {
            return [];
        }
    }

    /// <summary>True when every partition's ISR, from Metadata, holds <paramref name="brokerId"/>.</summary>
    internal static bool IsrsHold(ProcessCluster cluster, int brokerId, string topic = Topic)
    {
        using IAdminClient admin = cluster.CreateAdmin();
        try
        {
            TopicMetadata? found = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics
                .FirstOrDefault(t => t.Topic == topic);
            return found is { Partitions.Count: > 0 } && found.Partitions.All(p => p.InSyncReplicas.Contains(brokerId));
        }
        catch (KafkaException)
        {
            return false;
        }
    }
}
