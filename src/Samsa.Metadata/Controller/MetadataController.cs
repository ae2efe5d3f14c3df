using Microsoft.Extensions.Logging;
using Samsa.Metadata.Log;

namespace Samsa.Metadata.Controller;

// One writer. Every operation takes the controller's lock, validates against the loader's current image, turns the
// request into one batch of records, appends it, and waits until the batch is committed and applied before releasing
// the lock, so the next operation validates against a state that includes this one. Validate-only requests stop before
// the append. Nothing is applied speculatively: what the controller knows is what the log has committed, so a
// controller that crashes or loses leadership (a NotLeader append) leaves nothing half-done. Broker sessions
// (heartbeat deadlines) are the only state outside the log; they are rebuilt, with a fresh deadline for every broker,
// whenever the log's leader epoch changes, as Kafka's controller does when it becomes active.
/// <summary>
/// The metadata controller: turns admin and broker-lifecycle operations (register, heartbeat, create and delete topics,
/// create partitions, alter configs, ISR changes, producer-id blocks) into validated records on the metadata log.
/// </summary>
/// <remarks>
/// <para>Thread-safe: operations from any thread are serialized. Results are status enums and messages; the broker
/// maps them to Kafka error codes. Only expected outcomes are results; a cancelled wait throws
/// <see cref="OperationCanceledException"/> (the batch may still have committed).</para>
/// <para>The <see cref="MetadataLoader"/> must be subscribed to the same log: the controller reads its state from
/// it.</para>
/// </remarks>
public sealed partial class MetadataController : IController, IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly IMetadataLog _log;
    private readonly MetadataLoader _loader;
    private readonly IConfigValidator _configValidator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private ITimer? _sessionTimer;

    /// <param name="log">The metadata log this controller writes.</param>
    /// <param name="loader">The loader subscribed to <paramref name="log"/>.</param>
    /// <param name="options">The controller's settings.</param>
    /// <param name="configValidator">Checks config names and values.</param>
    /// <param name="time">The clock for broker sessions.</param>
    /// <param name="logger">Where operator-visible events go.</param>
    /// <param name="random">Chooses replica placements and topic ids; seed it for determinism in tests.</param>
    public MetadataController(IMetadataLog log, MetadataLoader loader, MetadataControllerOptions options,
        IConfigValidator configValidator, TimeProvider time, ILogger logger, Random? random = null)
    {
        _log = log;
        _loader = loader;
        Options = options;
        _configValidator = configValidator;
        _time = time;
        _logger = logger;
        _random = random ?? new Random();
    }

    public MetadataControllerOptions Options { get; }

    /// <summary>The committed state the controller works from.</summary>
    public MetadataImage Image => _loader.Current;

    /// <summary>Starts fencing brokers whose sessions expire, checking every tenth of the session timeout, so a
    /// broker that stops is fenced within the timeout plus a tenth of it.</summary>
    public void Start()
    {
        TimeSpan period = Options.BrokerSessionTimeout / 10;
        _sessionTimer ??=
            _time.CreateTimer(static s => ((MetadataController)s!).OnSessionTimer(), this, period, period);
    }

    /// <summary>Writes the cluster id to a new log; on a log that has one, checks that it is the same.</summary>
    public async Task<ControllerResult> BootstrapAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch)) return NotController;
            string? existing = _loader.Current.ClusterId;
            if (existing is not null)
            {
                return string.Equals(existing, clusterId, StringComparison.Ordinal)
                    ? ControllerResult.Ok
                    : new ControllerResult(ControllerStatus.InconsistentClusterId,
                        $"The metadata log belongs to cluster {existing}, not {clusterId}.");
            }
            (ControllerResult result, _) = await CommitAsync(epoch, [new ClusterIdRecord { ClusterId = clusterId }],
                cancellationToken).ConfigureAwait(false);
            if (result.IsOk) _logger.ClusterIdBootstrapped(clusterId);
            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sessionTimer is not null) await _sessionTimer.DisposeAsync().ConfigureAwait(false);
        _sessionTimer = null;
    }

    private static ControllerResult NotController =>
        new(ControllerStatus.NotController, "This node is not the active controller.");

    private bool TryLead(out int epoch)
    {
        LeaderAndEpoch leader = _log.Leader;
        epoch = leader.Epoch;
        return leader.LeaderId == _log.NodeId;
    }

    // Appends one batch and waits until the loader has applied it.
    private async ValueTask<(ControllerResult Result, MetadataAppendResult Append)> CommitAsync(int epoch,
        List<IMetadataRecord> records, CancellationToken cancellationToken)
    {
        MetadataAppendResult append = await _log.AppendAsync(epoch, records, cancellationToken).ConfigureAwait(false);
        switch (append.Status)
        {
            case MetadataAppendStatus.Ok:
                await _loader.WaitForOffsetAsync(append.LastOffset, cancellationToken).ConfigureAwait(false);
                return (ControllerResult.Ok, append);
            case MetadataAppendStatus.NotLeader:
                return (NotController, append);
            default:
                _logger.AppendFailed(append.Status.ToString());
                return (new ControllerResult(ControllerStatus.MetadataLogError,
                    $"The metadata log could not take the change ({append.Status})."), append);
        }
    }

    private void OnSessionTimer()
    {
        _ = FenceExpiredInBackgroundAsync();
    }

    private async Task FenceExpiredInBackgroundAsync()
    {
        try
        {
            await FenceExpiredBrokersAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: the log closed under the timer.
        }
        catch (Exception e)
        {
            _logger.SessionCheckFailed(e);
        }
    }
}
