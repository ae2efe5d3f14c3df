using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;

namespace Samsa.Metadata.Tests;

// A controller over an in-memory log, with a fake clock and a seeded Random, and helpers that bring brokers up.
internal sealed class ControllerFixture : IAsyncDisposable
{
    private readonly IDisposable _subscription;

    public ControllerFixture(MetadataControllerOptions? options = null, int seed = 42, IMetadataLog? log = null)
    {
        Log = log ?? new MemoryMetadataLog(nodeId: 1000, Time);
        Loader = new MetadataLoader();
        _subscription = Log.Subscribe(Loader);
        Controller = new MetadataController(Log, Loader, options ?? new MetadataControllerOptions(),
            TestConfigValidator.Instance, Time, NullLogger.Instance, new Random(seed));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public IMetadataLog Log { get; }

    public MetadataLoader Loader { get; }

    public MetadataController Controller { get; }

    public MetadataImage Image => Loader.Current;

    public Dictionary<int, long> BrokerEpochs { get; } = [];

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static BrokerRegistrationRequest Registration(int brokerId, Guid? incarnation = null, string? rack = null) =>
        new(brokerId, incarnation ?? Guid.NewGuid(), null,
            [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + brokerId, 0)], rack);

    /// <summary>Registers the brokers and heartbeats them until unfenced.</summary>
    public async Task StartBrokersAsync(params int[] brokerIds)
    {
        foreach (int id in brokerIds)
        {
            BrokerRegistrationResult registered = await RegisterAsync(id);
            Assert.Equal(ControllerStatus.Ok, registered.Status);
            BrokerEpochs[id] = registered.BrokerEpoch;
            await HeartbeatAsync(id);
        }
    }

    public Task<BrokerRegistrationResult> RegisterAsync(int brokerId, Guid? incarnation = null, string? rack = null) =>
        Controller.RegisterBrokerAsync(Registration(brokerId, incarnation, rack), Ct);

    public async Task<BrokerHeartbeatResult> HeartbeatAsync(int brokerId, bool wantFence = false,
        bool wantShutDown = false)
    {
        var request = new BrokerHeartbeatRequest(brokerId, BrokerEpochs[brokerId], Log.CommittedOffset, wantFence,
            wantShutDown);
        BrokerHeartbeatResult result = await Controller.HeartbeatAsync(request, Ct);
        Assert.Equal(ControllerStatus.Ok, result.Status);
        return result;
    }

    public async Task<CreateTopicResult> CreateTopicAsync(string name, int partitions = 1, short replicationFactor = 1,
        bool validateOnly = false)
    {
        IReadOnlyList<CreateTopicResult> results =
            await Controller.CreateTopicsAsync([new NewTopic(name, partitions, replicationFactor)], validateOnly, Ct);
        return Assert.Single(results);
    }

    /// <summary>Creates a topic of one partition with the given replicas.</summary>
    public async Task<Guid> CreateAssignedAsync(string name, params int[] replicas)
    {
        IReadOnlyList<CreateTopicResult> results = await Controller.CreateTopicsAsync(
            [new NewTopic(name, -1, -1, [new ReplicaAssignment(0, replicas)])], validateOnly: false, Ct);
        Assert.Equal(ControllerStatus.Ok, results[0].Status);
        return results[0].TopicId;
    }

    public PartitionRegistration Partition(string topic, int partition)
    {
        Assert.True(Image.Topics.TryGetPartition(topic, partition, out PartitionRegistration? p),
            $"{topic}-{partition}");
        return p;
    }

    public static ImmutableArray<int> Ids(params int[] ids) => [.. ids];

    public async ValueTask DisposeAsync()
    {
        await Controller.DisposeAsync();
        _subscription.Dispose();
        await Log.DisposeAsync();
    }
}
