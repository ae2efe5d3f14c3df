namespace Samsa.Protocol.Records;

/// <summary>
/// Byte offsets of record batch v2's fields (protocol/docs/implementation.html, "Record Batch").
/// All integers are big-endian.
/// </summary>
public static class RecordBatchLayout
{
    public const int BaseOffset = 0;
    public const int BatchLength = 8;
    public const int PartitionLeaderEpoch = 12;
    public const int Magic = 16;
    public const int Crc = 17;
    public const int Attributes = 21;
    public const int LastOffsetDelta = 23;
    public const int BaseTimestamp = 27;
    public const int MaxTimestamp = 35;
    public const int ProducerId = 43;
    public const int ProducerEpoch = 51;
    public const int BaseSequence = 53;
    public const int RecordCount = 57;

    /// <summary>Size of the header; the records (or their compressed form) follow it.</summary>
    public const int HeaderSize = 61;

    /// <summary>Bytes before the batch length counts: base offset and the length itself.</summary>
    public const int LogOverhead = 12;

    /// <summary>Where the CRC's coverage starts: the attributes, through to the end of the batch.</summary>
    public const int CrcStart = Attributes;

    /// <summary>The only magic Samsa accepts.</summary>
    public const byte CurrentMagic = 2;

    /// <summary>The smallest batch length a v2 batch can have: a header and no records.</summary>
    public const int MinBatchLength = HeaderSize - LogOverhead;

    /// <summary>
    /// The smallest length any message-set entry can have (a magic 0 message with null key and value). Framing
    /// uses it so that an old client's message set reaches validation and is refused by magic, not as garbage.
    /// </summary>
    public const int MinLegacyLength = 14;

    // Attribute bits.
    public const short CompressionMask = 0x07;
    public const short TimestampTypeFlag = 0x08;
    public const short TransactionalFlag = 0x10;
    public const short ControlFlag = 0x20;

    /// <summary>
    /// Set by a log cleaner (KIP-534): the base timestamp holds the time after which the batch's tombstones and
    /// transaction markers may be removed; record timestamps stay relative to it.
    /// </summary>
    public const short DeleteHorizonFlag = 0x40;
}
