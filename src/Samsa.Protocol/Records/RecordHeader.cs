namespace Samsa.Protocol.Records;

/// <summary>A record header to write: a non-null key and a value that may be null.</summary>
public readonly record struct RecordHeader(string Key, byte[]? Value);
