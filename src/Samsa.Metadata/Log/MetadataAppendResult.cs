namespace Samsa.Metadata.Log;

/// <summary>The outcome of an append and, when it committed, the offsets its records took.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="BaseOffset">The offset of the first record; -1 unless <see cref="MetadataAppendStatus.Ok"/>.</param>
/// <param name="LastOffset">The offset of the last record; -1 unless <see cref="MetadataAppendStatus.Ok"/>.</param>
public readonly record struct MetadataAppendResult(MetadataAppendStatus Status, long BaseOffset, long LastOffset)
{
    public bool IsOk => Status == MetadataAppendStatus.Ok;

    public static MetadataAppendResult Failed(MetadataAppendStatus status) => new(status, -1, -1);
}
