using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Samsa.Broker.Handlers;
using Samsa.Broker.Replication;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Storage;

namespace Samsa.Broker.Tests;

/// <summary>
/// A one-broker node without sockets: an in-memory metadata log and controller, real logs in a temporary folder,
/// the replica manager following the image, and a fake clock for long polls.
/// </summary>
internal sealed class BrokerFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("samsa-broker-");
    private readonly IDisposable _subscription;

    private BrokerFixture()
    {
        MetadataLog = new MemoryMetadataLog(nodeId: 1, Time);
        _subscription = MetadataLog.Subscribe(Loader);
        Controller = new MetadataController(MetadataLog, Loader, new MetadataControllerOptions(),
            ConfigDefValidator.Instance, Time, NullLogger.Instance, new Random(7));
        Logs = LogManager.Open(new LogManagerOptions { LogDirs = [_dir.Path], ClusterId = "fixture", NodeId = 1 }, null,
            Time, NullLoggerFactory.Instance);
        Replicas = new ReplicaManager(1, Logs, BrokerConfigValues.Defaults, NullLogger.Instance);
        Loader.AddPublisher(Replicas);
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public MemoryMetadataLog MetadataLog { get; }

    public MetadataLoader Loader { get; } = new();

    public MetadataController Controller { get; }

    public LogManager Logs { get; }

    public ReplicaManager Replicas { get; }

    public static async Task<BrokerFixture> StartAsync(params (string Topic, int Partitions)[] topics)
    {
        var fixture = new BrokerFixture();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await fixture.Controller.BootstrapAsync("fixture", ct);
        BrokerRegistrationResult registered = await fixture.Controller.RegisterBrokerAsync(
            new BrokerRegistrationRequest(1, Guid.NewGuid(), "fixture",
                [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092, 0)]), ct);
        await fixture.Controller.HeartbeatAsync(
            new BrokerHeartbeatRequest(1, registered.BrokerEpoch, fixture.Loader.Current.Offset), ct);
        if (topics.Length > 0)
        {
            IReadOnlyList<CreateTopicResult> created = await fixture.Controller.CreateTopicsAsync(
                [.. topics.Select(t => new NewTopic(t.Topic, t.Partitions, 1))], validateOnly: false, ct);
            Assert.All(created, r => Assert.Equal(ControllerStatus.Ok, r.Status));
        }
        return fixture;
    }

    /// <summary>Produce and Fetch handlers over this broker, fetch.max.bytes at its default unless given.</summary>
    public IApiHandler[] Handlers(int? fetchMaxBytes = null) =>
    [
        new ProduceHandler(Replicas, Loader, Time),
        new FetchHandler(Replicas, Loader, new FetchSessionCache(Time), Time,
            fetchMaxBytes ?? BrokerConfigs.FetchMaxBytes.Default),
    ];

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await Controller.DisposeAsync();
        Logs.Dispose();
        _dir.Dispose();
    }
}
