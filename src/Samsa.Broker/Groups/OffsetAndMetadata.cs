namespace Samsa.Broker.Groups;

/// <summary>A committed offset as the coordinator keeps it and as <c>OffsetCommitValue</c> stores it.</summary>
internal readonly record struct OffsetAndMetadata(long Offset, int LeaderEpoch, string Metadata, long CommitTimestamp);
