using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol.Records;
using Samsa.Testing.History;
using Samsa.Testing.Workloads;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// A leader that wrote what its follower never got, then froze past its session: the follower takes over and writes
/// other records at the same offsets, and when the old leader resumes it must come back as a follower, cut its
/// divergent tail at the new leader's epoch boundary, and copy the new history. Node 2's replication listener is
/// reached through a proxy the test closes, so the tail is there by construction, not by timing.
/// </summary>
public sealed class DivergentTailTests(ITestOutputHelper output)
{
    private const string Topic = "diverge";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_leader_paused_past_its_session_truncates_its_unreplicated_tail_and_loses_nothing_acknowledged()
    {
        await using var proxy = new FaultProxy(seed: 1);
        int node2Replication = LoopbackPort.Free();
        await using ProcessCluster cluster = await StartAsync(proxy, node2Replication);
        proxy.Target = FaultProxy.Parse($"127.0.0.1:{node2Replication}");
        await FailoverTests.CreateTopicAsync(cluster, Topic, 1, 2, assignment: new() { [0] = [2, 1] });

        var history = new WriteHistory();
        var clock = Stopwatch.StartNew();
        await ProduceAcknowledgedAsync(cluster, history, clock, "before", 20);

        // Node 1 can no longer fetch from node 2: what node 2 now takes with acks=1 is on node 2 alone.
        proxy.Target = null;
        proxy.DropAll();
        await WriteTailAsync(cluster.Node(2).BootstrapServers, 5);

        cluster.Node(2).Pause();
        try
        {
            await FailoverTests.WaitAsync(cluster, () => FailoverTests.LeadersOf(cluster, Topic).GetValueOrDefault(0)
                == 1, "node 1 to lead once node 2's session lapsed");
            await ProduceAcknowledgedAsync(cluster, history, clock, "after", 20);
        }
        finally
        {
            cluster.Node(2).Resume();
        }

        string truncated = await cluster.Node(2).WaitForLineAsync(
            line => line.Contains("Truncated the replica of diverge-0 from offset 25 to 20", StringComparison.Ordinal),
            Deadline);
        output.WriteLine(truncated);
        await FailoverTests.WaitAsync(cluster, () => FailoverTests.IsrsHold(cluster, 2, Topic),
            "node 2 back in the ISR as a follower");

        // Node 2's copy is the one read: leadership goes back to it, its preferred leader (ElectLeaders).
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.ElectLeadersAsync(ElectionType.Preferred, [new TopicPartition(Topic, 0)]);
        }
        await FailoverTests.WaitAsync(cluster, () => FailoverTests.LeadersOf(cluster, Topic).GetValueOrDefault(0)
            == 2, "node 2 to lead again");
        TopicReader.ReadAll(cluster.BootstrapServers, Topic, 1, history, Deadline);
        HistoryReport report = HistoryChecker.Check(history);
        Figures.Report(output, $"divergent tail: {report}");
        Assert.True(report.IsClean, report.ToString());   // a surviving tail record would be 'unexpected'
        Assert.Equal(40, report.Acknowledged);
    }

    // Node 2 advertises its replication listener through the proxy; node 1's is direct.
    private static Task<ProcessCluster> StartAsync(FaultProxy proxy, int node2Replication) =>
        ProcessCluster.StartAsync(brokers: 2, configure: (id, s) =>
        {
            FailoverTests.FastFencing(id, s);
            s["replica.lag.time.max.ms"] = "120000";   // node 2 must not drop node 1 from the ISR before it freezes
            s["inter.broker.listener.name"] = "REPLICATION";
            s["listener.security.protocol.map"] = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,REPLICATION:PLAINTEXT";
            int port = id == 2 ? node2Replication : LoopbackPort.Free();
            string plaintext = s["listeners"].Split(',')[0];
            s["listeners"] += $",REPLICATION://127.0.0.1:{port}";
            if (id == 2) s["advertised.listeners"] = $"{plaintext},REPLICATION://127.0.0.1:{proxy.Port}";
        });

    // acks=1 writes to the leader alone: the tail no acks=all producer was told about.
    private static async Task WriteTailAsync(string leader, int count)
    {
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(leader);
        for (int i = 0; i < count; i++)
        {
            byte[] batch = new RecordBatchBuilder().Add(null, Encoding.UTF8.GetBytes($"tail-{i}"),
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Build();
            Assert.Equal(0, (await RawRequests.ProduceAsync(raw, Topic, batch, acks: 1)).ErrorCode);
        }
    }

    private static async Task ProduceAcknowledgedAsync(ProcessCluster cluster, WriteHistory history, Stopwatch clock,
        string prefix, int count)
    {
        using IProducer<string, string> producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.Node(1).BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 60_000,
        }).Build();
        for (int i = 0; i < count; i++)
        {
            string value = $"{prefix}-{i}";
            history.Attempted("producer", 0, value, clock.Elapsed);
            DeliveryResult<string, string> result = await producer.ProduceAsync(new TopicPartition(Topic, 0),
                new Message<string, string> { Value = value }, Ct);
            history.Acknowledged(value, result.Offset.Value, clock.Elapsed);
        }
    }
}
