using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace DeltaLite.Parquet.Writing;

/// <summary>Distinct byte strings with their first-seen index: an open-addressing hash table over a <see cref="ByteArrayBuilder"/>.</summary>
internal sealed class ByteArrayDictionary
{
    private readonly ByteArrayBuilder _values = new(1024, 64 * 1024);
    private int[] _slots = new int[2048];   // entry index + 1, 0 = empty
    private int[] _hashes = new int[1024];

    // Values of at most 7 bytes (codes, grades, states) are also keyed by their bytes and length packed in one
    // ulong: a probe compares one word instead of hashing and comparing spans.
    private readonly FixedDictionary<ulong> _short = new();
    private int[] _shortToEntry = new int[1024];

    public ByteArrayBuilder Values => _values;

    public int Count => _values.Count;

    /// <summary>The index of <paramref name="value"/>, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        if (value.Length <= 7)
        {
            ulong key = (ulong)value.Length << 56;
            for (int k = 0; k < value.Length; k++) key |= (ulong)value[k] << (8 * k);
            int before = _short.Count;
            int s = _short.GetOrAdd(key);
            if (s < before) return _shortToEntry[s];
            int entry = Add(value);
            if (s >= _shortToEntry.Length) Array.Resize(ref _shortToEntry, _shortToEntry.Length * 2);
            _shortToEntry[s] = entry;
            return entry;
        }
        return Add(value);
    }

    /// <summary>The index of <paramref name="value"/> in the byte-keyed table, adding it when new.</summary>
    private int Add(ReadOnlySpan<byte> value)
    {
        int hash = DictionaryHash.Bytes(value);
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        var offsets = _values.Offsets;
        var data = _values.Data;
        while (true)
        {
            int e = _slots[slot];
            if (e == 0) break;
            if (_hashes[e - 1] == hash && data.AsSpan(offsets[e - 1], offsets[e] - offsets[e - 1]).SequenceEqual(value)) return e - 1;
            slot = (slot + 1) & mask;
        }
        int index = _values.Count;
        _values.Append(value);
        if (index >= _hashes.Length) Array.Resize(ref _hashes, _hashes.Length * 2);
        _hashes[index] = hash;
        _slots[slot] = index + 1;
        if ((index + 1) * 2 > _slots.Length) Rehash();
        return index;
    }

    private void Rehash()
    {
        var slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int i = 0; i < _values.Count; i++)
        {
            int slot = _hashes[i] & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = i + 1;
        }
        _slots = slots;
    }
}

/// <summary>
/// Distinct fixed-width values (INT32, INT64, and FLOAT/DOUBLE by their bits) with their first-seen index, in an
/// open-addressing table: no boxing, no per-entry allocation.
/// </summary>
internal sealed class FixedDictionary<T> where T : unmanaged, IEquatable<T>
{
    private T[] _values = new T[1024];
    private int[] _slots = new int[2048];   // entry index + 1, 0 = empty
    private int _count;

    public int Count => _count;

    public ReadOnlySpan<T> Values => _values.AsSpan(0, _count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(T value)
    {
        int mask = _slots.Length - 1;
        int slot = DictionaryHash.Fixed(value) & mask;
        while (true)
        {
            int e = _slots[slot];
            if (e == 0) break;
            if (_values[e - 1].Equals(value)) return e - 1;
            slot = (slot + 1) & mask;
        }
        int index = _count;
        if (index == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[index] = value;
        _slots[slot] = index + 1;
        _count++;
        if (_count * 2 > _slots.Length) Rehash();
        return index;
    }

    private void Rehash()
    {
        var slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            int slot = DictionaryHash.Fixed(_values[i]) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = i + 1;
        }
        _slots = slots;
    }
}

/// <summary>Hashes for the writer's dictionaries: word-at-a-time multiply-rotate mixing with a per-process seed.</summary>
internal static class DictionaryHash
{
    private const ulong K1 = 0x9E3779B97F4A7C15, K2 = 0xC2B2AE3D27D4EB4F, K3 = 0x165667B19E3779F9;
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Fixed<T>(T value) where T : unmanaged
    {
        ulong x = Unsafe.SizeOf<T>() == 4 ? Unsafe.As<T, uint>(ref value) : Unsafe.As<T, ulong>(ref value);
        return Finish((x ^ Seed) * K1);
    }

    public static int Bytes(ReadOnlySpan<byte> value)
    {
        ulong h = Seed ^ ((ulong)value.Length * K3);
        int i = 0;
        for (; i + 8 <= value.Length; i += 8)
            h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt64LittleEndian(value[i..]) * K1), 29) * K2;
        int rest = value.Length - i;
        if (rest > 0)
        {
            ulong tail = 0;
            if (rest >= 4)
            {
                tail = BinaryPrimitives.ReadUInt32LittleEndian(value[i..]) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(value[(value.Length - 4)..]) << 32);
            }
            else
            {
                tail = value[i] | ((ulong)value[i + rest / 2] << 8) | ((ulong)value[value.Length - 1] << 16);
            }
            h = BitOperations.RotateLeft(h ^ (tail * K1), 29) * K2;
        }
        return Finish(h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Finish(ulong h)
    {
        h ^= h >> 33;
        h *= K2;
        h ^= h >> 29;
        return (int)h;
    }
}
