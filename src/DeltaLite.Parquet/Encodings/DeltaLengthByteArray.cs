using System.Buffers;

namespace DeltaLite.Parquet.Encodings;

/// <summary>
/// DELTA_LENGTH_BYTE_ARRAY (= 6): all lengths as one DELTA_BINARY_PACKED stream, then all bytes back to back.
/// </summary>
internal static class DeltaLengthByteArray
{
    private const string Name = "DELTA_LENGTH_BYTE_ARRAY";

    /// <summary>Decodes <paramref name="count"/> byte arrays into <paramref name="dst"/>; returns bytes consumed.</summary>
    public static int Decode(ReadOnlySpan<byte> src, int count, ByteArrayBuilder dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        if (count < 0) throw EncodingErrors.NegativeCount(Name, count);
        if (count >= Array.MaxLength)
            throw EncodingErrors.At(Name, 0, $"value count {count} is larger than any buffer can hold");
        var header = DeltaBinaryPacked.ReadHeader(src, 0);
        DeltaBinaryPacked.EnsureCouldHold(src, header, count, 0);
        int[] lengths = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        try
        {
            Span<int> lengthSpan = lengths.AsSpan(0, count);
            int pos = ReadLengths(src, lengthSpan, 0, out long totalBytes);
            dst.Reserve(count, (int)totalBytes);
            foreach (int length in lengthSpan)
            {
                dst.Append(src.Slice(pos, length));
                pos += length;
            }
            return pos;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(lengths);
        }
    }

    /// <summary>
    /// Decodes the length stream into <paramref name="lengths"/> (its length is the value count), checks every length is
    /// non-negative and that the bytes of all of them follow; returns the position where the bytes start.
    /// <paramref name="baseOffset"/> is added to offsets in error messages.
    /// </summary>
    internal static int ReadLengths(ReadOnlySpan<byte> src, Span<int> lengths, int baseOffset, out long totalBytes)
    {
        var header = DeltaBinaryPacked.ReadHeader(src, baseOffset);
        DeltaBinaryPacked.EnsureCouldHold(src, header, lengths.Length, baseOffset);
        int dataStart = DeltaBinaryPacked.DecodeInt32(src, lengths, consumeAll: true, baseOffset);
        long total = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            int length = lengths[i];
            if (length < 0)
                throw EncodingErrors.At(Name, (long)baseOffset, $"length {length} of value {i} is negative");
            total += length;
        }
        long available = src.Length - dataStart;
        if (total > available)
            throw EncodingErrors.Truncated(Name, (long)baseOffset + dataStart, total, available, $"the bytes of {lengths.Length} values");
        totalBytes = total;
        return dataStart;
    }

    /// <summary>Appends <paramref name="count"/> values given as offsets into <paramref name="data"/>.</summary>
    public static void Encode(ReadOnlySpan<int> offsets, ReadOnlySpan<byte> data, int count, ArrayBufferWriter<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        ValueSpans.Validate(offsets, data, count);
        int[] lengths = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        try
        {
            for (int i = 0; i < count; i++) lengths[i] = offsets[i + 1] - offsets[i];
            DeltaBinaryPacked.EncodeInt32(lengths.AsSpan(0, count), dst);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(lengths);
        }
        if (count == 0) return;
        int total = offsets[count] - offsets[0];
        if (total == 0) return;
        data.Slice(offsets[0], total).CopyTo(dst.GetSpan(total));
        dst.Advance(total);
    }
}
