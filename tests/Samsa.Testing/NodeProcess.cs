using System.Text.RegularExpressions;

namespace Samsa.Testing;

/// <summary>
/// One node of a <see cref="ProcessCluster"/> as an OS process (<c>dotnet samsa.dll broker</c> with Kafka's keys as
/// flags), on fixed loopback ports chosen once, so a restart keeps its addresses. Kill, stop, pause and restart act on
/// the real process by its PID; its data folder outlives them and is removed by the cluster on dispose.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly IReadOnlyDictionary<string, string> _settings;
    private ChildProcess? _process;

    internal NodeProcess(int nodeId, IReadOnlyDictionary<string, string> settings, string dataDir,
        string bootstrapServers)
    {
        NodeId = nodeId;
        _settings = settings;
        DataDir = dataDir;
        BootstrapServers = bootstrapServers;
    }

    public int NodeId { get; }

    /// <summary>The node's log.dirs.</summary>
    public string DataDir { get; }

    /// <summary>host:port of its client listener; empty for a controller-only node.</summary>
    public string BootstrapServers { get; }

    /// <summary>The running process's id.</summary>
    public int Pid => Process.Pid;

    public bool IsRunning => _process is { HasExited: false };

    private ChildProcess Process => _process ?? throw new InvalidOperationException($"node {NodeId} is not running");

    /// <summary>Starts the process; with <paramref name="waitUntilServing"/>, returns once it says it serves
    /// clients.</summary>
    public async Task StartAsync(bool waitUntilServing = true)
    {
        if (IsRunning) throw new InvalidOperationException($"node {NodeId} is already running");
        if (_process is not null) await _process.DisposeAsync().ConfigureAwait(false);
        string[] arguments =
            [RepoPaths.SamsaDll(), "broker", .. _settings.Select(kv => $"--{kv.Key}={kv.Value}")];
        _process = ChildProcess.Start(RepoPaths.DotnetHost(), arguments, DataDir,
            new Dictionary<string, string> { ["SAMSA_LOG_LEVEL"] = "Information" });
        if (waitUntilServing) await WaitUntilServingAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for the line that says the node serves clients (after registering and being unfenced), or, for a
    /// controller-only node, its controller listener.</summary>
    public Task WaitUntilServingAsync() => WaitForLineAsync(line => ServingLine().IsMatch(line), StartDeadline);

    /// <summary>Waits for an output line of the current process.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan deadline) =>
        Process.WaitForLineAsync(match, deadline);

    /// <summary>SIGKILL, as a crash: returns once the process has exited.</summary>
    public Task KillAsync()
    {
        Process.Kill();
        return Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, a graceful stop: returns once the process has exited.</summary>
    public Task StopAsync()
    {
        Process.Signal(SigTerm);
        return Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGSTOP: the process stops running but keeps its sockets, as a long GC pause or a frozen VM.</summary>
    public void Pause() => Process.Signal(SigStop);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Process.Signal(SigCont);

    /// <summary>Starts the node again on the same data and ports after a kill or stop.</summary>
    public Task RestartAsync(bool waitUntilServing = true) => StartAsync(waitUntilServing);

    /// <summary>Everything the current process has printed so far, stdout then stderr.</summary>
    public string Output => Process.StandardOutput + "\n" + Process.StandardError;

    /// <summary>The command and its output's tail, for failure messages.</summary>
    public string Describe() => _process?.Describe() ?? $"node {NodeId}: never started";

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Signal(SigCont);   // a paused process cannot die until resumed
        await _process.DisposeAsync().ConfigureAwait(false);
    }

    [GeneratedRegex(@"serving (Kafka clients|the controller listener) at (?<bootstrap>\S+)")]
    private static partial Regex ServingLine();
}
