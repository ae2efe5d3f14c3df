namespace Samsa.Storage;

/// <summary>An active producer of a partition, as DescribeProducers reports it.</summary>
/// <param name="ProducerId">The producer id.</param>
/// <param name="ProducerEpoch">Its current epoch.</param>
/// <param name="LastSequence">The last sequence it appended.</param>
/// <param name="LastTimestamp">The max timestamp of its last batch.</param>
/// <param name="CoordinatorEpoch">The epoch of the transaction coordinator that last wrote a marker for it; -1.</param>
/// <param name="CurrentTxnStartOffset">The first offset of its open transaction; -1 (transactions are not
/// served).</param>
public readonly record struct ProducerDescription(long ProducerId, short ProducerEpoch, int LastSequence,
    long LastTimestamp, int CoordinatorEpoch, long CurrentTxnStartOffset);
