namespace Samsa.Storage.Compaction;

// Kafka's CleanedTransactionMetadata: the transaction state a cleaning pass carries from batch to batch, in offset
// order. Data of an aborted transaction is discarded (and never enters the offset map, so it cannot hide a committed
// value); a marker stays while the pass still meets batches of its transaction, and once it marks nothing it is
// treated like a tombstone: it gets a delete horizon and goes when that passes.
/// <summary>Transaction state during one cleaning pass.</summary>
internal sealed class CleanedTransactions
{
    private readonly IReadOnlyList<AbortedTransaction> _aborted;
    private readonly HashSet<long> _ongoingCommitted = [];
    private readonly Dictionary<long, bool> _ongoingAborted = [];
    private int _nextAborted;

    /// <param name="aborted">Every aborted transaction of the log, by first offset.</param>
    /// <param name="fromOffset">Where the pass starts: a transaction whose marker lies before it ended before the
    /// pass and is left out, or it would look open forever (Kafka takes the aborted transactions of the
    /// range).</param>
    public CleanedTransactions(IReadOnlyList<AbortedTransaction> aborted, long fromOffset)
    {
        var overlapping = new List<AbortedTransaction>(aborted.Count);
        foreach (AbortedTransaction transaction in aborted)
        {
            if (transaction.MarkerOffset >= fromOffset) overlapping.Add(transaction);
        }
        _aborted = overlapping;
    }

    /// <summary>A data batch: true when it belongs to an aborted transaction and may be discarded.</summary>
    public bool OnBatchRead(in RecordBatchHeader header)
    {
        ConsumeAbortedUpTo(header.LastOffset);
        if (!header.IsTransactional) return false;
        if (_ongoingAborted.ContainsKey(header.ProducerId))
        {
            _ongoingAborted[header.ProducerId] = true;
            return true;
        }
        _ongoingCommitted.Add(header.ProducerId);
        return false;
    }

    /// <summary>A control batch: true when the marker no longer marks any batch this pass met, so it may go.</summary>
    public bool OnControlBatchRead(in RecordBatchHeader header, MarkerType type)
    {
        ConsumeAbortedUpTo(header.LastOffset);
        switch (type)
        {
            case MarkerType.Empty:
                return true;
            case MarkerType.Abort:
                // Kept while this pass discarded batches of the transaction; they are gone by the next one.
                return !(_ongoingAborted.Remove(header.ProducerId, out bool observed) && observed);
            case MarkerType.Commit:
                return !_ongoingCommitted.Remove(header.ProducerId);
            default:
                return false;
        }
    }

    private void ConsumeAbortedUpTo(long offset)
    {
        while (_nextAborted < _aborted.Count && _aborted[_nextAborted].FirstOffset <= offset)
        {
            _ongoingAborted.TryAdd(_aborted[_nextAborted].ProducerId, false);
            _nextAborted++;
        }
    }
}
