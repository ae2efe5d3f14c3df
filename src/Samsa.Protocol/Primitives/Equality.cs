using System.Buffers;

namespace Samsa.Protocol.Primitives;

/// <summary>Value equality for the field types of generated messages.</summary>
public static class Equality
{
    public static bool BytesEqual(byte[]? a, byte[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    public static bool RecordsEqual(ReadOnlySequence<byte>? a, ReadOnlySequence<byte>? b)
    {
        if (a is not { } x) return b is null;
        if (b is not { } y) return false;
        if (x.Length != y.Length) return false;
        if (x.IsSingleSegment && y.IsSingleSegment) return x.FirstSpan.SequenceEqual(y.FirstSpan);
        return x.ToArray().AsSpan().SequenceEqual(y.ToArray());
    }

    public static bool ListEquals<T>(List<T>? a, List<T>? b)
    {
        if (a is null) return b is null;
        if (b is null || a.Count != b.Count) return false;
        EqualityComparer<T> comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Count; i++)
        {
            if (!comparer.Equals(a[i], b[i])) return false;
        }
        return true;
    }

    public static bool ListEquals(List<byte[]>? a, List<byte[]>? b)
    {
        if (a is null) return b is null;
        if (b is null || a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
        {
            if (!BytesEqual(a[i], b[i])) return false;
        }
        return true;
    }

    /// <summary>Unknown tagged fields compare equal when both are absent or empty, else element by element.</summary>
    public static bool TaggedFieldsEqual(List<TaggedField>? a, List<TaggedField>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : ListEquals(a, b);
}
