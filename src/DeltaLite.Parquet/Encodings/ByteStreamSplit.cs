using System.Buffers;

namespace DeltaLite.Parquet.Encodings;

/// <summary>
/// BYTE_STREAM_SPLIT (= 9): byte k of every value goes to stream k; the streams follow one another.
/// Works for any value width (4 and 8 for the numeric types, the column width for FIXED_LEN_BYTE_ARRAY).
/// </summary>
internal static class ByteStreamSplit
{
    private const string Name = "BYTE_STREAM_SPLIT";

    /// <summary>
    /// Decodes <paramref name="count"/> values of <paramref name="width"/> bytes into dst (count*width bytes, values in
    /// their normal little-endian order). <paramref name="src"/> must be exactly the encoded streams of the page: its
    /// length divided by the width is the stream length, of which the first <paramref name="count"/> values are read.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> src, int count, int width, Span<byte> dst)
    {
        if (count < 0) throw EncodingErrors.NegativeCount(Name, count);
        if (width <= 0) throw EncodingErrors.At(Name, 0, $"value width {width} is not positive");
        if (src.Length % width != 0)
            throw EncodingErrors.At(Name, src.Length - src.Length % width,
                $"the {src.Length} encoded bytes are not a whole number of {width}-byte values");
        int stride = src.Length / width;
        if (count > stride)
            throw EncodingErrors.Truncated(Name, 0, (long)count * width, src.Length, $"{count} values of {width} bytes");
        int needed = count * width;
        if (dst.Length < needed)
            throw new ArgumentException($"The destination holds {dst.Length} bytes but {needed} are decoded.", nameof(dst));
        switch (width)
        {
            case 4:
                {
                    ReadOnlySpan<byte> s0 = src.Slice(0, count), s1 = src.Slice(stride, count);
                    ReadOnlySpan<byte> s2 = src.Slice(2 * stride, count), s3 = src.Slice(3 * stride, count);
                    Span<byte> d = dst[..needed];
                    for (int i = 0, o = 0; i < count; i++, o += 4)
                    {
                        d[o] = s0[i];
                        d[o + 1] = s1[i];
                        d[o + 2] = s2[i];
                        d[o + 3] = s3[i];
                    }
                    return;
                }
            case 8:
                {
                    ReadOnlySpan<byte> s0 = src.Slice(0, count), s1 = src.Slice(stride, count);
                    ReadOnlySpan<byte> s2 = src.Slice(2 * stride, count), s3 = src.Slice(3 * stride, count);
                    ReadOnlySpan<byte> s4 = src.Slice(4 * stride, count), s5 = src.Slice(5 * stride, count);
                    ReadOnlySpan<byte> s6 = src.Slice(6 * stride, count), s7 = src.Slice(7 * stride, count);
                    Span<byte> d = dst[..needed];
                    for (int i = 0, o = 0; i < count; i++, o += 8)
                    {
                        d[o] = s0[i];
                        d[o + 1] = s1[i];
                        d[o + 2] = s2[i];
                        d[o + 3] = s3[i];
                        d[o + 4] = s4[i];
                        d[o + 5] = s5[i];
                        d[o + 6] = s6[i];
                        d[o + 7] = s7[i];
                    }
                    return;
                }
            default:
                for (int k = 0; k < width; k++)
                {
                    ReadOnlySpan<byte> stream = src.Slice(k * stride, count);
                    for (int i = 0, o = k; i < count; i++, o += width) dst[o] = stream[i];
                }
                return;
        }
    }

    /// <summary>Appends <paramref name="count"/> values of <paramref name="width"/> bytes (values holds them back to back) split into streams.</summary>
    public static void Encode(ReadOnlySpan<byte> values, int count, int width, ArrayBufferWriter<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long total = (long)count * width;
        if (values.Length < total)
            throw new ArgumentException($"{count} values of {width} bytes need {total} bytes but {values.Length} were given.", nameof(values));
        if (total == 0) return;
        Span<byte> span = dst.GetSpan((int)total)[..(int)total];
        for (int k = 0; k < width; k++)
        {
            Span<byte> stream = span.Slice(k * count, count);
            for (int i = 0, o = k; i < count; i++, o += width) stream[i] = values[o];
        }
        dst.Advance((int)total);
    }
}
