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

    /// <summary>
    /// Starts the deadline, watches every partition of the fetch, and checks once more for an append that came in
    /// between. The deadline starts first, so a fetch seen waiting on a partition always has its deadline running.
    /// </summary>
    public void Start()
    {
        Arm();
        foreach (Replication.Partition partition in _plan.Partitions) partition.FetchWatchers.Watch(this);
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
