using Microsoft.Extensions.Logging;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Hosting;

// Kafka's broker lifecycle, seen from the broker. Start-up registers (retrying while no controller answers, saying so
// once), then heartbeats quickly until the controller unfences the broker, which it does once the broker's image has
// reached its registration. From then on one heartbeat per broker.heartbeat.interval.ms, each bounded by the session
// timeout so a paused controller cannot hold the loop. A broker found fenced (its session lapsed) is unfenced by a
// heartbeat once caught up. One the controller no longer knows (a stale epoch, an unknown id) registers again. Fencing
// and unfencing are logged as the metadata log shows them (a publisher watching this broker's registration), since a
// broker paused past its session is often fenced and unfenced again by its next heartbeat without any answer saying so.
// Shutdown is Kafka's controlled shutdown: a heartbeat asking to shut down, so the controller fences the broker and
// moves its leadership away before the process goes.
/// <summary>Registers the broker with the controller and keeps its session alive.</summary>
/// <remarks>Start once, then <see cref="ShutdownAsync"/>; the state properties may be read from any thread.</remarks>
internal sealed partial class BrokerLifecycle(IController controller, MetadataLoader metadata,
    Func<IReadOnlyList<Guid>> offlineLogDirs, TimeSpan heartbeatInterval, TimeSpan sessionTimeout, TimeProvider time,
    ILogger logger) : IMetadataPublisher, IDisposable
{
    private static readonly TimeSpan FencedHeartbeatInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MovePoll = TimeSpan.FromMilliseconds(20);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _shutdown;
    private BrokerRegistrationRequest? _registration;
    private Task _heartbeats = Task.CompletedTask;
    private TaskCompletionSource _wake = NewWake();
    private long _brokerEpoch = -1;
    private volatile bool _fenced = true;
    private bool _unreachable;

    /// <summary>The epoch of the current registration; -1 before the first.</summary>
    public long BrokerEpoch => Interlocked.Read(ref _brokerEpoch);

    /// <summary>False once the controller has unfenced the broker, until it fences it again.</summary>
    public bool IsFenced => _fenced;

    /// <summary>Registers, waits to be unfenced, and starts the heartbeats.</summary>
    /// <exception cref="InvalidOperationException">The controller refused the registration for good (another
    /// cluster, an invalid registration).</exception>
    public async Task StartAsync(BrokerRegistrationRequest registration, CancellationToken cancellationToken)
    {
        _registration = registration;
        await RegisterAsync(cancellationToken).ConfigureAwait(false);
        while (_fenced)
        {
            await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
            if (_fenced) await Task.Delay(FencedHeartbeatInterval, time, cancellationToken).ConfigureAwait(false);
        }
        _heartbeats = HeartbeatLoopAsync(_stopping.Token);
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        bool waiting = false;
        while (true)
        {
            BrokerRegistrationResult result = await controller.RegisterBrokerAsync(_registration!, cancellationToken)
                .ConfigureAwait(false);
            if (result.Status == ControllerStatus.Ok)
            {
                Interlocked.Exchange(ref _brokerEpoch, result.BrokerEpoch);
                _fenced = true;
                Log.Registered(logger, _registration!.BrokerId, result.BrokerEpoch);
                return;
            }
            if (result.Status is ControllerStatus.InconsistentClusterId or ControllerStatus.InvalidRequest)
            {
                throw new InvalidOperationException(
                    $"the controller refused to register broker {_registration!.BrokerId}: {result.Message}");
            }
            if (!waiting) Log.WaitingToRegister(logger, result.Message ?? result.Status.ToString());
            waiting = true;
            await Task.Delay(heartbeatInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sends the next heartbeat now rather than at the next interval (a log dir just failed).</summary>
    public void HeartbeatSoon() => Volatile.Read(ref _wake).TrySetResult();

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                Task wake = Volatile.Read(ref _wake).Task;
                await Task.WhenAny(wake, Task.Delay(heartbeatInterval, time, stopping)).ConfigureAwait(false);
                stopping.ThrowIfCancellationRequested();
                if (wake.IsCompleted) Volatile.Write(ref _wake, NewWake());
                await HeartbeatAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(sessionTimeout);
        BrokerHeartbeatResult result;
        try
        {
            result = await controller.HeartbeatAsync(new BrokerHeartbeatRequest(_registration!.BrokerId,
                BrokerEpoch, metadata.Current.Offset, OfflineLogDirs: offlineLogDirs()), timeout.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = new(ControllerStatus.ControllerUnavailable, "no answer within broker.session.timeout.ms",
                false, true, false);
        }
        switch (result.Status)
        {
            case ControllerStatus.Ok:
                Reached();
                _fenced = result.IsFenced;
                break;
            case ControllerStatus.StaleBrokerEpoch or ControllerStatus.BrokerIdNotRegistered:
                Reached();
                Log.RegisteringAgain(logger, result.Message ?? result.Status.ToString());
                await RegisterAsync(cancellationToken).ConfigureAwait(false);
                break;
            case ControllerStatus.ControllerUnavailable or ControllerStatus.NotController:
                if (!_unreachable) Log.ControllerUnreachable(logger, result.Message ?? result.Status.ToString());
                _unreachable = true;
                break;
            default:
                Log.HeartbeatFailed(logger, result.Message ?? result.Status.ToString());
                break;
        }
    }

    /// <summary>Logs this broker's registration being fenced or unfenced, as the metadata log records it.</summary>
    public void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta)
    {
        if (_stopping.IsCancellationRequested   // a controlled shutdown fences it on purpose
            || _registration is not { } registration
            || !image.Brokers.TryGetBroker(registration.BrokerId, out BrokerRegistration? now)
            || !previous.Brokers.TryGetBroker(registration.BrokerId, out BrokerRegistration? before)
            || before.BrokerEpoch != now.BrokerEpoch || before.IsFenced == now.IsFenced)
            return;
        if (now.IsFenced) Log.Fenced(logger, now.BrokerEpoch, offlineLogDirs().Count);
        else Log.Unfenced(logger, now.BrokerEpoch);
    }

    private void Reached()
    {
        if (!_unreachable) return;
        _unreachable = false;
        Log.ControllerReached(logger);
    }

    /// <summary>
    /// Stops the heartbeats and asks the controller for a controlled shutdown, then waits (bounded) until this
    /// broker's image shows it leads nothing: the broker still serves meanwhile, so clients are answered
    /// NOT_LEADER_OR_FOLLOWER and move to the new leaders instead of waiting out their request timeouts. Idempotent.
    /// </summary>
    public Task ShutdownAsync()
    {
        lock (_stopping) return _shutdown ??= ControlledShutdownAsync();
    }

    private async Task ControlledShutdownAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _heartbeats.ConfigureAwait(false);
        if (_registration is null || BrokerEpoch < 0) return;
        using var deadline = new CancellationTokenSource(ShutdownWait);
        try
        {
            BrokerHeartbeatResult result = await controller.HeartbeatAsync(new BrokerHeartbeatRequest(
                _registration.BrokerId, BrokerEpoch, metadata.Current.Offset, WantShutDown: true), deadline.Token)
                .ConfigureAwait(false);
            if (result.Status != ControllerStatus.Ok)
            {
                Log.ControlledShutdownFailed(logger, result.Message ?? result.Status.ToString());
                return;
            }
            while (LeadsAny(metadata.Current, _registration.BrokerId))
                await Task.Delay(MovePoll, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.ControlledShutdownFailed(logger, "no answer from the controller, or leadership did not move in time");
        }
    }

    private static bool LeadsAny(MetadataImage image, int brokerId) =>
        image.Topics.All.Any(t => t.Partitions.Any(p => p.Leader == brokerId));

    public void Dispose() => _stopping.Dispose();

    private static partial class Log
    {
        [LoggerMessage(5110, LogLevel.Information,
            "Registered broker {NodeId} with the controller at broker epoch {BrokerEpoch}")]
        public static partial void Registered(ILogger logger, int nodeId, long brokerEpoch);

        [LoggerMessage(5111, LogLevel.Warning,
            "Waiting for the controller to register this broker: {Reason}; retrying")]
        public static partial void WaitingToRegister(ILogger logger, string reason);

        [LoggerMessage(5112, LogLevel.Information, "The controller unfenced this broker (broker epoch {BrokerEpoch})")]
        public static partial void Unfenced(ILogger logger, long brokerEpoch);

        [LoggerMessage(5113, LogLevel.Warning,
            "The controller fenced this broker (broker epoch {BrokerEpoch}; offline log dirs: {OfflineLogDirs}): " +
            "clients are sent elsewhere until a heartbeat finds it caught up with a log dir online")]
        public static partial void Fenced(ILogger logger, long brokerEpoch, int offlineLogDirs);

        [LoggerMessage(5114, LogLevel.Warning, "The controller is unreachable: {Reason}; heartbeats go on")]
        public static partial void ControllerUnreachable(ILogger logger, string reason);

        [LoggerMessage(5115, LogLevel.Information, "The controller answers heartbeats again")]
        public static partial void ControllerReached(ILogger logger);

        [LoggerMessage(5116, LogLevel.Warning,
            "The controller no longer knows this broker ({Reason}); registering again")]
        public static partial void RegisteringAgain(ILogger logger, string reason);

        [LoggerMessage(5102, LogLevel.Warning, "Broker heartbeat failed: {Reason}")]
        public static partial void HeartbeatFailed(ILogger logger, string reason);

        [LoggerMessage(5117, LogLevel.Warning, "Controlled shutdown did not complete: {Reason}")]
        public static partial void ControlledShutdownFailed(ILogger logger, string reason);
    }
}
