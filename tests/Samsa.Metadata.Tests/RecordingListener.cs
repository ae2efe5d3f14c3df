using Samsa.Metadata.Log;

namespace Samsa.Metadata.Tests;

internal sealed class RecordingListener : IMetadataLogListener
{
    private readonly Lock _lock = new();
    private readonly List<MetadataBatch> _batches = [];
    private int _inside;

    public bool SawConcurrentCall { get; private set; }

    public IReadOnlyList<MetadataBatch> Batches
    {
        get
        {
            lock (_lock) return [.. _batches];
        }
    }

    public void OnCommit(MetadataBatch batch)
    {
        if (Interlocked.Increment(ref _inside) != 1) SawConcurrentCall = true;
        lock (_lock) _batches.Add(batch);
        Interlocked.Decrement(ref _inside);
    }

    public void OnSnapshot(MetadataSnapshot snapshot) => throw new NotSupportedException();
}
