namespace Samsa.Protocol.Records;

/// <summary>What follows the last whole batch of a records blob.</summary>
public enum RecordsTail
{
    /// <summary>Nothing: the blob ends exactly after a batch.</summary>
    None = 0,

    /// <summary>
    /// The start of a batch whose declared length runs past the end: normal at the end of a fetch response
    /// (the broker cuts at the size limit), a torn write at the end of a log segment.
    /// </summary>
    Partial,

    /// <summary>A length field smaller than any batch can be: the bytes from here on are not batches.</summary>
    Corrupt,
}
