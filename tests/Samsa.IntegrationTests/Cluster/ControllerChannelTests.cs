using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Metadata.Network;
using Samsa.Metadata.Records;

namespace Samsa.IntegrationTests.Cluster;

/// <summary>
/// The controller channel over a real socket: a controller (in-memory metadata log) served by ControllerServer on
/// Kestrel, and a broker's side of it, RemoteController and MetadataFollower, talking Kafka's RPCs to it.
/// </summary>
public sealed class ControllerChannelTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly MemoryMetadataLog _log = new(nodeId: 1);
    private readonly MetadataLoader _loader = new();
    private IDisposable? _subscription;
    private MetadataController? _controller;
    private ControllerServer? _server;
    private WebApplication? _web;
    private QuorumVoter _voter;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MetadataController Controller => _controller!;

    public async ValueTask InitializeAsync()
    {
        _subscription = _log.Subscribe(_loader);
        _controller = new MetadataController(_log, _loader, new MetadataControllerOptions(),
            ConfigDefValidator.Instance, TimeProvider.System, NullLogger.Instance);
        Assert.True((await _controller.BootstrapAsync("channel-cluster", Ct)).IsOk);
        var options = new BrokerOptions { NodeId = 1, Configs = BrokerConfigValues.Defaults };
        _server = ControllerServer.Create(options, _controller,
            new MetadataLogServer(_log, _loader, TimeProvider.System, snapshotLag: 10), _loader, "CONTROLLER",
            TimeProvider.System, NullLoggerFactory.Instance);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? bound = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Run(_server.OnConnectedAsync);
            bound = listen;
        }));
        _web = builder.Build();
        await _web.StartAsync(Ct);
        _voter = new QuorumVoter(1, new ServerAddress("127.0.0.1", ((IPEndPoint)bound!.EndPoint).Port));
    }

    [Fact]
    public async Task A_broker_registers_heartbeats_and_changes_topics_and_configs_through_the_remote_controller()
    {
        await using var remote =
            new RemoteController([_voter], KafkaClientOptions.Default("test"), TimeProvider.System);

        BrokerRegistrationResult registered = await remote.RegisterBrokerAsync(new BrokerRegistrationRequest(2,
            Guid.NewGuid(), "channel-cluster", [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092, 0)]), Ct);
        Assert.Equal(ControllerStatus.Ok, registered.Status);
        BrokerHeartbeatResult heartbeat = await remote.HeartbeatAsync(
            new BrokerHeartbeatRequest(2, registered.BrokerEpoch, _log.CommittedOffset), Ct);
        Assert.Equal((ControllerStatus.Ok, false), (heartbeat.Status, heartbeat.IsFenced));
        BrokerRegistrationResult otherCluster = await remote.RegisterBrokerAsync(new BrokerRegistrationRequest(3,
            Guid.NewGuid(), "another-cluster", [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9093, 0)]), Ct);
        Assert.Equal(ControllerStatus.InconsistentClusterId, otherCluster.Status);

        IReadOnlyList<CreateTopicResult> created = await remote.CreateTopicsAsync(
            [new NewTopic("orders", 3, 1, Configs: [new("retention.ms", "1000")]), new NewTopic("bad/name")],
            validateOnly: false, Ct);
        Assert.Equal(ControllerStatus.Ok, created[0].Status);
        Assert.Equal((3, (short)1), (created[0].NumPartitions, created[0].ReplicationFactor));
        Assert.True(Controller.Image.Topics.TryGetTopic("orders", out TopicImage? orders));
        Assert.Equal(orders.TopicId, created[0].TopicId);
        Assert.Equal(ControllerStatus.InvalidTopic, created[1].Status);
        Assert.False(string.IsNullOrEmpty(created[1].Message));

        IReadOnlyList<CreateTopicResult> again =
            await remote.CreateTopicsAsync([new NewTopic("orders", 3, 1)], validateOnly: false, Ct);
        Assert.Equal(ControllerStatus.TopicAlreadyExists, again[0].Status);

        IReadOnlyList<CreatePartitionsResult> grown =
            await remote.CreatePartitionsAsync([new NewPartitions("orders", 5)], validateOnly: false, Ct);
        Assert.Equal(ControllerStatus.Ok, grown[0].Status);
        Assert.True(Controller.Image.Topics.TryGetTopic("orders", out orders));
        Assert.Equal(5, orders.Partitions.Length);

        IReadOnlyList<AlterConfigsResult> altered = await remote.IncrementalAlterConfigsAsync(
            [new AlterConfigsResource(ConfigResource.ForTopic("orders"), [new AlterConfigOp("retention.ms", "5000")]),
                new AlterConfigsResource(ConfigResource.BrokerDefault, [new AlterConfigOp("no.such", "1")])],
            validateOnly: false, Ct);
        Assert.Equal([ControllerStatus.Ok, ControllerStatus.InvalidConfig], altered.Select(r => r.Status));
        Assert.True(Controller.Image.Configs.TryGetValue(ConfigResource.ForTopic("orders"), "retention.ms",
            out string? retention));
        Assert.Equal("5000", retention);

        AllocateProducerIdsResult ids = await remote.AllocateProducerIdsAsync(2, registered.BrokerEpoch, Ct);
        Assert.Equal(ControllerStatus.Ok, ids.Status);
        Assert.True(ids.Block.Size > 0);
        AllocateProducerIdsResult stale = await remote.AllocateProducerIdsAsync(2, registered.BrokerEpoch - 1, Ct);
        Assert.Equal(ControllerStatus.StaleBrokerEpoch, stale.Status);

        IReadOnlyList<DeleteTopicResult> deleted =
            await remote.DeleteTopicsAsync([TopicToDelete.ByName("orders"), TopicToDelete.ByName("none")], Ct);
        Assert.Equal([ControllerStatus.Ok, ControllerStatus.UnknownTopicOrPartition], deleted.Select(r => r.Status));
        Assert.False(Controller.Image.Topics.TryGetTopic("orders", out _));
    }

    [Fact]
    public async Task A_leader_changes_an_isr_through_the_remote_controller_and_a_stale_change_is_refused()
    {
        await using var remote =
            new RemoteController([_voter], KafkaClientOptions.Default("test"), TimeProvider.System);
        long leaderEpoch = await RegisterAsync(remote, 2);
        long followerEpoch = await RegisterAsync(remote, 3);
        IReadOnlyList<CreateTopicResult> created = await remote.CreateTopicsAsync(
            [new NewTopic("isr", -1, -1, [new ReplicaAssignment(0, [2, 3])])], validateOnly: false, Ct);
        Guid topicId = created[0].TopicId;
        PartitionRegistration before = PartitionOf("isr");
        var shrink = new AlterPartitionRequest(2, leaderEpoch, topicId, 0, before.LeaderEpoch, before.PartitionEpoch,
            [2], [leaderEpoch]);

        AlterPartitionResult shrunk = await remote.AlterPartitionAsync(shrink, Ct);

        Assert.Equal(ControllerStatus.Ok, shrunk.Status);
        PartitionRegistration after = PartitionOf("isr");
        Assert.Equal([2], after.Isr);
        Assert.Equal(before.PartitionEpoch + 1, after.PartitionEpoch);
        Assert.Equal((2, after.LeaderEpoch, after.PartitionEpoch),
            (shrunk.Partition!.Leader, shrunk.Partition.LeaderEpoch, shrunk.Partition.PartitionEpoch));
        Assert.Equal([2], shrunk.Partition.Isr);

        AlterPartitionResult stale = await remote.AlterPartitionAsync(
            shrink with { NewIsr = [2, 3], NewIsrBrokerEpochs = [leaderEpoch, followerEpoch] }, Ct);
        Assert.Equal(ControllerStatus.InvalidUpdateVersion, stale.Status);
        AlterPartitionResult staleBroker = await remote.AlterPartitionAsync(
            shrink with { BrokerEpoch = leaderEpoch - 1, PartitionEpoch = after.PartitionEpoch }, Ct);
        Assert.Equal(ControllerStatus.StaleBrokerEpoch, staleBroker.Status);
        Assert.Same(after, PartitionOf("isr"));
    }

    private async Task<long> RegisterAsync(RemoteController remote, int brokerId)
    {
        var endpoint = new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + brokerId, 0);
        BrokerRegistrationResult registered = await remote.RegisterBrokerAsync(
            new BrokerRegistrationRequest(brokerId, Guid.NewGuid(), "channel-cluster", [endpoint]), Ct);
        Assert.Equal(ControllerStatus.Ok, registered.Status);
        BrokerHeartbeatResult heartbeat = await remote.HeartbeatAsync(
            new BrokerHeartbeatRequest(brokerId, registered.BrokerEpoch, _log.CommittedOffset), Ct);
        Assert.Equal((ControllerStatus.Ok, false), (heartbeat.Status, heartbeat.IsFenced));
        return registered.BrokerEpoch;
    }

    private PartitionRegistration PartitionOf(string topic)
    {
        Assert.True(Controller.Image.Topics.TryGetPartition(topic, 0, out PartitionRegistration? partition));
        return partition;
    }

    [Fact]
    public async Task A_controller_that_cannot_be_reached_is_reported_as_unavailable_for_every_item()
    {
        var nowhere = new QuorumVoter(1, new ServerAddress("127.0.0.1", LoopbackPort.Free()));
        await using var remote = new RemoteController([nowhere], KafkaClientOptions.Default("test"),
            TimeProvider.System);

        IReadOnlyList<CreateTopicResult> created = await remote.CreateTopicsAsync(
            [new NewTopic("a"), new NewTopic("b")], validateOnly: false, Ct);

        Assert.All(created, r => Assert.Equal(ControllerStatus.ControllerUnavailable, r.Status));
        Assert.All(created, r => Assert.Contains(nowhere.Address.ToString(), r.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_follower_far_behind_loads_a_snapshot_then_follows_each_new_batch()
    {
        BrokerRegistrationResult registered = await Controller.RegisterBrokerAsync(new BrokerRegistrationRequest(2,
            Guid.NewGuid(), null, [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092, 0)]), Ct);
        await Controller.HeartbeatAsync(new BrokerHeartbeatRequest(2, registered.BrokerEpoch, _log.CommittedOffset),
            Ct);
        for (int i = 0; i < 15; i++)
        {
            IReadOnlyList<CreateTopicResult> created =
                await Controller.CreateTopicsAsync([new NewTopic($"t{i}", 1, 1)], validateOnly: false, Ct);
            Assert.Equal(ControllerStatus.Ok, created[0].Status);
        }
        var follower = new RecordingLoader();
        await using var fetcher = new MetadataFollower(2, [_voter], follower,
            KafkaClientOptions.Default("test"), TimeProvider.System, NullLogger.Instance);

        fetcher.Start();
        await fetcher.CaughtUp.WaitAsync(Deadline, Ct);
        Assert.Equal(1, follower.Snapshots);
        AssertSameImage(Controller.Image, follower.Loader.Current);

        await Controller.CreateTopicsAsync([new NewTopic("later", 2, 1)], validateOnly: false, Ct);
        await follower.Loader.WaitForOffsetAsync(_log.CommittedOffset, Ct).WaitAsync(Deadline, Ct);
        AssertSameImage(Controller.Image, follower.Loader.Current);
        Assert.Equal(1, follower.Snapshots);
        Assert.True(follower.Batches > 0);
    }

    private static void AssertSameImage(MetadataImage expected, MetadataImage actual)
    {
        Assert.Equal(expected.Offset, actual.Offset);
        Assert.Equal(expected.ToRecords().Select(MetadataRecordSerde.Serialize),
            actual.ToRecords().Select(MetadataRecordSerde.Serialize));
    }

    private sealed class RecordingLoader : IMetadataLogListener
    {
        public MetadataLoader Loader { get; } = new();

        public int Snapshots { get; private set; }

        public int Batches { get; private set; }

        public void OnSnapshot(MetadataSnapshot snapshot)
        {
            Snapshots++;
            Loader.OnSnapshot(snapshot);
        }

        public void OnCommit(MetadataBatch batch)
        {
            Batches++;
            Loader.OnCommit(batch);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _server?.Stop();
        if (_web is not null)
        {
            await _web.StopAsync(CancellationToken.None);
            await _web.DisposeAsync();
        }
        _server?.Dispose();
        if (_controller is not null) await _controller.DisposeAsync();
        _subscription?.Dispose();
        await _log.DisposeAsync();
    }
}
