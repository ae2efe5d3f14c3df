namespace Samsa.Metadata.Log;

/// <summary>Records appended together: they commit together and are applied together.</summary>
/// <remarks>Immutable once built; its records must not be changed.</remarks>
public sealed class MetadataBatch
{
    public MetadataBatch(long baseOffset, int epoch, DateTimeOffset appendTime, IReadOnlyList<IMetadataRecord> records)
    {
        if (records.Count == 0)
            throw new ArgumentException("a metadata batch holds at least one record", nameof(records));
        BaseOffset = baseOffset;
        Epoch = epoch;
        AppendTime = appendTime;
        Records = records;
    }

    /// <summary>The offset of the first record; each record takes one offset.</summary>
    public long BaseOffset { get; }

    /// <summary>The offset of the last record.</summary>
    public long LastOffset => BaseOffset + Records.Count - 1;

    /// <summary>The leader epoch the batch was appended in.</summary>
    public int Epoch { get; }

    /// <summary>When the leader appended the batch.</summary>
    public DateTimeOffset AppendTime { get; }

    public IReadOnlyList<IMetadataRecord> Records { get; }
}
