using Microsoft.Extensions.Logging;
using PartitionResponse = Samsa.Protocol.Messages.ProduceResponse.PartitionProduceResponse;

namespace Samsa.Broker.Purgatory;

/// <summary>
/// An acks=all produce whose batches are in the leader's log but not yet on every in-sync replica: it waits on its
/// partitions' produce watchers until each high watermark passes its batch, the ISR shrinks below
/// min.insync.replicas, leadership moves, or the request's timeout passes, then answers. Follower fetches, ISR changes
/// and leadership changes wake it; nothing polls.
/// </summary>
internal sealed partial class DelayedProduce : DelayedOperation
{
    private readonly ProduceResponse _response;
    private readonly List<Waiting> _waiting;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly TaskCompletionSource<ProduceResponse?> _result =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DelayedProduce(ProduceResponse response, List<Waiting> waiting, TimeProvider time, TimeSpan timeout,
        ILogger logger)
        : base(time, timeout)
    {
        _response = response;
        _waiting = waiting;
        _timeout = timeout;
        _logger = logger;
    }

    /// <summary>One partition's batch: the offset the high watermark must reach, under the leader epoch it was
    /// appended in.</summary>
    internal sealed record Waiting(PartitionResponse Response, Partition Partition, long RequiredOffset,
        int LeaderEpoch);

    public Task<ProduceResponse?> Result => _result.Task;

    /// <summary>Starts the deadline, watches every partition, and checks once for progress made meanwhile.</summary>
    public void Start()
    {
        Arm();
        foreach (Waiting waiting in _waiting) waiting.Partition.ProduceWatchers.Watch(this);
        TryComplete();
    }

    protected override bool CanComplete()
    {
        foreach (Waiting waiting in _waiting)
        {
            if (waiting.Partition.ReplicationStatus(waiting.RequiredOffset, waiting.LeaderEpoch) is null) return false;
        }
        return true;
    }

    protected override void OnComplete(bool expired)
    {
        foreach (Waiting waiting in _waiting)
        {
            ErrorCode? status = waiting.Partition.ReplicationStatus(waiting.RequiredOffset, waiting.LeaderEpoch);
            if (status is null)
            {
                status = ErrorCode.RequestTimedOut;
                TopicPartition tp = waiting.Partition.TopicPartition;
                Log.TimedOut(_logger, tp.Topic, tp.Partition, waiting.RequiredOffset - 1,
                    (long)_timeout.TotalMilliseconds, waiting.Partition.HighWatermark,
                    string.Join(',', waiting.Partition.InSyncReplicas));
            }
            if (status == ErrorCode.None) continue;
            waiting.Response.ErrorCode = (short)status.Value;
            waiting.Response.BaseOffset = -1;
            waiting.Response.LogAppendTimeMs = -1;
        }
        _result.TrySetResult(_response);
    }

    private static partial class Log
    {
        [LoggerMessage(4121, LogLevel.Warning,
            "An acks=all produce to {Topic}-{Partition} up to offset {Offset} timed out after {TimeoutMs} ms: the high "
            + "watermark is at {HighWatermark} with ISR [{Isr}]")]
        public static partial void TimedOut(ILogger logger, string topic, int partition, long offset, long timeoutMs,
            long highWatermark, string isr);
    }
}
