namespace Samsa.Broker.Network;

/// <summary>
/// Bytes of requests the broker may hold at once across all connections (queued.max.request.bytes). A connection
/// takes its frame's size before it waits for the frame's body and gives it back once the request is decoded;
/// when the budget is spent, connections stop reading and their clients see TCP back-pressure.
/// </summary>
/// <remarks>Thread-safe. Waiters are served first come, first served, so a large frame is not starved.</remarks>
internal sealed class ByteBudget
{
    private readonly object _lock = new();
    private readonly Queue<(long Bytes, TaskCompletionSource Waiter)> _waiters = new();
    private long _available;

    /// <param name="capacity">Total bytes; -1 or 0 means unbounded.</param>
    public ByteBudget(long capacity)
    {
        Capacity = capacity <= 0 ? long.MaxValue : capacity;
        _available = Capacity;
    }

    public long Capacity { get; }

    public long Available
    {
        get
        {
            lock (_lock) return _available;
        }
    }

    /// <summary>Takes <paramref name="bytes"/> (capped at the capacity, so one huge frame can always
    /// proceed).</summary>
    public ValueTask AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        bytes = Math.Min(bytes, Capacity);
        lock (_lock)
        {
            while (_waiters.Count > 0 && _waiters.Peek().Waiter.Task.IsCompleted) _waiters.Dequeue();
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return ValueTask.CompletedTask;
            }
            // Continuations run asynchronously, so completing a waiter under the lock runs no caller code here.
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetCanceled(),
                    waiter);
            }
            _waiters.Enqueue((bytes, waiter));
            return new ValueTask(waiter.Task);
        }
    }

    public void Release(long bytes)
    {
        bytes = Math.Min(bytes, Capacity);
        lock (_lock)
        {
            _available += bytes;
            while (_waiters.Count > 0
                && (_waiters.Peek().Bytes <= _available || _waiters.Peek().Waiter.Task.IsCompleted))
            {
                (long needed, TaskCompletionSource waiter) = _waiters.Dequeue();
                if (waiter.TrySetResult()) _available -= needed;   // a cancelled waiter takes nothing
            }
        }
    }
}
