using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace DeltaLite.Parquet.Encodings;

/// <summary>
/// DELTA_BINARY_PACKED (= 5) for INT32 and INT64: a header (block size, miniblocks per block, total count, first
/// value) then blocks of (min delta, miniblock bit widths, bit-packed miniblocks). All arithmetic wraps.
/// </summary>
internal static class DeltaBinaryPacked
{
    private const string Name = "DELTA_BINARY_PACKED";

    /// <summary>Block size written by the encoders (as parquet-mr and Arrow do).</summary>
    private const int EncodeBlockSize = 128;

    /// <summary>Miniblocks per block written by the encoders.</summary>
    private const int EncodeMiniblocks = 4;

    private const int EncodeValuesPerMiniblock = EncodeBlockSize / EncodeMiniblocks;

    /// <summary>Parsed stream header.</summary>
    internal readonly record struct Header(int BlockSize, int MiniblockCount, int TotalCount, long FirstValue, int End)
    {
        public int ValuesPerMiniblock => BlockSize / MiniblockCount;
    }

    /// <summary>Decodes dst.Length INT32 values (the header may declare more); returns the end of the last miniblock used.</summary>
    public static int DecodeInt32(ReadOnlySpan<byte> src, Span<int> dst) => Decode(src, dst, consumeAll: false, 0);

    /// <summary>Decodes dst.Length INT64 values (the header may declare more); returns the end of the last miniblock used.</summary>
    public static int DecodeInt64(ReadOnlySpan<byte> src, Span<long> dst) => Decode(src, dst, consumeAll: false, 0);

    /// <summary>
    /// As <see cref="DecodeInt32(ReadOnlySpan{byte}, Span{int})"/>; with <paramref name="consumeAll"/> the returned
    /// position is the end of the whole stream (all values the header declares), which is where data following it starts.
    /// <paramref name="baseOffset"/> is added to offsets in error messages.
    /// </summary>
    internal static int DecodeInt32(ReadOnlySpan<byte> src, Span<int> dst, bool consumeAll, int baseOffset) =>
        Decode(src, dst, consumeAll, baseOffset);

    /// <summary>The INT64 counterpart of <see cref="DecodeInt32(ReadOnlySpan{byte}, Span{int}, bool, int)"/>.</summary>
    internal static int DecodeInt64(ReadOnlySpan<byte> src, Span<long> dst, bool consumeAll, int baseOffset) =>
        Decode(src, dst, consumeAll, baseOffset);

    /// <summary>Reads only the header and returns the total value count it declares.</summary>
    public static int ReadTotalCount(ReadOnlySpan<byte> src) => ReadHeader(src, 0).TotalCount;

    /// <summary>
    /// Parses and validates the header. The spec asks writers for a block size that is a multiple of 128 and
    /// miniblocks of a multiple of 32 values; reading only needs miniblocks of a multiple of 8 values (so that each one
    /// ends on a byte boundary), and accepting that also decodes the spec's own worked examples (block size 8).
    /// </summary>
    internal static Header ReadHeader(ReadOnlySpan<byte> src, int baseOffset)
    {
        int pos = 0;
        ulong blockSize = Varint.ReadUInt64(src, ref pos, baseOffset, Name, "block size");
        if (blockSize == 0 || blockSize % 8 != 0 || blockSize > int.MaxValue)
            throw EncodingErrors.At(Name, baseOffset, $"block size {blockSize} is not a positive multiple of 8 that fits in 32 bits");
        int miniPos = pos;
        ulong miniblocks = Varint.ReadUInt64(src, ref pos, baseOffset, Name, "miniblock count");
        if (miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 8 != 0)
            throw EncodingErrors.At(Name, (long)baseOffset + miniPos,
                $"miniblock count {miniblocks} does not divide block size {blockSize} into miniblocks of a multiple of 8 values");
        int totalPos = pos;
        ulong total = Varint.ReadUInt64(src, ref pos, baseOffset, Name, "total value count");
        if (total > int.MaxValue)
            throw EncodingErrors.At(Name, (long)baseOffset + totalPos, $"total value count {total} exceeds {int.MaxValue}");
        long first = Varint.ReadZigZag64(src, ref pos, baseOffset, Name, "first value");
        return new Header((int)blockSize, (int)miniblocks, (int)total, first, pos);
    }

    /// <summary>
    /// Throws unless the stream at <paramref name="src"/> could hold <paramref name="count"/> values: every block needs at
    /// least its min delta byte and its bit width bytes. Lets callers size buffers from counts before decoding.
    /// </summary>
    internal static void EnsureCouldHold(ReadOnlySpan<byte> src, Header header, long count, int baseOffset)
    {
        if (count <= 1) return;
        long blocks = (count - 1 + header.BlockSize - 1) / header.BlockSize;
        long minimum = blocks * (1 + (long)header.MiniblockCount);
        long available = src.Length - header.End;
        if (minimum > available)
            throw EncodingErrors.Truncated(Name, (long)baseOffset + header.End, minimum, available,
                $"{count} values (at least {blocks} block(s))");
    }

    private static int Decode<T>(ReadOnlySpan<byte> src, Span<T> dst, bool consumeAll, int baseOffset)
        where T : unmanaged, IBinaryInteger<T>
    {
        // Writers must not use more than 32 bits for INT32, but a writer that computed INT32 deltas in 64 bits can need
        // 33; only the low 32 bits of each delta matter under wrapping arithmetic, so widths up to 64 are read for both.
        const int maxWidth = 64;
        Header h = ReadHeader(src, baseOffset);
        if (h.TotalCount < dst.Length)
            throw EncodingErrors.At(Name, baseOffset, $"the header declares {h.TotalCount} values but {dst.Length} are needed");
        int pos = h.End;
        long walk = (consumeAll ? h.TotalCount : dst.Length) - 1L; // deltas to step over
        long produce = dst.Length - 1L;                             // deltas to write
        T last = T.CreateTruncating(h.FirstValue);
        if (dst.Length > 0) dst[0] = last;
        int perMini = h.ValuesPerMiniblock;
        long done = 0;
        while (done < walk)
        {
            T minDelta = T.CreateTruncating(Varint.ReadZigZag64(src, ref pos, baseOffset, Name, "min delta"));
            if (src.Length - pos < h.MiniblockCount)
                throw EncodingErrors.Truncated(Name, (long)baseOffset + pos, h.MiniblockCount, src.Length - pos, "miniblock bit widths");
            int widthsPos = pos;
            pos += h.MiniblockCount;
            for (int m = 0; m < h.MiniblockCount && done < walk; m++)
            {
                int bitWidth = src[widthsPos + m];
                if (bitWidth > maxWidth)
                    throw EncodingErrors.At(Name, (long)baseOffset + widthsPos + m, $"miniblock bit width {bitWidth} exceeds {maxWidth}");
                int n = (int)Math.Min(perMini, walk - done);
                long bytes = (long)perMini * bitWidth / 8;
                if (bytes > src.Length - pos)
                    throw EncodingErrors.Truncated(Name, (long)baseOffset + pos, bytes, src.Length - pos,
                        $"a miniblock of {perMini} values at {bitWidth} bits");
                int write = (int)Math.Clamp(produce - done, 0, n);
                if (write > 0)
                {
                    Span<T> target = dst.Slice(1 + (int)done, write);
                    last = ApplyMiniblock(src.Slice(pos, (int)bytes), bitWidth, minDelta, last, target);
                }
                pos += (int)bytes;
                done += n;
            }
        }
        return pos;
    }

    /// <summary>Unpacks target.Length deltas into target and turns them into values; returns the last value.</summary>
    private static T ApplyMiniblock<T>(ReadOnlySpan<byte> packed, int bitWidth, T minDelta, T last, Span<T> target)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (bitWidth == 0)
        {
            for (int k = 0; k < target.Length; k++)
            {
                last = unchecked(last + minDelta);
                target[k] = last;
            }
            return last;
        }
        if (typeof(T) == typeof(int) && bitWidth > 32)
            return ApplyWideInt32Miniblock(packed, bitWidth, minDelta, last, target);
        if (typeof(T) == typeof(int))
            BitPacking.Unpack32(packed, bitWidth, MemoryMarshal.Cast<T, int>(target));
        else
            BitPacking.Unpack64(packed, bitWidth, MemoryMarshal.Cast<T, long>(target));
        for (int k = 0; k < target.Length; k++)
        {
            last = unchecked(last + minDelta + target[k]);
            target[k] = last;
        }
        return last;
    }

    /// <summary>INT32 miniblock packed wider than 32 bits: unpack 64 deltas at a time and keep their low 32 bits.</summary>
    private static T ApplyWideInt32Miniblock<T>(ReadOnlySpan<byte> packed, int bitWidth, T minDelta, T last, Span<T> target)
        where T : unmanaged, IBinaryInteger<T>
    {
        const int Chunk = 64;
        Span<long> wide = stackalloc long[Chunk];
        for (int start = 0; start < target.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, target.Length - start);
            // start is a multiple of 64 values, so the chunk begins on a byte boundary.
            int byteStart = start / 8 * bitWidth;
            Span<long> deltas = wide[..count];
            BitPacking.Unpack64(packed[byteStart..], bitWidth, deltas);
            for (int k = 0; k < count; k++)
            {
                last = unchecked(last + minDelta + T.CreateTruncating(deltas[k]));
                target[start + k] = last;
            }
        }
        return last;
    }

    /// <summary>Appends values with block size 128 and 4 miniblocks of 32, deltas in wrapping 32-bit arithmetic.</summary>
    public static void EncodeInt32(ReadOnlySpan<int> values, ArrayBufferWriter<byte> dst) => Encode(values, dst);

    /// <summary>Appends values with block size 128 and 4 miniblocks of 32, deltas in wrapping 64-bit arithmetic.</summary>
    public static void EncodeInt64(ReadOnlySpan<long> values, ArrayBufferWriter<byte> dst) => Encode(values, dst);

    private static void Encode<T>(ReadOnlySpan<T> values, ArrayBufferWriter<byte> dst)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(dst);
        int n = values.Length;
        Varint.WriteUInt64(EncodeBlockSize, dst);
        Varint.WriteUInt64(EncodeMiniblocks, dst);
        Varint.WriteUInt64((ulong)n, dst);
        Varint.WriteZigZag64(n > 0 ? long.CreateTruncating(values[0]) : 0, dst);
        if (n <= 1) return;

        Span<T> deltas = stackalloc T[EncodeBlockSize];
        Span<byte> widths = stackalloc byte[EncodeMiniblocks];
        T previous = values[0];
        int i = 1;
        while (i < n)
        {
            int count = Math.Min(EncodeBlockSize, n - i);
            T min = unchecked(values[i] - previous);
            for (int k = 0; k < count; k++)
            {
                T value = values[i + k];
                T delta = unchecked(value - previous);
                previous = value;
                deltas[k] = delta;
                if (delta < min) min = delta;
            }
            for (int k = 0; k < count; k++) deltas[k] = unchecked(deltas[k] - min);
            deltas[count..].Clear();
            Varint.WriteZigZag64(long.CreateTruncating(min), dst);

            int usedMiniblocks = (count + EncodeValuesPerMiniblock - 1) / EncodeValuesPerMiniblock;
            int bodyBytes = 0;
            for (int m = 0; m < EncodeMiniblocks; m++)
            {
                int width = 0;
                if (m < usedMiniblocks)
                {
                    T all = T.Zero;
                    foreach (T d in deltas.Slice(m * EncodeValuesPerMiniblock, EncodeValuesPerMiniblock)) all |= d;
                    width = typeof(T) == typeof(int)
                        ? 32 - BitOperations.LeadingZeroCount(uint.CreateTruncating(all))
                        : 64 - BitOperations.LeadingZeroCount(ulong.CreateTruncating(all));
                }
                widths[m] = (byte)width;
                bodyBytes += EncodeValuesPerMiniblock * width / 8;
            }
            Span<byte> span = dst.GetSpan(EncodeMiniblocks + bodyBytes);
            widths.CopyTo(span);
            int o = EncodeMiniblocks;
            for (int m = 0; m < usedMiniblocks; m++)
            {
                int width = widths[m];
                int bytes = EncodeValuesPerMiniblock * width / 8;
                Span<T> mini = deltas.Slice(m * EncodeValuesPerMiniblock, EncodeValuesPerMiniblock);
                if (typeof(T) == typeof(int))
                    BitPacking.Pack32(MemoryMarshal.Cast<T, int>(mini), width, span.Slice(o, bytes));
                else
                    BitPacking.Pack64(MemoryMarshal.Cast<T, long>(mini), width, span.Slice(o, bytes));
                o += bytes;
            }
            dst.Advance(o);
            i += count;
        }
    }
}
