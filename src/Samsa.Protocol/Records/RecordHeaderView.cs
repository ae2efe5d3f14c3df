using System.Text;

namespace Samsa.Protocol.Records;

/// <summary>One record header as slices of the record's bytes.</summary>
public readonly ref struct RecordHeaderView
{
    internal RecordHeaderView(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isValueNull)
    {
        Key = key;
        Value = value;
        IsValueNull = isValueNull;
    }

    /// <summary>The key's UTF-8 bytes (header keys are never null).</summary>
    public ReadOnlySpan<byte> Key { get; }

    public ReadOnlySpan<byte> Value { get; }

    public bool IsValueNull { get; }

    /// <summary>The key decoded from UTF-8 (allocates).</summary>
    public string GetKeyString() => Encoding.UTF8.GetString(Key);
}
