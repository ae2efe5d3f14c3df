using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Transactions;

/// <summary>
/// Hands out producer ids from blocks the controller allocates to this broker (AllocateProducerIds, committed to
/// the metadata log before use), so ids stay unique across brokers and across restarts.
/// </summary>
/// <remarks>
/// Thread-safe. Taking an id from the current block is a lock and an increment; when the block runs out, one
/// allocation asks the controller for the next and every caller waits for it. The broker must be registered: the
/// controller checks its broker epoch.
/// </remarks>
internal sealed partial class ProducerIdManager(int nodeId, IController controller, MetadataLoader metadata,
    ILogger logger)
{
    private readonly Lock _lock = new();
    private long _next;
    private long _end;
    private Task<ControllerStatus>? _allocation;

    /// <summary>The next unused producer id, or a failure the handler maps to a retriable error.</summary>
    public async ValueTask<(ControllerStatus Status, long ProducerId)> NextAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            Task<ControllerStatus> allocation;
            lock (_lock)
            {
                if (_next < _end) return (ControllerStatus.Ok, _next++);
                allocation = _allocation ??= AllocateAsync();
            }
            ControllerStatus status = await allocation.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (ReferenceEquals(_allocation, allocation)) _allocation = null;
            }
            if (status != ControllerStatus.Ok) return (status, -1);
        }
        return (ControllerStatus.ProducerIdsExhausted, -1);
    }

    /// <summary>Asks the controller for the next block; one at a time, shared by every caller waiting for it.</summary>
    private async Task<ControllerStatus> AllocateAsync()
    {
        if (!metadata.Current.Brokers.TryGetBroker(nodeId, out BrokerRegistration? registration))
            return ControllerStatus.BrokerIdNotRegistered;
        AllocateProducerIdsResult result = await controller
            .AllocateProducerIdsAsync(nodeId, registration.BrokerEpoch, CancellationToken.None)
            .ConfigureAwait(false);
        if (result.Status != ControllerStatus.Ok)
        {
            Log.AllocationFailed(logger, result.Status.ToString(), result.Message ?? "");
            return result.Status;
        }
        lock (_lock)
        {
            _next = result.Block.FirstProducerId;
            _end = result.Block.FirstProducerId + result.Block.Size;
        }
        return ControllerStatus.Ok;
    }

    private static partial class Log
    {
        [LoggerMessage(4110, LogLevel.Warning, "Could not allocate a block of producer ids: {Status} {Reason}")]
        public static partial void AllocationFailed(ILogger logger, string status, string reason);
    }
}
