namespace Samsa.Protocol.Compression;

/// <summary>The outcome of <see cref="CompressionCodec.TryDecompress"/>.</summary>
public enum DecompressionStatus
{
    /// <summary>The input decompressed whole, within the limit.</summary>
    Ok = 0,

    /// <summary>The input decompresses (or declares that it does) to more than the limit; the rest was not
    /// read.</summary>
    TooLarge,

    /// <summary>The input is not valid data of its codec, or the codec is unknown.</summary>
    Corrupt,
}
