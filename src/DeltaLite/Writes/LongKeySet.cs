using System.Numerics;

namespace DeltaLite.Writes;

/// <summary>
/// A set of 64-bit keys with one "matched" mark each, by open addressing: 9 bytes a slot at most 3/4 full, about
/// 12-24 bytes a key against ~110 for a <c>Dictionary&lt;long, bool&gt;</c> plus boxed distinct values. The merge keeps
/// every source key of an integer key column here, so its memory stays small for sources of millions of rows.
/// </summary>
internal sealed class LongKeySet
{
    private const byte Empty = 0, Present = 1, Marked = 2;
    private long[] _keys;
    private byte[] _states;
    private int _shift;

    public LongKeySet()
    {
        _keys = new long[16];
        _states = new byte[16];
        _shift = 64 - 4;
    }

    public int Count { get; private set; }

    /// <summary>Fibonacci hashing: the top bits of key * 2^64/phi, which spreads runs of consecutive keys.</summary>
    private int Home(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> _shift);

    private int Find(long key)
    {
        int mask = _keys.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            if (_states[i] == Empty) return ~i;
            if (_keys[i] == key) return i;
        }
    }

    /// <summary>Adds <paramref name="key"/> unmarked; false when it is already in the set.</summary>
    public bool Add(long key)
    {
        int slot = Find(key);
        if (slot >= 0) return false;
        if ((Count + 1) * 4L > _keys.Length * 3L)
        {
            Grow();
            slot = Find(key);
        }
        slot = ~slot;
        _keys[slot] = key;
        _states[slot] = Present;
        Count++;
        return true;
    }

    public bool Contains(long key) => Find(key) >= 0;

    /// <summary>
    /// Whether <paramref name="key"/> is in the set; marks it, and says in <paramref name="firstMark"/> whether this
    /// call was the one that marked it.
    /// </summary>
    public bool ContainsAndMark(long key, out bool firstMark)
    {
        int slot = Find(key);
        firstMark = false;
        if (slot < 0) return false;
        if (_states[slot] == Present)
        {
            _states[slot] = Marked;
            firstMark = true;
        }
        return true;
    }

    /// <summary>Every key, in ascending order (a new array).</summary>
    public long[] Sorted()
    {
        var result = new long[Count];
        int n = 0;
        for (int i = 0; i < _keys.Length; i++)
            if (_states[i] != Empty) result[n++] = _keys[i];
        Array.Sort(result);
        return result;
    }

    private void Grow()
    {
        var oldKeys = _keys;
        var oldStates = _states;
        _keys = new long[oldKeys.Length * 2];
        _states = new byte[oldKeys.Length * 2];
        _shift = 64 - BitOperations.Log2((uint)_keys.Length);
        int mask = _keys.Length - 1;
        for (int i = 0; i < oldKeys.Length; i++)
        {
            if (oldStates[i] == Empty) continue;
            int slot = Home(oldKeys[i]);
            while (_states[slot] != Empty) slot = (slot + 1) & mask;
            _keys[slot] = oldKeys[i];
            _states[slot] = oldStates[i];
        }
    }
}
