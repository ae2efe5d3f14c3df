namespace Samsa.Storage.ProducerState;

/// <summary>
/// One producer's state on one partition: its epoch and its last <see cref="ProducerStateManager.BatchesToRetain"/>
/// batches, oldest first (Kafka's <c>ProducerStateEntry</c>).
/// </summary>
/// <remarks>Owned by the partition's <see cref="ProducerStateManager"/>; touched only under the log's lock.</remarks>
internal sealed class ProducerStateEntry
{
    private readonly BatchMetadata[] _batches = new BatchMetadata[ProducerStateManager.BatchesToRetain];
    private int _first;
    private int _count;

    public ProducerStateEntry(long producerId, short epoch)
    {
        ProducerId = producerId;
        Epoch = epoch;
    }

    public long ProducerId { get; }

    public short Epoch { get; private set; }

    /// <summary>Batches remembered (at least one once the entry is in the map).</summary>
    public int Count => _count;

    /// <summary>The most recent batch.</summary>
    public BatchMetadata Last => _batches[(_first + _count - 1) % _batches.Length];

    /// <summary>The max timestamp of the most recent batch, or -1 with none.</summary>
    public long LastTimestamp => _count == 0 ? -1 : Last.Timestamp;

    /// <summary>The <paramref name="index"/>th remembered batch, oldest first.</summary>
    public BatchMetadata this[int index] => _batches[(_first + index) % _batches.Length];

    /// <summary>The remembered batch with exactly this sequence range, if any.</summary>
    public bool TryFindBatch(int firstSequence, int lastSequence, out BatchMetadata batch)
    {
        for (int i = 0; i < _count; i++)
        {
            BatchMetadata candidate = this[i];
            if (candidate.FirstSequence == firstSequence && candidate.LastSequence == lastSequence)
            {
                batch = candidate;
                return true;
            }
        }
        batch = default;
        return false;
    }

    /// <summary>
    /// Records a batch appended at <paramref name="epoch"/>; a new epoch forgets the batches of the old one (its
    /// sequences start again at 0), and past <see cref="ProducerStateManager.BatchesToRetain"/> the oldest goes.
    /// </summary>
    public void Add(short epoch, BatchMetadata batch)
    {
        if (epoch != Epoch)
        {
            Epoch = epoch;
            _first = 0;
            _count = 0;
        }
        if (_count == _batches.Length)
        {
            _batches[_first] = batch;
            _first = (_first + 1) % _batches.Length;
        }
        else
        {
            _batches[(_first + _count) % _batches.Length] = batch;
            _count++;
        }
    }
}
