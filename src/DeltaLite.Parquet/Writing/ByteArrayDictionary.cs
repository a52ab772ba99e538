namespace DeltaLite.Parquet.Writing;

/// <summary>Distinct byte strings with their first-seen index: an open-addressing hash table over a <see cref="ByteArrayBuilder"/>.</summary>
internal sealed class ByteArrayDictionary
{
    private readonly ByteArrayBuilder _values = new(1024, 64 * 1024);
    private int[] _slots = new int[2048];   // entry index + 1, 0 = empty
    private int[] _hashes = new int[1024];

    public ByteArrayBuilder Values => _values;

    public int Count => _values.Count;

    /// <summary>The index of <paramref name="value"/>, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        var h = new HashCode();
        h.AddBytes(value);
        int hash = h.ToHashCode();
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (true)
        {
            int e = _slots[slot];
            if (e == 0) break;
            if (_hashes[e - 1] == hash && _values[e - 1].SequenceEqual(value)) return e - 1;
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
