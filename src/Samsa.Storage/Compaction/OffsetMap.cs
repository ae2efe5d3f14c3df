using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Samsa.Storage.Compaction;

// Kafka's SkimpyOffsetMap: a fixed-budget open-addressing table from a key's hash to the last offset seen for it, so
// the cleaner's memory does not grow with key sizes. Kafka hashes with MD5; Samsa takes the first 128 bits of
// SHA-256 instead. The map never sees the keys again, so two keys with one hash make the cleaner drop the older
// key's latest record as if it had been overwritten. An accidental collision is as unlikely with either, but MD5
// collisions can be crafted, and on a shared compacted topic (__consumer_offsets keys are chosen by clients) a crafted
// key could erase another tenant's record; SHA-256 makes that infeasible at a cost (~0.2 µs a key) the background
// cleaner can afford.
/// <summary>Key hash → latest offset, for one cleaning pass; grows on demand up to its memory budget.</summary>
/// <remarks>Not thread-safe: owned by one cleaner.</remarks>
internal sealed class OffsetMap
{
    /// <summary>Kafka's <c>log.cleaner.io.buffer.load.factor</c>: how full the table may get.</summary>
    private const double LoadFactor = 0.9;

    private const int BytesPerSlot = 16 + 8;
    private const int InitialSlots = 1 << 12;

    private readonly int _maxSlots;
    private UInt128[] _hashes = [];
    private long[] _offsets = [];
    private int _count;

    /// <param name="memoryBytes">The most the table may take (<c>log.cleaner.dedupe.buffer.size</c>).</param>
    public OffsetMap(long memoryBytes)
    {
        long slots = Math.Clamp(memoryBytes / BytesPerSlot, InitialSlots, 1 << 30);
        _maxSlots = 1 << BitOperations.Log2((ulong)slots);
    }

    /// <summary>Keys held.</summary>
    public int Count => _count;

    /// <summary>The most keys the budget allows.</summary>
    public int MaxEntries => (int)(_maxSlots * LoadFactor);

    /// <summary>Forgets every key, keeping the table for the next pass.</summary>
    public void Clear()
    {
        if (_count > 0) _offsets.AsSpan().Fill(-1);
        _count = 0;
    }

    /// <summary>Records <paramref name="offset"/> as the latest for <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">The map already holds <see cref="MaxEntries"/> keys.</exception>
    public void Put(ReadOnlySpan<byte> key, long offset)
    {
        UInt128 hash = Hash(key);
        if (_offsets.Length == 0 || _count + 1 > (int)(_offsets.Length * LoadFactor)) Grow();
        int slot = Find(hash);
        if (_offsets[slot] < 0)
        {
            _hashes[slot] = hash;
            _count++;
        }
        _offsets[slot] = offset;
    }

    /// <summary>The latest offset recorded for <paramref name="key"/>, or -1.</summary>
    public long Get(ReadOnlySpan<byte> key) => _count == 0 ? -1 : _offsets[Find(Hash(key))];

    private int Find(UInt128 hash)
    {
        int mask = _offsets.Length - 1;
        int slot = (int)(ulong)hash & mask;
        while (_offsets[slot] >= 0 && _hashes[slot] != hash)
            slot = (slot + 1) & mask;
        return slot;
    }

    private void Grow()
    {
        int slots = _offsets.Length == 0 ? InitialSlots : _offsets.Length * 2;
        if (slots > _maxSlots) throw new InvalidOperationException("the offset map is full");
        UInt128[] oldHashes = _hashes;
        long[] oldOffsets = _offsets;
        _hashes = new UInt128[slots];
        _offsets = new long[slots];
        _offsets.AsSpan().Fill(-1);
        for (int i = 0; i < oldOffsets.Length; i++)
        {
            if (oldOffsets[i] < 0) continue;
            int slot = Find(oldHashes[i]);
            _hashes[slot] = oldHashes[i];
            _offsets[slot] = oldOffsets[i];
        }
    }

    private static UInt128 Hash(ReadOnlySpan<byte> key)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key, digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
