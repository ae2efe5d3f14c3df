namespace Samsa.Storage;

/// <summary>A record found by timestamp: what ListOffsets answers.</summary>
/// <param name="Timestamp">The record's timestamp.</param>
/// <param name="Offset">The record's offset.</param>
/// <param name="LeaderEpoch">The partition leader epoch of the record's batch, or -1.</param>
public readonly record struct TimestampAndOffset(long Timestamp, long Offset, int LeaderEpoch);
