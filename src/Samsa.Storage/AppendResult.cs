namespace Samsa.Storage;

/// <summary>What an append did: the offsets it assigned and where the bytes went.</summary>
/// <param name="Status">Whether it succeeded; the other fields are meaningful only for
/// <see cref="AppendStatus.Ok"/>.</param>
/// <param name="FirstOffset">The base offset of the first batch.</param>
/// <param name="LastOffset">The last offset of the last batch.</param>
/// <param name="LogAppendTime">The time stamped into the batches under LogAppendTime, else -1.</param>
/// <param name="SegmentBaseOffset">The base offset of the segment holding the batches.</param>
/// <param name="Position">The byte position of the first batch in that segment.</param>
public readonly record struct AppendResult(AppendStatus Status, long FirstOffset, long LastOffset,
    long LogAppendTime, long SegmentBaseOffset, int Position)
{
    /// <summary>
    /// The batch was a retry of one the producer had already appended: nothing was written, and the offsets are the
    /// original batch's.
    /// </summary>
    public bool IsDuplicate { get; init; }

    internal static AppendResult Failed(AppendStatus status) => new(status, -1, -1, -1, -1, -1);
}
