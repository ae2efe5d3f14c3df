namespace Samsa.Broker.Purgatory;

/// <summary>
/// The operations waiting on one partition. Progress on the partition calls <see cref="Notify"/>, which tries each
/// waiter and drops the completed ones; completed operations are also swept when new ones are added, so an
/// operation that expired does not linger.
/// </summary>
/// <remarks>Thread-safe; the lock covers only the list, never an operation's completion.</remarks>
internal sealed class WatcherList
{
    private readonly object _lock = new();
    private List<DelayedOperation> _waiting = [];
    private List<DelayedOperation>? _spare = [];

    public int Count
    {
        get
        {
            lock (_lock) return _waiting.Count;
        }
    }

    public void Watch(DelayedOperation operation)
    {
        lock (_lock)
        {
            if (_waiting.Count >= 64) _waiting.RemoveAll(static op => op.IsCompleted);
            _waiting.Add(operation);
        }
    }

    /// <summary>Tries every waiting operation once, outside the lock.</summary>
    public void Notify()
    {
        List<DelayedOperation> batch;
        lock (_lock)
        {
            if (_waiting.Count == 0) return;
            batch = _waiting;
            _waiting = _spare ?? [];
            _spare = null;
        }
        foreach (DelayedOperation operation in batch) operation.TryComplete();
        lock (_lock)
        {
            foreach (DelayedOperation operation in batch)
            {
                if (!operation.IsCompleted) _waiting.Add(operation);
            }
            batch.Clear();
            _spare = batch;
        }
    }
}
