using System.Buffers.Binary;
using System.Numerics;

namespace DeltaLite.DeletionVectors;

/// <summary>
/// One 16-bit container of a 32-bit Roaring bitmap: the low 16 bits of up to 65536 values that share their high bits.
/// Immutable once built.
/// </summary>
internal abstract class RoaringContainer
{
    /// <summary>Containers with more values than this are bitmaps (unless they are run containers).</summary>
    public const int MaxArrayCardinality = 4096;

    /// <summary>Bytes of a serialized bitmap container: 1024 64-bit words.</summary>
    public const int BitmapBytes = 8192;

    /// <summary>Number of values, 1 to 65536.</summary>
    public abstract int Cardinality { get; }

    /// <summary>The largest value.</summary>
    public abstract int Max { get; }

    public abstract bool Contains(int low);

    /// <summary>Writes <c>high + value</c> for every value, ascending.</summary>
    public abstract void CopyTo(Span<long> destination, long high);

    /// <summary>Sets <c>rows[high + v - firstRow]</c> for every value v in [lo, hi].</summary>
    public abstract void Mark(Span<bool> rows, long offset, int lo, int hi);

    /// <summary>Size of the container's data in the portable format (headers not included).</summary>
    public abstract int SerializedSize { get; }

    public abstract void Write(Span<byte> destination);

    /// <summary>
    /// The smallest of the three forms for sorted distinct values: array for up to 4096 values, bitmap above,
    /// run-length encoding when that is strictly smaller.
    /// </summary>
    public static RoaringContainer Create(ReadOnlySpan<ushort> sortedDistinct)
    {
        int n = sortedDistinct.Length;
        int runs = 1;
        for (int i = 1; i < n; i++)
        {
            if (sortedDistinct[i] != sortedDistinct[i - 1] + 1) runs++;
        }
        int plainSize = n <= MaxArrayCardinality ? 2 * n : BitmapBytes;
        if (2 + 4 * runs < plainSize)
        {
            var pairs = new ushort[2 * runs];
            int r = 0, start = sortedDistinct[0];
            for (int i = 1; i <= n; i++)
            {
                if (i == n || sortedDistinct[i] != sortedDistinct[i - 1] + 1)
                {
                    pairs[2 * r] = (ushort)start;
                    pairs[2 * r + 1] = (ushort)(sortedDistinct[i - 1] - start);
                    r++;
                    if (i < n) start = sortedDistinct[i];
                }
            }
            return new RunContainer(pairs, n);
        }
        if (n <= MaxArrayCardinality) return new ArrayContainer(sortedDistinct.ToArray());
        var words = new ulong[1024];
        foreach (var v in sortedDistinct) words[v >> 6] |= 1UL << (v & 63);
        return new BitmapContainer(words, n);
    }
}

/// <summary>Sorted 16-bit values, 2 bytes each.</summary>
internal sealed class ArrayContainer(ushort[] values) : RoaringContainer
{
    private readonly ushort[] _values = values;

    public override int Cardinality => _values.Length;
    public override int Max => _values[^1];
    public override bool Contains(int low) => Array.BinarySearch(_values, (ushort)low) >= 0;

    public override void CopyTo(Span<long> destination, long high)
    {
        for (int i = 0; i < _values.Length; i++) destination[i] = high + _values[i];
    }

    public override void Mark(Span<bool> rows, long offset, int lo, int hi)
    {
        int i = Array.BinarySearch(_values, (ushort)lo);
        if (i < 0) i = ~i;
        for (; i < _values.Length && _values[i] <= hi; i++) rows[(int)(offset + _values[i])] = true;
    }

    public override int SerializedSize => 2 * _values.Length;

    public override void Write(Span<byte> destination)
    {
        for (int i = 0; i < _values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], _values[i]);
    }
}

/// <summary>A 65536-bit bitmap as 1024 little-endian 64-bit words; value j is bit j % 64 of word j / 64.</summary>
internal sealed class BitmapContainer(ulong[] words, int cardinality) : RoaringContainer
{
    private readonly ulong[] _words = words;

    public override int Cardinality { get; } = cardinality;

    public override int Max
    {
        get
        {
            for (int w = _words.Length - 1; w >= 0; w--)
            {
                if (_words[w] != 0) return w * 64 + 63 - BitOperations.LeadingZeroCount(_words[w]);
            }
            return -1;
        }
    }

    public override bool Contains(int low) => (_words[low >> 6] >> (low & 63) & 1) != 0;

    public override void CopyTo(Span<long> destination, long high)
    {
        int o = 0;
        for (int w = 0; w < _words.Length; w++)
        {
            ulong bits = _words[w];
            while (bits != 0)
            {
                destination[o++] = high + w * 64 + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
            }
        }
    }

    public override void Mark(Span<bool> rows, long offset, int lo, int hi)
    {
        int firstWord = lo >> 6, lastWord = hi >> 6;
        for (int w = firstWord; w <= lastWord; w++)
        {
            ulong bits = _words[w];
            if (w == firstWord) bits &= ulong.MaxValue << (lo & 63);
            if (w == lastWord && (hi & 63) != 63) bits &= (1UL << ((hi & 63) + 1)) - 1;
            while (bits != 0)
            {
                rows[(int)(offset + w * 64 + BitOperations.TrailingZeroCount(bits))] = true;
                bits &= bits - 1;
            }
        }
    }

    public override int SerializedSize => BitmapBytes;

    public override void Write(Span<byte> destination)
    {
        for (int w = 0; w < _words.Length; w++) BinaryPrimitives.WriteUInt64LittleEndian(destination[(8 * w)..], _words[w]);
    }
}

/// <summary>Runs as (start, length - 1) pairs, sorted and non-overlapping.</summary>
internal sealed class RunContainer(ushort[] pairs, int cardinality) : RoaringContainer
{
    private readonly ushort[] _pairs = pairs;

    private int RunCount => _pairs.Length / 2;
    public override int Cardinality { get; } = cardinality;
    public override int Max => _pairs[^2] + _pairs[^1];

    public override bool Contains(int low)
    {
        // The last run starting at or before low.
        int lo = 0, hi = RunCount - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_pairs[2 * mid] <= low) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found >= 0 && low <= _pairs[2 * found] + _pairs[2 * found + 1];
    }

    public override void CopyTo(Span<long> destination, long high)
    {
        int o = 0;
        for (int r = 0; r < RunCount; r++)
        {
            int start = _pairs[2 * r], end = start + _pairs[2 * r + 1];
            for (int v = start; v <= end; v++) destination[o++] = high + v;
        }
    }

    public override void Mark(Span<bool> rows, long offset, int lo, int hi)
    {
        for (int r = 0; r < RunCount; r++)
        {
            int start = Math.Max((int)_pairs[2 * r], lo), end = Math.Min(_pairs[2 * r] + _pairs[2 * r + 1], hi);
            if (start > hi) break;
            if (start <= end) rows.Slice((int)(offset + start), end - start + 1).Fill(true);
        }
    }

    public override int SerializedSize => 2 + 2 * _pairs.Length;

    public override void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)RunCount);
        for (int i = 0; i < _pairs.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 + 2 * i)..], _pairs[i]);
    }
}
