namespace Samsa.Storage;

/// <summary>The outcome of one cleaning pass over one log, with what it did.</summary>
/// <param name="Status">Whether the pass ran; the counts are meaningful for <see cref="CleanStatus.Cleaned"/>.</param>
/// <param name="FirstDirtyOffset">Where the uncleaned part began.</param>
/// <param name="CleanedTo">The first offset left uncleaned (the new cleaner checkpoint).</param>
/// <param name="SegmentsRewritten">Segments read and replaced.</param>
/// <param name="BytesRead">Bytes of the replaced segments.</param>
/// <param name="BytesWritten">Bytes of the segments that replaced them.</param>
/// <param name="RecordsRead">Records in the replaced segments.</param>
/// <param name="RecordsRemoved">Records dropped: overwritten, expired tombstones, aborted, or without a key.</param>
public readonly record struct CleanResult(CleanStatus Status, long FirstDirtyOffset, long CleanedTo,
    int SegmentsRewritten, long BytesRead, long BytesWritten, long RecordsRead, long RecordsRemoved)
{
    internal static CleanResult Of(CleanStatus status) => new(status, -1, -1, 0, 0, 0, 0, 0);
}
