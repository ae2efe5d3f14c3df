using Microsoft.Extensions.Logging;

namespace Samsa.Metadata.Log;

// The listeners of one log. The log calls Deliver and Add under its own append lock, which is what keeps deliveries
// in order and never concurrent; the array is copied on write so Remove may come from any thread.
internal sealed class MetadataListeners(ILogger logger)
{
    private IMetadataLogListener[] _listeners = [];

    public void Add(IMetadataLogListener listener) => ImmutableInterlocked(l => [.. l, listener]);

    public void Remove(IMetadataLogListener listener) =>
        ImmutableInterlocked(l => Array.FindAll(l, x => x != listener));

    public void Deliver(MetadataBatch batch)
    {
        foreach (IMetadataLogListener listener in Volatile.Read(ref _listeners)) Deliver(listener, batch, logger);
    }

    public static void Deliver(IMetadataLogListener listener, MetadataBatch batch, ILogger logger)
    {
        try
        {
            listener.OnCommit(batch);
        }
        catch (Exception e)
        {
            logger.ListenerFailed(e, batch.BaseOffset);
        }
    }

    private void ImmutableInterlocked(Func<IMetadataLogListener[], IMetadataLogListener[]> change)
    {
        while (true)
        {
            IMetadataLogListener[] current = Volatile.Read(ref _listeners);
            if (Interlocked.CompareExchange(ref _listeners, change(current), current) == current) return;
        }
    }

    // Unsubscribes once, from any thread.
    public sealed class Subscription(MetadataListeners owner, IMetadataLogListener listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(listener);
        }
    }
}
