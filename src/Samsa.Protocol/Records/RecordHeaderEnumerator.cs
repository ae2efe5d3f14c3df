namespace Samsa.Protocol.Records;

/// <summary>Walks a record's headers; <c>foreach</c> works on it directly.</summary>
public ref struct RecordHeaderEnumerator
{
    private SpanReader _reader;
    private int _left;

    internal RecordHeaderEnumerator(ReadOnlySpan<byte> headers, int count)
    {
        _reader = new SpanReader(headers);
        _left = count;
        Current = default;
    }

    public RecordHeaderView Current { get; private set; }

    public readonly RecordHeaderEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_left == 0) return false;
        // Record.Parse has already checked every length, so these reads cannot fail.
        int keyLength = _reader.ReadVarInt();
        ReadOnlySpan<byte> key = _reader.ReadSpan(keyLength, "record header key");
        ReadOnlySpan<byte> value = _reader.ReadNullableBytes("record header value", out bool isNull);
        Current = new RecordHeaderView(key, value, isNull);
        _left--;
        return true;
    }
}
