using PartitionResult = Samsa.Protocol.Messages.DeleteRecordsResponse.DeleteRecordsPartitionResult;

namespace Samsa.Broker.Purgatory;

/// <summary>
/// A DeleteRecords whose leader has moved its log start but whose in-sync followers have not yet: it waits on the
/// partitions' replica watchers until each low watermark reaches the offset asked for, leadership moves, or the
/// request's timeout passes (REQUEST_TIMED_OUT), then answers each partition's low watermark. Follower fetches, which
/// report their log starts, wake it.
/// </summary>
internal sealed class DelayedDeleteRecords : DelayedOperation
{
    private readonly DeleteRecordsResponse _response;
    private readonly List<Waiting> _waiting;
    private readonly TaskCompletionSource<DeleteRecordsResponse?> _result =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DelayedDeleteRecords(DeleteRecordsResponse response, List<Waiting> waiting, TimeProvider time,
        TimeSpan timeout)
        : base(time, timeout)
    {
        _response = response;
        _waiting = waiting;
    }

    /// <summary>One partition: the offset its low watermark must reach, under the leader epoch it was asked in.
    /// </summary>
    internal sealed record Waiting(PartitionResult Result, Partition Partition, long Offset, int LeaderEpoch);

    public Task<DeleteRecordsResponse?> Result => _result.Task;

    public void Start()
    {
        Arm();
        foreach (Waiting waiting in _waiting) waiting.Partition.ProduceWatchers.Watch(this);
        TryComplete();
    }

    protected override bool CanComplete() => _waiting.All(w => Status(w) is not null);

    protected override void OnComplete(bool expired)
    {
        foreach (Waiting waiting in _waiting)
        {
            ErrorCode status = Status(waiting) ?? ErrorCode.RequestTimedOut;
            waiting.Result.ErrorCode = (short)status;
            waiting.Result.LowWatermark = status == ErrorCode.None ? waiting.Partition.LowWatermark : -1;
        }
        _result.TrySetResult(_response);
    }

    private static ErrorCode? Status(Waiting waiting)
    {
        PartitionState state = waiting.Partition.State;
        if (!state.IsLeader || state.LeaderEpoch != waiting.LeaderEpoch) return ErrorCode.NotLeaderOrFollower;
        return waiting.Partition.LowWatermark >= waiting.Offset ? ErrorCode.None : null;
    }
}
