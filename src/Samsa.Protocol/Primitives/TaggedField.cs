namespace Samsa.Protocol.Primitives;

/// <summary>A tagged field that this version of Samsa does not know, kept as raw bytes so it is written back.</summary>
public sealed record TaggedField(int Tag, byte[] Data)
{
    public bool Equals(TaggedField? other) =>
        other is not null && Tag == other.Tag && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Tag, Data.Length);
}
