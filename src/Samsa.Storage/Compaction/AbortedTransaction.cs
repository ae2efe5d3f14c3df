namespace Samsa.Storage.Compaction;

/// <summary>A transaction that ended with an ABORT marker: its data batches lie in [first offset, marker).</summary>
/// <param name="ProducerId">The transactional producer.</param>
/// <param name="FirstOffset">The base offset of its first data batch in this partition.</param>
/// <param name="MarkerOffset">The offset of the ABORT marker.</param>
internal readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long MarkerOffset);
