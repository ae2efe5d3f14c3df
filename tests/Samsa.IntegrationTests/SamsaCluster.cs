using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Samsa.Configuration;
using Samsa.Hosting;

namespace Samsa.IntegrationTests;

/// <summary>
/// A real Samsa node in this process on a loopback port the OS chose, with its data in a temporary folder that is
/// removed on dispose. Clients talk to it over TCP with Confluent.Kafka.
/// </summary>
internal sealed class SamsaCluster : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<string, string> _properties;

    private SamsaCluster(string dataDir, Dictionary<string, string> properties, ILoggerFactory loggers, SamsaNode node)
    {
        DataDir = dataDir;
        _properties = properties;
        _loggers = loggers;
        Node = node;
    }

    public string DataDir { get; }

    public SamsaNode Node { get; private set; }

    public string BootstrapServers => Node.BootstrapServers;

    public static async Task<SamsaCluster> StartAsync(Action<Dictionary<string, string>>? configure = null,
        string? dataDir = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("samsa-it-").FullName;
        var properties = new Dictionary<string, string>
        {
            ["node.id"] = "1",
            ["listeners"] = "PLAINTEXT://127.0.0.1:0",
            ["log.dirs"] = dataDir,
            ["http.listeners"] = "http://127.0.0.1:0",
            ["num.partitions"] = "1",
        };
        configure?.Invoke(properties);
        ILoggerFactory loggers = HostLogging.Create(LogLevel.Warning);
        SamsaNode node = await StartNodeAsync(properties, loggers);
        return new SamsaCluster(dataDir, properties, loggers, node);
    }

    private static async Task<SamsaNode> StartNodeAsync(Dictionary<string, string> properties, ILoggerFactory loggers)
    {
        var sources = new ConfigSources
        {
            Flags = [.. properties.Select(kv => new ConfigFlag(kv.Key, kv.Value, "test"))],
        };
        ConfigLoadResult loaded = ConfigLoader.Load(sources, MachineInfo.Current);
        if (!loaded.IsValid) throw new InvalidOperationException(string.Join('\n', loaded.Errors));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await SamsaNode.StartAsync(loaded.Settings!, loggers, TimeProvider.System, deadline.Token);
    }

    /// <summary>Stops the node gracefully and starts it again on the same data (a new port).</summary>
    public async Task RestartAsync()
    {
        await Node.DisposeAsync();
        Node = await StartNodeAsync(_properties, _loggers);
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
        await Node.DisposeAsync();
        _loggers.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
