using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>Varint arithmetic and the encoded sizes of primitive fields, for sizing a message before writing.</summary>
public static class VarInt
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfUnsigned(uint value) => (38 - BitOperations.LeadingZeroCount(value | 1)) / 7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfUnsigned(ulong value) => (70 - BitOperations.LeadingZeroCount(value | 1)) / 7;

    public static int SizeOf(int value) => SizeOfUnsigned(ZigZag(value));

    public static int SizeOf(long value) => SizeOfUnsigned(ZigZag(value));

    /// <summary>Size of a string field with its length prefix.</summary>
    public static int SizeOfString(string? value, bool compact)
    {
        if (value is null) return compact ? 1 : 2;
        int length = Encoding.UTF8.GetByteCount(value);
        return length + (compact ? SizeOfUnsigned((uint)length + 1) : 2);
    }

    /// <summary>Size of a bytes field with its length prefix; -1 means null.</summary>
    public static int SizeOfBytes(int length, bool compact)
    {
        if (length < 0) return compact ? 1 : 4;
        return length + (compact ? SizeOfUnsigned((uint)length + 1) : 4);
    }

    public static int SizeOfRecords(ReadOnlySequence<byte>? records, bool compact) =>
        SizeOfBytes(records is { } r ? checked((int)r.Length) : -1, compact);

    /// <summary>Size of an array's length prefix; -1 means null.</summary>
    public static int SizeOfArrayLength(int count, bool compact) =>
        compact ? SizeOfUnsigned((uint)(count + 1)) : 4;
}
