namespace Samsa.Storage.ProducerState;

/// <summary>
/// What a partition remembers of one of a producer's recent batches: its sequence range and offsets, so a retry of
/// it is answered with its original offsets (Kafka's <c>BatchMetadata</c>).
/// </summary>
/// <param name="FirstSequence">The batch's base sequence.</param>
/// <param name="LastSequence">Its last record's sequence (wrapped past <see cref="int.MaxValue"/> to 0).</param>
/// <param name="FirstOffset">The offset of its first record.</param>
/// <param name="LastOffset">The offset of its last record.</param>
/// <param name="Timestamp">Its max timestamp: what <c>producer.id.expiration.ms</c> measures idleness from.</param>
internal readonly record struct BatchMetadata(int FirstSequence, int LastSequence, long FirstOffset, long LastOffset,
    long Timestamp)
{
    /// <summary>The offset delta Kafka's snapshot stores: last offset minus first offset.</summary>
    public int OffsetDelta => (int)(LastOffset - FirstOffset);
}
