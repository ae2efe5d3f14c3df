namespace Samsa.Storage.ProducerState;

/// <summary>What the producer state says of a batch before it is appended.</summary>
internal enum ProducerAppendCheck
{
    /// <summary>In sequence (or from a producer this partition does not know): append it.</summary>
    Append,

    /// <summary>A retry of one of the producer's last batches: answer with its offsets, append nothing.</summary>
    Duplicate,

    /// <summary>A gap, or a new epoch that does not start at sequence 0: OUT_OF_ORDER_SEQUENCE_NUMBER.</summary>
    OutOfOrderSequence,

    /// <summary>An epoch older than the producer's current one (a fenced instance): INVALID_PRODUCER_EPOCH.</summary>
    InvalidProducerEpoch,
}
