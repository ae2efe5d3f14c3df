using Confluent.Kafka;

namespace Samsa.Testing;

/// <summary>
/// Samsa nodes in this process on loopback ports the OS chose, with their data in temporary folders that are
/// removed on dispose. Clients talk to them over TCP with Confluent.Kafka. Today a cluster is one node (node 1,
/// broker and controller); <see cref="Nodes"/> is where more will go.
/// </summary>
public sealed class SamsaCluster : IAsyncDisposable
{
    private readonly InProcessNode[] _nodes;

    private SamsaCluster(InProcessNode[] nodes)
    {
        _nodes = nodes;
    }

    public IReadOnlyList<InProcessNode> Nodes => _nodes;

    /// <summary>The one node's running <c>SamsaNode</c>, for a test that waits on the broker's own state.</summary>
    internal Hosting.SamsaNode Node => _nodes[0].Node;

    /// <summary>The one node's log.dirs.</summary>
    public string DataDir => _nodes[0].DataDir;

    public string BootstrapServers => string.Join(',', _nodes.Select(n => n.BootstrapServers));

    /// <summary>
    /// Starts node 1 with <see cref="NodeSettings.Defaults"/> changed by <paramref name="configure"/>, on a new
    /// temporary folder, or on <paramref name="dataDir"/>, which then stays the caller's to remove.
    /// </summary>
    public static async Task<SamsaCluster> StartAsync(Action<Dictionary<string, string>>? configure = null,
        string? dataDir = null)
    {
        bool ownsDataDir = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("samsa-it-").FullName;
        Dictionary<string, string> settings = NodeSettings.Defaults(nodeId: 1, dataDir);
        configure?.Invoke(settings);
        InProcessNode node = await InProcessNode.StartAsync(settings, dataDir, ownsDataDir).ConfigureAwait(false);
        return new SamsaCluster([node]);
    }

    /// <summary>Stops every node gracefully and starts it again on the same data (new ports).</summary>
    public async Task RestartAsync()
    {
        foreach (InProcessNode node in _nodes) await node.RestartAsync().ConfigureAwait(false);
    }

    public IProducer<byte[]?, byte[]?> CreateProducer(Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            Acks = Acks.All,
            LingerMs = 5,
            EnableIdempotence = false,
            MessageTimeoutMs = 20_000,
            SocketTimeoutMs = 10_000,
        };
        configure?.Invoke(config);
        return new ProducerBuilder<byte[]?, byte[]?>(config).Build();
    }

    public IConsumer<byte[]?, byte[]?> CreateConsumer(Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "unused-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SocketTimeoutMs = 10_000,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
    }

    public IAdminClient CreateAdmin() =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();

    public async ValueTask DisposeAsync()
    {
        foreach (InProcessNode node in _nodes) await node.DisposeAsync().ConfigureAwait(false);
    }
}
