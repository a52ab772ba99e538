namespace DeltaLite.Ingest;

/// <summary>
/// The integer keys of a first load, to find a key seen twice with memory that does not grow with a dense key range.
/// Keys are listed (8 bytes each) until they prove dense: when the list's range needs at most 64 bits a key, they move
/// to a bitmap over the range (a bit a key: 625 KiB for ids 1 to 5,000,000, in any order), where a repeat is found at
/// once. A key that would make the bitmap sparser than that moves everything back to the list, sorted and checked at
/// the end.
/// </summary>
internal sealed class IntegerKeySet
{
    private const int FirstCheck = 4096;
    private List<long>? _list = [];
    private int _nextCheck = FirstCheck;
    private ulong[]? _bits;
    private long _base;
    private long _count;

    /// <summary>Whether the keys are held as a bitmap (for tests).</summary>
    internal bool IsBitmap => _bits is not null;

    /// <summary>Adds a key; returns a key known to be added twice (null while none is).</summary>
    public long? Add(long key)
    {
        _count++;
        if (_bits is not null)
        {
            if (Covers(key) || TryWiden(key)) return Set(key) ? null : key;
            ToList();
        }
        _list!.Add(key);
        if (_list.Count >= _nextCheck)
        {
            _nextCheck = _list.Count * 2;
            return TryBitmap();
        }
        return null;
    }

    /// <summary>After the last key: a key added twice, or null.</summary>
    public long? Finish()
    {
        if (_list is null || _list.Count < 2) return null;
        var sorted = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_list);
        sorted.Sort();
        for (int i = 1; i < sorted.Length; i++)
            if (sorted[i] == sorted[i - 1]) return sorted[i];
        return null;
    }

    private bool Dense(ulong span) => span / 64 < (ulong)Math.Max(_count, FirstCheck);

    private bool Covers(long key) => key >= _base && unchecked((ulong)(key - _base)) < (ulong)_bits!.Length * 64;

    /// <summary>Sets the key's bit; false when it was set already.</summary>
    private bool Set(long key)
    {
        ulong i = unchecked((ulong)(key - _base));
        ref ulong word = ref _bits![i >> 6];
        ulong mask = 1UL << (int)(i & 63);
        if ((word & mask) != 0) return false;
        word |= mask;
        return true;
    }

    /// <summary>The listed keys into a bitmap when they are dense enough; returns a key listed twice, if one shows.</summary>
    private long? TryBitmap()
    {
        long min = long.MaxValue, max = long.MinValue;
        foreach (var k in _list!)
        {
            if (k < min) min = k;
            if (k > max) max = k;
        }
        ulong span = unchecked((ulong)(max - min));
        if (!Dense(span)) return null;
        _base = min;
        _bits = new ulong[span / 64 + 1];
        long? repeated = null;
        foreach (var k in _list)
            if (!Set(k)) repeated ??= k;
        _list = null;
        return repeated;
    }

    /// <summary>Grows the bitmap (doubling, at least) to cover the key while it stays dense enough.</summary>
    private bool TryWiden(long key)
    {
        ulong oldWords = (ulong)_bits!.Length, covered = oldWords * 64, span;
        if (key < _base)
        {
            ulong below = unchecked((ulong)(_base - key));
            if (below > ulong.MaxValue - covered) return false;
            span = below + covered - 1;
        }
        else
        {
            span = unchecked((ulong)(key - _base));
        }
        if (!Dense(span) || span / 64 + 1 > (ulong)Array.MaxLength) return false;
        ulong words = Math.Min(Math.Max(span / 64 + 1, oldWords * 2), (ulong)Array.MaxLength);
        if (key < _base)
        {
            // The new words go below the old ones: words * 64 >= below + covered, so the key is covered.
            ulong shift = words - oldWords;
            if (unchecked((ulong)(_base - long.MinValue)) < shift * 64) return false;
            var grown = new ulong[words];
            Array.Copy(_bits, 0, grown, (long)shift, _bits.Length);
            _base = unchecked(_base - (long)(shift * 64));
            _bits = grown;
        }
        else
        {
            Array.Resize(ref _bits, (int)words);
        }
        return Covers(key);
    }

    /// <summary>The bitmap's keys back into a list (the keys turned out too spread for a bitmap).</summary>
    private void ToList()
    {
        var list = new List<long>((int)Math.Min(_count + FirstCheck, int.MaxValue / 2));
        for (int w = 0; w < _bits!.Length; w++)
        {
            ulong word = _bits[w];
            while (word != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                list.Add(unchecked(_base + w * 64L + bit));
                word &= word - 1;
            }
        }
        _bits = null;
        _list = list;
        _nextCheck = Math.Max(FirstCheck, list.Count * 2);
    }
}
