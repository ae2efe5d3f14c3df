using System.Globalization;
using Confluent.Kafka;

namespace Samsa.Testing;

/// <summary>
/// A cluster of Samsa nodes as OS processes, configured with Kafka's KRaft keys
/// (<see cref="NodeSettings.JoinQuorum"/>): node 1 is broker and the one controller
/// (<c>process.roles=broker,controller</c>, with a CONTROLLER listener), nodes 2..N are brokers that find it through
/// <c>controller.quorum.voters</c>. Ports are loopback ports the OS handed out, fixed for the cluster's life; data
/// lives in one temporary folder per node, removed on dispose, which also kills every process.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly NodeProcess[] _nodes;
    private readonly string _root;

    private ProcessCluster(NodeProcess[] nodes, string root)
    {
        _nodes = nodes;
        _root = root;
    }

    /// <summary>The nodes, node id i + 1 at index i.</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>Every broker's client address.</summary>
    public string BootstrapServers => string.Join(',', _nodes.Select(n => n.BootstrapServers));

    public NodeProcess Node(int nodeId) => _nodes[nodeId - 1];

    /// <summary>
    /// Lays out <paramref name="brokers"/> nodes and starts them in order, each once the one before serves, unless
    /// <paramref name="start"/> is false (the test starts them itself, in the order it wants).
    /// <paramref name="configure"/> may change a node's settings (by node id) before anything starts.
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(int brokers, bool start = true,
        Action<int, Dictionary<string, string>>? configure = null)
    {
        string root = Directory.CreateTempSubdirectory("samsa-cluster-").FullName;
        string voters = $"1@127.0.0.1:{LoopbackPort.Free()}";
        var nodes = new NodeProcess[brokers];
        for (int id = 1; id <= brokers; id++)
        {
            string dataDir = Directory.CreateDirectory(Path.Combine(root, $"node{id}")).FullName;
            int port = LoopbackPort.Free();
            Dictionary<string, string> settings = NodeSettings.Defaults(id, dataDir);
            settings["listeners"] = $"PLAINTEXT://127.0.0.1:{port}";
            NodeSettings.JoinQuorum(settings, id, voters);
            configure?.Invoke(id, settings);
            nodes[id - 1] = new NodeProcess(id, settings, dataDir, $"127.0.0.1:{port}");
        }
        var cluster = new ProcessCluster(nodes, root);
        try
        {
            if (start)
            {
                foreach (NodeProcess node in nodes) await node.StartAsync().ConfigureAwait(false);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An admin client on <paramref name="bootstrap"/> (default: every broker).</summary>
    public IAdminClient CreateAdmin(string? bootstrap = null) =>
        new AdminClientBuilder(new AdminClientConfig
        {
            BootstrapServers = bootstrap ?? BootstrapServers,
            SocketTimeoutMs = 10_000,
        }).Build();

    /// <summary>
    /// Waits until the cluster's Metadata, asked of <paramref name="bootstrap"/>, lists exactly
    /// <paramref name="brokerIds"/>, and returns it.
    /// </summary>
    public async Task<Confluent.Kafka.Metadata> WaitForBrokersAsync(IEnumerable<int> brokerIds, TimeSpan deadline,
        string? bootstrap = null)
    {
        int[] expected = [.. brokerIds.Order()];
        using IAdminClient admin = CreateAdmin(bootstrap);
        Confluent.Kafka.Metadata? found = await Eventually.ValueAsync(() => Task.FromResult(TryGetMetadata(admin)),
            metadata => metadata is not null
                && metadata.Brokers.Select(b => b.BrokerId).Order().SequenceEqual(expected),
            deadline, $"Metadata to list brokers [{string.Join(",", expected)}]").ConfigureAwait(false);
        return found!;
    }

    private static Confluent.Kafka.Metadata? TryGetMetadata(IAdminClient admin)
    {
        try
        {
            return admin.GetMetadata(TimeSpan.FromSeconds(5));
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <summary>What every node printed last, for failure messages.</summary>
    public string Describe() => string.Join("\n\n", _nodes.Select(n => n.Describe()));

    public async ValueTask DisposeAsync()
    {
        foreach (NodeProcess node in _nodes)
        {
            if (node is not null) await node.DisposeAsync().ConfigureAwait(false);
        }
        TempDirectory.DeleteQuietly(_root);
    }
}
