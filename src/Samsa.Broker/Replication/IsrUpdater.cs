using AlterPartitionRequest = Samsa.Metadata.Controller.AlterPartitionRequest;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Replication;

// A leader changes its partition's ISR only through the controller (AlterPartition), naming the leader and partition
// epochs its proposal is based on and its own broker epoch (KIP-903), so a proposal from a stale view is refused
// instead of undoing a newer change. Each partition has at most one proposal in flight; its answer goes back to the
// partition, and every change that took effect is logged for the operator.
/// <summary>Sends leaders' ISR proposals to the controller and hands each answer back to its partition.</summary>
/// <remarks>Thread-safe; proposals run on the thread pool.</remarks>
internal sealed partial class IsrUpdater(int nodeId,
    Func<AlterPartitionRequest, CancellationToken, Task<AlterPartitionResult>> send, ILogger logger) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private long _brokerEpoch = -1;

    /// <summary>This broker's epoch as of the latest image.</summary>
    public long BrokerEpoch
    {
        get => Volatile.Read(ref _brokerEpoch);
        set => Volatile.Write(ref _brokerEpoch, value);
    }

    /// <summary>Proposes <paramref name="proposed"/> as the ISR of <paramref name="partition"/>, based on
    /// <paramref name="current"/> at the given epochs; the partition hears the answer through
    /// <see cref="Partition.CompleteIsrChange"/>.</summary>
    public void Submit(Partition partition, int leaderEpoch, int partitionEpoch, int[] current, int[] proposed) =>
        _ = ProposeAsync(partition, leaderEpoch, partitionEpoch, current, proposed);

    private async Task ProposeAsync(Partition partition, int leaderEpoch, int partitionEpoch, int[] current,
        int[] proposed)
    {
        await Task.Yield();   // never on the thread that serves the fetch or runs the check
        var request = new AlterPartitionRequest(nodeId, BrokerEpoch, partition.TopicId,
            partition.TopicPartition.Partition, leaderEpoch, partitionEpoch, [.. proposed]);
        AlterPartitionResult result;
        try
        {
            result = await send(request, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result = new AlterPartitionResult(ControllerStatus.ControllerUnavailable, e.Message, null);
        }
        TopicPartition tp = partition.TopicPartition;
        if (result.Status == ControllerStatus.Ok)
        {
            int[] now = result.Partition is { } registration ? [.. registration.Isr] : proposed;
            if (now.Length < current.Length)
                Log.IsrShrunk(logger, tp.Topic, tp.Partition, Join(current), Join(now), leaderEpoch);
            else if (now.Length > current.Length)
                Log.IsrExpanded(logger, tp.Topic, tp.Partition, Join(current), Join(now), leaderEpoch);
        }
        else
        {
            Log.IsrChangeRefused(logger, tp.Topic, tp.Partition, Join(current), Join(proposed), result.Status,
                result.Message ?? "");
        }
        partition.CompleteIsrChange(leaderEpoch, result);
    }

    private static string Join(int[] replicas) => string.Join(',', replicas);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(4111, LogLevel.Warning,
            "Shrank the ISR of {Topic}-{Partition} from [{Before}] to [{After}] at leader epoch {LeaderEpoch}: the "
            + "others did not catch up within replica.lag.time.max.ms")]
        public static partial void IsrShrunk(ILogger logger, string topic, int partition, string before, string after,
            int leaderEpoch);

        [LoggerMessage(4112, LogLevel.Information,
            "Expanded the ISR of {Topic}-{Partition} from [{Before}] to [{After}] at leader epoch {LeaderEpoch}")]
        public static partial void IsrExpanded(ILogger logger, string topic, int partition, string before,
            string after, int leaderEpoch);

        [LoggerMessage(4113, LogLevel.Information,
            "The controller did not change the ISR of {Topic}-{Partition} from [{Before}] to [{After}]: {Status} "
            + "{Message}")]
        public static partial void IsrChangeRefused(ILogger logger, string topic, int partition, string before,
            string after, ControllerStatus status, string message);
    }
}
