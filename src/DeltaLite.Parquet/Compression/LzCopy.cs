using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// Byte moves shared by the LZ77-family codecs (Snappy, LZ4). Callers have already checked that the
/// source and the destination ranges they name are inside their buffers; the fast paths may write up to
/// 15 bytes past the requested end, and only do so when the caller's output has that much room.
/// </summary>
internal static unsafe class LzCopy
{
    /// <summary>Bytes a fast path may write beyond the end of the requested range.</summary>
    public const int Slack = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy16(byte* dst, byte* src) =>
        Vector128.Store(Vector128.Load(src), dst);

    /// <summary>
    /// Appends <paramref name="length"/> bytes at <paramref name="op"/> copied from <paramref name="offset"/> bytes
    /// back, where the ranges may overlap (a run). Requires 1 &lt;= offset &lt;= bytes already written and
    /// op + length &lt;= opEnd.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyMatch(byte* op, byte* opEnd, nuint offset, nuint length)
    {
        byte* from = op - offset;
        byte* end = op + length;
        if ((nuint)(opEnd - end) < Slack)
        {
            CopyBytewise(op, from, length);
            return;
        }
        if (offset >= 16)
        {
            if (length > 64 && offset >= length)
            {
                Buffer.MemoryCopy(from, op, length, length);
                return;
            }
            do
            {
                Copy16(op, from);
                op += 16;
                from += 16;
            }
            while (op < end);
            return;
        }
        // A distance under 8 bytes: write the repeating pattern 8 bytes at a time, keeping only the
        // correct part of each write, which doubles the distance until whole words can be copied.
        while (op - from < 8)
        {
            Unsafe.WriteUnaligned(op, Unsafe.ReadUnaligned<ulong>(from));
            op += op - from;
        }
        while (op < end)
        {
            Unsafe.WriteUnaligned(op, Unsafe.ReadUnaligned<ulong>(from));
            op += 8;
            from += 8;
        }
    }

    private static void CopyBytewise(byte* op, byte* from, nuint length)
    {
        for (nuint i = 0; i < length; i++) op[i] = from[i];
    }

    /// <summary>Number of equal bytes at <paramref name="a"/> and <paramref name="b"/> (b &lt; a), not reading at or past <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MatchLength(byte* a, byte* b, byte* end)
    {
        byte* start = a;
        while (end - a >= 8)
        {
            ulong diff = Unsafe.ReadUnaligned<ulong>(a) ^ Unsafe.ReadUnaligned<ulong>(b);
            if (diff != 0)
            {
                int same = BitConverter.IsLittleEndian ? BitOperations.TrailingZeroCount(diff) : BitOperations.LeadingZeroCount(diff);
                return (int)(a - start) + (same >> 3);
            }
            a += 8;
            b += 8;
        }
        while (a < end && *a == *b)
        {
            a++;
            b++;
        }
        return (int)(a - start);
    }
}
