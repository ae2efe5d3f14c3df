namespace Samsa.Protocol.Records;

// The tables, built once at type initialisation (12 KiB in all) from the polynomial; nothing is hard-coded.
public static partial class Crc32C
{
    /// <summary>x^32 + x^28 + x^27 + … + 1 (Castagnoli), bit-reflected: bit 31 holds x^0.</summary>
    private const uint Polynomial = 0x82F63B78;

    // Block sizes of the three-stream hardware loop: long blocks for bulk data, short ones so a batch of a few
    // kilobytes still runs three streams. Each needs its own shift table.
    private const nuint LongBlock = 8192;
    private const nuint ShortBlock = 256;

    /// <summary>Slicing-by-8: table k maps a byte to its register contribution k bytes further on.</summary>
    private static readonly uint[] Slicing = BuildSlicing();

    private static readonly uint[] ShiftLong = BuildShift((long)LongBlock);
    private static readonly uint[] ShiftShort = BuildShift((long)ShortBlock);

    private static uint[] BuildSlicing()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int bit = 0; bit < 8; bit++)
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        for (int k = 1; k < 8; k++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[((k - 1) * 256) + i];
                table[(k * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }
        return table;
    }

    /// <summary>
    /// A table that advances a raw register over <paramref name="zeroBytes"/> zero bytes: the operation is linear
    /// over GF(2), so it is the xor of four lookups, one per byte of the register.
    /// </summary>
    private static uint[] BuildShift(long zeroBytes)
    {
        uint power = PowerOfX(zeroBytes);
        var table = new uint[4 * 256];
        for (int k = 0; k < 4; k++)
        {
            for (uint v = 0; v < 256; v++)
                table[(k * 256) + (int)v] = MultiplyModP(power, v << (8 * k));
        }
        return table;
    }

    /// <summary>a·b mod P with both operands bit-reflected.</summary>
    private static uint MultiplyModP(uint a, uint b)
    {
        uint product = 0;
        for (uint m = 1u << 31; m != 0; m >>= 1)
        {
            if ((a & m) != 0) product ^= b;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
        return product;
    }

    /// <summary>x^(8·bytes) mod P, bit-reflected, by repeated squaring.</summary>
    private static uint PowerOfX(long bytes)
    {
        uint result = 1u << 31;     // x^0
        uint square = 1u << 23;     // x^8: one byte
        while (bytes != 0)
        {
            if ((bytes & 1) != 0) result = MultiplyModP(result, square);
            square = MultiplyModP(square, square);
            bytes >>= 1;
        }
        return result;
    }
}
