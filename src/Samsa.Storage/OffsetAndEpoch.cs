namespace Samsa.Storage;

/// <summary>An offset and the leader epoch it belongs to: what OffsetForLeaderEpoch answers.</summary>
/// <param name="Offset">The offset; -1 when undefined.</param>
/// <param name="LeaderEpoch">The leader epoch; -1 when undefined.</param>
public readonly record struct OffsetAndEpoch(long Offset, int LeaderEpoch)
{
    /// <summary>Neither is known: the requested epoch is newer than any in the log.</summary>
    public static OffsetAndEpoch Undefined => new(-1, -1);
}
