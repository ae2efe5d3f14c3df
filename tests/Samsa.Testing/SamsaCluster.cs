using Confluent.Kafka;

namespace Samsa.Testing;

/// <summary>
/// Samsa nodes in this process on loopback ports the OS chose, with their data in temporary folders that are
/// removed on dispose. Clients talk to them over TCP with Confluent.Kafka. One node (node 1, broker and controller,
/// no controller listener) unless more are asked for: then node 1 is broker and controller with a CONTROLLER
/// listener, and nodes 2..N are brokers that find it through controller.quorum.voters, as separate processes would.
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

    /// <summary>
    /// Starts <paramref name="brokers"/> nodes, node 1 (broker and controller) first, each with
    /// <see cref="NodeSettings.Defaults"/> and the KRaft keys that join them, changed by <paramref name="configure"/>
    /// (given the node id); their data folders are the cluster's to remove.
    /// </summary>
    public static async Task<SamsaCluster> StartAsync(int brokers,
        Action<int, Dictionary<string, string>>? configure = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        string voters = $"1@127.0.0.1:{LoopbackPort.Free()}";
        var nodes = new List<InProcessNode>(brokers);
        try
        {
            for (int id = 1; id <= brokers; id++)
            {
                string dataDir = Directory.CreateTempSubdirectory($"samsa-it-node{id}-").FullName;
                Dictionary<string, string> settings = NodeSettings.Defaults(id, dataDir);
                if (brokers > 1) NodeSettings.JoinQuorum(settings, id, voters);
                configure?.Invoke(id, settings);
                nodes.Add(await InProcessNode.StartAsync(settings, dataDir, ownsDataDir: true).ConfigureAwait(false));
            }
            return new SamsaCluster([.. nodes]);
        }
        catch
        {
            foreach (InProcessNode node in nodes) await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The running node <paramref name="nodeId"/>, for a test that reaches into its broker.</summary>
    internal Hosting.SamsaNode NodeWithId(int nodeId) => _nodes[nodeId - 1].Node;

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

    /// <summary>Stops the nodes, the controller's (node 1) last, so the brokers' controlled shutdowns reach it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        foreach (InProcessNode node in _nodes.Reverse()) await node.DisposeAsync().ConfigureAwait(false);
    }
}
