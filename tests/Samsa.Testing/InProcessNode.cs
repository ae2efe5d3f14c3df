using Microsoft.Extensions.Logging;
using Samsa.Configuration;
using Samsa.Hosting;

namespace Samsa.Testing;

/// <summary>
/// One Samsa node (logs, metadata log and controller, broker, listeners) running in this process as
/// <c>samsa broker</c> would run it, from settings given as flags. Its data folder outlives a restart; warnings and
/// errors go to the console.
/// </summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly ILoggerFactory _loggers;
    private readonly bool _ownsDataDir;
    private SamsaNode? _node;

    private InProcessNode(IReadOnlyDictionary<string, string> settings, string dataDir, bool ownsDataDir,
        ILoggerFactory loggers)
    {
        _settings = settings;
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        _loggers = loggers;
    }

    /// <summary>The node's log.dirs.</summary>
    public string DataDir { get; }

    /// <summary>The running node, for a test that waits on the broker's own state.</summary>
    internal SamsaNode Node => _node ?? throw new InvalidOperationException("the node is stopped");

    /// <summary>host:port of its client listener (a new port after each start).</summary>
    public string BootstrapServers => Node.BootstrapServers;

    /// <summary>
    /// Starts a node with <paramref name="settings"/> (see <see cref="NodeSettings.Defaults"/>) on
    /// <paramref name="dataDir"/>; dispose removes that folder only when <paramref name="ownsDataDir"/>.
    /// </summary>
    public static async Task<InProcessNode> StartAsync(IReadOnlyDictionary<string, string> settings, string dataDir,
        bool ownsDataDir)
    {
        var node = new InProcessNode(settings, dataDir, ownsDataDir, HostLogging.Create(LogLevel.Warning));
        try
        {
            node._node = await node.StartNodeAsync().ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the node gracefully and starts it again on the same data (on new ports when they were
    /// 0).</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _node = await StartNodeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the node gracefully: requests in flight finish, logs close cleanly.</summary>
    public async Task StopAsync()
    {
        SamsaNode? node = _node;
        _node = null;
        if (node is not null) await node.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _loggers.Dispose();
        if (_ownsDataDir) TempDirectory.DeleteQuietly(DataDir);
    }

    private async Task<SamsaNode> StartNodeAsync()
    {
        var sources = new ConfigSources
        {
            Flags = [.. _settings.Select(kv => new ConfigFlag(kv.Key, kv.Value, "test"))],
        };
        ConfigLoadResult loaded = ConfigLoader.Load(sources, MachineInfo.Current);
        if (!loaded.IsValid) throw new InvalidOperationException(string.Join('\n', loaded.Errors));
        using var deadline = new CancellationTokenSource(StartDeadline);
        return await SamsaNode.StartAsync(loaded.Settings!, _loggers, TimeProvider.System, deadline.Token)
            .ConfigureAwait(false);
    }
}
