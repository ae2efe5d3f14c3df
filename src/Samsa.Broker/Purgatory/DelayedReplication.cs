namespace Samsa.Broker.Purgatory;

/// <summary>
/// Waits until a partition's in-sync replicas hold everything before an offset (the group coordinator's writes to
/// <c>__consumer_offsets</c>), as a delayed acks=all produce does for one partition: woken by follower fetches, ISR
/// changes and leadership changes, bounded by a timeout (REQUEST_TIMED_OUT).
/// </summary>
internal sealed class DelayedReplication : DelayedOperation
{
    private readonly Partition _partition;
    private readonly long _requiredOffset;
    private readonly int _leaderEpoch;
    private readonly TaskCompletionSource<ErrorCode> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DelayedReplication(Partition partition, long requiredOffset, int leaderEpoch, TimeProvider time,
        TimeSpan timeout)
        : base(time, timeout)
    {
        _partition = partition;
        _requiredOffset = requiredOffset;
        _leaderEpoch = leaderEpoch;
    }

    /// <summary>NONE once the ISR holds every offset below <paramref name="requiredOffset"/>; otherwise why not
    /// (<see cref="Partition.ReplicationStatus"/>), or REQUEST_TIMED_OUT.</summary>
    public static ValueTask<ErrorCode> WaitAsync(Partition partition, long requiredOffset, int leaderEpoch,
        TimeProvider time, TimeSpan timeout)
    {
        if (partition.ReplicationStatus(requiredOffset, leaderEpoch) is { } now) return ValueTask.FromResult(now);
        var delayed = new DelayedReplication(partition, requiredOffset, leaderEpoch, time, timeout);
        delayed.Arm();
        partition.ProduceWatchers.Watch(delayed);
        delayed.TryComplete();
        return new ValueTask<ErrorCode>(delayed._result.Task);
    }

    protected override bool CanComplete() => _partition.ReplicationStatus(_requiredOffset, _leaderEpoch) is not null;

    protected override void OnComplete(bool expired) =>
        _result.TrySetResult(_partition.ReplicationStatus(_requiredOffset, _leaderEpoch) ?? ErrorCode.RequestTimedOut);
}
