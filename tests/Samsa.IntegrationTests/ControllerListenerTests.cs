using Confluent.Kafka;
using Samsa.Metadata.Network;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using ErrorCode = Samsa.Protocol.ErrorCode;

namespace Samsa.IntegrationTests;

// A controller node serves brokers on its CONTROLLER listener with Kafka's KRaft RPCs, over the wire: a second broker
// registers and heartbeats there, and clients see it once it is unfenced and stop seeing it once its session lapses.
public sealed class ControllerListenerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_broker_registers_and_heartbeats_over_the_controller_listener_and_is_fenced_when_it_stops()
    {
        int controllerPort = LoopbackPort.Free();
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(p =>
        {
            p["process.roles"] = "broker,controller";
            p["listeners"] = $"PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:{controllerPort}";
            p["controller.listener.names"] = "CONTROLLER";
            p["controller.quorum.voters"] = $"1@127.0.0.1:{controllerPort}";
            p["broker.session.timeout.ms"] = "3000";
        });
        await using var client = new NodeClient("127.0.0.1", controllerPort,
            KafkaClientOptions.Default("broker-2"), TimeProvider.System);

        await AssertOnlyControllerApisAreServedAsync(controllerPort);
        long epoch = await RegisterBroker2Async(client, cluster);
        using IAdminClient admin = cluster.CreateAdmin();
        Assert.DoesNotContain(2, admin.GetMetadata(Deadline).Brokers.Select(b => b.BrokerId));

        BrokerHeartbeatResponse beat = await HeartbeatAsync(client, epoch, long.MaxValue);
        Assert.Equal(((short)ErrorCode.None, false), (beat.ErrorCode, beat.IsFenced));
        BrokerMetadata two = Assert.Single(admin.GetMetadata(Deadline).Brokers, b => b.BrokerId == 2);
        Assert.Equal(("127.0.0.1", 19092), (two.Host, two.Port));

        // No more heartbeats: within broker.session.timeout.ms (3 s here, 9 s by default) plus the controller's
        // check period the controller fences broker 2.
        var sinceLastHeartbeat = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(() => admin.GetMetadata(Deadline).Brokers.All(b => b.BrokerId != 2),
            Deadline, "broker 2 to be fenced once its session lapsed");
        Assert.InRange(sinceLastHeartbeat.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
        BrokerHeartbeatResponse stale = await HeartbeatAsync(client, epoch - 1, long.MaxValue);
        Assert.Equal((short)ErrorCode.StaleBrokerEpoch, stale.ErrorCode);
    }

    private static async Task AssertOnlyControllerApisAreServedAsync(int controllerPort)
    {
        await using var probe = new NodeClient("127.0.0.1", controllerPort,
            KafkaClientOptions.Default("probe"), TimeProvider.System);
        KafkaClientException metadata = await Assert.ThrowsAsync<KafkaClientException>(() =>
            probe.SendAsync<MetadataRequest, MetadataResponse>(ApiKey.Metadata, new MetadataRequest(), Ct));
        Assert.True(metadata.IsUnsupportedVersion);
        Assert.Equal(BrokerHeartbeatRequest.HighestSupportedVersion,
            await probe.VersionForAsync<BrokerHeartbeatRequest>(ApiKey.BrokerHeartbeat, Ct));
    }

    private static async Task<long> RegisterBroker2Async(NodeClient client, SamsaCluster cluster)
    {
        using IAdminClient admin = cluster.CreateAdmin();
        var request = new BrokerRegistrationRequest
        {
            BrokerId = 2,
            ClusterId = (await admin.DescribeClusterAsync()).ClusterId,
            IncarnationId = Guid.NewGuid(),
            Listeners =
            [
                new BrokerRegistrationRequest.Listener
                {
                    Name = "PLAINTEXT", Host = "127.0.0.1", Port = 19092, SecurityProtocol = 0,
                },
            ],
        };
        BrokerRegistrationResponse registered = await client
            .SendAsync<BrokerRegistrationRequest, BrokerRegistrationResponse>(ApiKey.BrokerRegistration, request, Ct)
            .WaitAsync(Deadline, Ct);
        Assert.Equal((short)ErrorCode.None, registered.ErrorCode);
        Assert.True(registered.BrokerEpoch > 0);
        return registered.BrokerEpoch;
    }

    private static Task<BrokerHeartbeatResponse> HeartbeatAsync(NodeClient client, long epoch, long offset) =>
        client.SendAsync<BrokerHeartbeatRequest, BrokerHeartbeatResponse>(ApiKey.BrokerHeartbeat,
            new BrokerHeartbeatRequest { BrokerId = 2, BrokerEpoch = epoch, CurrentMetadataOffset = offset }, Ct)
            .WaitAsync(Deadline, Ct);
}
