namespace Samsa.Broker.Purgatory;

/// <summary>
/// Work that waits for a condition (enough bytes for a fetch, enough replicas for an acks=all produce) or a
/// deadline, whichever comes first, and completes exactly once.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="TryComplete"/> may be called from any thread that made progress (an append, a follower
/// fetch); the timer fires on a pool thread. Whoever wins the race runs <see cref="OnComplete"/>, once.
/// </remarks>
internal abstract class DelayedOperation : IDisposable
{
    private readonly ITimer _timer;
    private readonly TimeSpan _timeout;
    private int _completed;

    protected DelayedOperation(TimeProvider time, TimeSpan timeout)
    {
        // The timer starts disarmed, so OnComplete cannot run before the subclass constructor finishes.
        _timer = time.CreateTimer(static state => ((DelayedOperation)state!).Expire(), this, Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        _timeout = timeout;
    }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Starts the deadline. Call once, before or as the operation starts being watched.</summary>
    public void Arm() => _timer.Change(_timeout, Timeout.InfiniteTimeSpan);

    /// <summary>Completes the operation if its condition now holds; true if this call completed it.</summary>
    public bool TryComplete() => !IsCompleted && CanComplete() && ForceComplete();

    /// <summary>Completes the operation whatever its condition; true if this call completed it.</summary>
    public bool ForceComplete()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
        _timer.Dispose();
        OnComplete(expired: false);
        return true;
    }

    private void Expire()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return;
        _timer.Dispose();
        OnComplete(expired: true);
    }

    /// <summary>Whether the condition holds; called under no lock, possibly concurrently.</summary>
    protected abstract bool CanComplete();

    /// <summary>Produces the result; runs exactly once.</summary>
    protected abstract void OnComplete(bool expired);

    public void Dispose()
    {
        _timer.Dispose();
        GC.SuppressFinalize(this);
    }
}
