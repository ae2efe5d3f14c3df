namespace Samsa.Storage.Recovery;

/// <summary>What scanning one segment found: the bytes cut from its tail, and why.</summary>
/// <param name="TruncatedBytes">Bytes removed after the last valid batch; 0 when the segment was whole.</param>
/// <param name="Reason">Why the first removed byte was not a valid batch; null when nothing was removed.</param>
/// <param name="ValidBytes">The segment's length after recovery.</param>
internal readonly record struct RecoveryOutcome(long TruncatedBytes, string? Reason, int ValidBytes);
