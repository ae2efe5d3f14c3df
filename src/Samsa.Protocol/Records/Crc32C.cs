using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace Samsa.Protocol.Records;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of record batch v2
/// (protocol/docs/implementation.html, "Record Batch").
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Values are finished checksums (pre- and post-inverted), so
/// <c>Append(Compute(a), b) == Compute(a + b)</c>. On x64 with SSE4.2 and on ARM with the CRC extension the
/// crc32c instruction does the work, 8 bytes at a time in three interleaved streams; elsewhere a
/// slicing-by-8 table does.
/// </remarks>
public static partial class Crc32C
{
    /// <summary>True when the processor's crc32c instruction computes the checksum.</summary>
    public static bool IsHardwareAccelerated => Sse42.IsSupported || ArmCrc32.IsSupported;

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The checksum of <paramref name="data"/>, which may span many segments.</summary>
    public static uint Compute(in ReadOnlySequence<byte> data) => Append(0, data);

    /// <summary>Extends <paramref name="crc"/>, the checksum of earlier bytes, over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>Extends <paramref name="crc"/> over <paramref name="data"/>, segment by segment.</summary>
    public static uint Append(uint crc, in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment) return Append(crc, data.FirstSpan);
        uint state = ~crc;
        foreach (ReadOnlyMemory<byte> segment in data)
            state = Update(state, segment.Span);
        return ~state;
    }

    /// <summary>
    /// The checksum of <c>a + b</c> given the checksum of <c>a</c>, the checksum of <c>b</c> and the length of
    /// <c>b</c>, without reading either.
    /// </summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        // Pre- and post-inversion cancel out: a+b's checksum is a's shifted over |b| zero bytes, xor b's.
        return MultiplyModP(PowerOfX(lengthB), crcA) ^ crcB;
    }

    /// <summary>Runs the raw register (no inversion) over <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Update(uint state, ReadOnlySpan<byte> data) =>
        IsHardwareAccelerated ? UpdateHardware(state, data) : UpdateTable(state, data);

    /// <summary>
    /// The hardware path. One crc32c instruction has a latency of about three cycles but can start every cycle,
    /// so three independent streams over three adjacent blocks keep it busy; the streams are then joined by
    /// shifting the earlier register over the later block (a table-driven multiply by x^(8·block) mod P).
    /// </summary>
    internal static uint UpdateHardware(uint state, ReadOnlySpan<byte> data)
    {
        ref byte next = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;

        while (length >= 3 * LongBlock)
        {
            state = ThreeStreams(state, ref next, LongBlock, ShiftLong);
            next = ref Unsafe.Add(ref next, 3 * LongBlock);
            length -= 3 * LongBlock;
        }
        while (length >= 3 * ShortBlock)
        {
            state = ThreeStreams(state, ref next, ShortBlock, ShiftShort);
            next = ref Unsafe.Add(ref next, 3 * ShortBlock);
            length -= 3 * ShortBlock;
        }
        while (length >= 8)
        {
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref next));
            next = ref Unsafe.Add(ref next, 8);
            length -= 8;
        }
        while (length > 0)
        {
            state = BitOperations.Crc32C(state, next);
            next = ref Unsafe.Add(ref next, 1);
            length--;
        }
        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ThreeStreams(uint state, ref byte start, nuint block, uint[] shift)
    {
        uint crc0 = state;
        uint crc1 = 0;
        uint crc2 = 0;
        ref byte end = ref Unsafe.Add(ref start, block);
        ref byte next = ref start;
        while (Unsafe.IsAddressLessThan(ref next, ref end))
        {
            crc0 = BitOperations.Crc32C(crc0, Unsafe.ReadUnaligned<ulong>(ref next));
            crc1 = BitOperations.Crc32C(crc1, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref next, block)));
            crc2 = BitOperations.Crc32C(crc2, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref next, 2 * block)));
            next = ref Unsafe.Add(ref next, 8);
        }
        crc0 = Shift(shift, crc0) ^ crc1;
        return Shift(shift, crc0) ^ crc2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint[] table, uint crc) =>
        table[crc & 0xFF] ^ table[256 + ((crc >> 8) & 0xFF)] ^ table[512 + ((crc >> 16) & 0xFF)] ^
        table[768 + (crc >> 24)];

    /// <summary>The portable path: slicing-by-8, eight table lookups per eight bytes.</summary>
    internal static uint UpdateTable(uint state, ReadOnlySpan<byte> data)
    {
        uint[] t = Slicing;
        while (data.Length >= 8)
        {
            uint low = state ^ (uint)(data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24));
            uint high = (uint)(data[4] | (data[5] << 8) | (data[6] << 16) | (data[7] << 24));
            state = t[(7 * 256) + (low & 0xFF)] ^ t[(6 * 256) + ((low >> 8) & 0xFF)] ^
                t[(5 * 256) + ((low >> 16) & 0xFF)] ^ t[(4 * 256) + (low >> 24)] ^
                t[(3 * 256) + (high & 0xFF)] ^ t[(2 * 256) + ((high >> 8) & 0xFF)] ^
                t[256 + ((high >> 16) & 0xFF)] ^ t[high >> 24];
            data = data[8..];
        }
        foreach (byte b in data)
            state = t[(state ^ b) & 0xFF] ^ (state >> 8);
        return state;
    }
}
