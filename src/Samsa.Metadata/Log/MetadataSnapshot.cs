namespace Samsa.Metadata.Log;

/// <summary>
/// The whole state of the metadata log up to an offset, as records that rebuild it from nothing
/// (<see cref="Image.MetadataImage.ToRecords"/>). A replicated log sends one to a listener that is too far behind
/// for the entries it kept.
/// </summary>
public sealed class MetadataSnapshot
{
    public MetadataSnapshot(long lastOffset, int epoch, IReadOnlyList<IMetadataRecord> records)
    {
        LastOffset = lastOffset;
        Epoch = epoch;
        Records = records;
    }

    /// <summary>The offset of the last record the snapshot covers.</summary>
    public long LastOffset { get; }

    /// <summary>The leader epoch of that record.</summary>
    public int Epoch { get; }

    public IReadOnlyList<IMetadataRecord> Records { get; }
}
