namespace Samsa.Protocol.Records;

/// <summary>The outcome of checking one record batch's framing, magic and CRC.</summary>
public enum RecordBatchValidation
{
    /// <summary>The batch is well formed and its CRC matches.</summary>
    Ok = 0,

    /// <summary>Fewer bytes than a header (or, before the magic, than the fields up to it).</summary>
    TooShort,

    /// <summary>The batch length field disagrees with the bytes given, or is below a header's size.</summary>
    BadLength,

    /// <summary>Magic 0 or 1: a message set of the old formats, which Samsa refuses.</summary>
    LegacyMagic,

    /// <summary>A magic value newer than 2 (or negative).</summary>
    UnknownMagic,

    /// <summary>The CRC-32C over attributes to end does not match the stored one.</summary>
    BadCrc,

    /// <summary>The attributes name a compression codec that does not exist.</summary>
    UnknownCompression,

    /// <summary>The record count is negative.</summary>
    BadRecordCount,
}
