namespace Samsa.Protocol.Records;

/// <summary>
/// The outcome of a broker's rewrite of a produced batch: <see cref="RecordBatch.TryStampMaxTimestamp"/> and
/// <see cref="RecordBatch.TryRecompress"/>.
/// </summary>
public enum RecordBatchRewriteStatus
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>The records decompress to more than the limit; nothing past the limit was allocated.</summary>
    RecordsTooLarge,

    /// <summary>The rebuilt batch is larger than the limit (a codec that compresses less, or none).</summary>
    BatchTooLarge,

    /// <summary>The compressed records are corrupt, or the records do not decode (count, lengths, trailing
    /// bytes).</summary>
    Corrupt,
}
