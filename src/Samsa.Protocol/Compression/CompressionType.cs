namespace Samsa.Protocol.Compression;

/// <summary>
/// The codec of a record batch: bits 0–2 of its attributes (protocol/docs/implementation.html,
/// "Record Batch"). Values are Kafka's.
/// </summary>
public enum CompressionType
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}
