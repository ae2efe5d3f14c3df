using Samsa.Broker.Handlers;

namespace Samsa.Broker.Purgatory;

/// <summary>
/// A fetch that found fewer than its min bytes: it waits on its partitions' watcher lists until an append makes
/// enough bytes visible, leadership moves, or max_wait_ms passes, then reads and answers. No polling: appends
/// wake it.
/// </summary>
internal sealed class DelayedFetch : DelayedOperation
{
    private readonly FetchPlan _plan;
    private readonly int _minBytes;
    private readonly TaskCompletionSource<FetchResponseLease?> _result =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DelayedFetch(FetchPlan plan, int minBytes, TimeProvider time, TimeSpan maxWait)
        : base(time, maxWait)
    {
        _plan = plan;
        _minBytes = Math.Max(1, minBytes);
    }

    public Task<FetchResponseLease?> Result => _result.Task;

    /// <summary>Watches every partition of the fetch, starts the deadline, and checks once more for a race.</summary>
    public void Start()
    {
        foreach (Replication.Partition partition in _plan.Partitions) partition.FetchWatchers.Watch(this);
        Arm();
        TryComplete();
    }

    protected override bool CanComplete() => _plan.AvailableBytes(_minBytes) >= _minBytes;

    protected override void OnComplete(bool expired)
    {
        try
        {
            _result.TrySetResult(_plan.Read());
        }
        catch (Exception e)
        {
            _result.TrySetException(e);
        }
    }
}
