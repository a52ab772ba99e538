using System.Buffers;

namespace DeltaLite.Parquet.Encodings;

/// <summary>
/// DELTA_BYTE_ARRAY (= 7), front coding: the length of the prefix shared with the previous value as a
/// DELTA_BINARY_PACKED stream, then the remaining suffixes as DELTA_LENGTH_BYTE_ARRAY.
/// </summary>
internal static class DeltaByteArray
{
    private const string Name = "DELTA_BYTE_ARRAY";

    /// <summary>Decodes <paramref name="count"/> byte arrays into <paramref name="dst"/>; returns bytes consumed.</summary>
    public static int Decode(ReadOnlySpan<byte> src, int count, ByteArrayBuilder dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        if (count < 0) throw EncodingErrors.NegativeCount(Name, count);
        var header = DeltaBinaryPacked.ReadHeader(src, 0);
        DeltaBinaryPacked.EnsureCouldHold(src, header, count, 0);
        if (count >= Array.MaxLength)
            throw EncodingErrors.At(Name, 0, $"value count {count} is larger than any buffer can hold");
        int[] prefixBuffer = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        int[] suffixBuffer = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        byte[]? scratch = null;
        try
        {
            Span<int> prefixes = prefixBuffer.AsSpan(0, count);
            Span<int> suffixes = suffixBuffer.AsSpan(0, count);
            int suffixStart = DeltaBinaryPacked.DecodeInt32(src, prefixes, consumeAll: true, 0);
            int dataStart = suffixStart + DeltaLengthByteArray.ReadLengths(src[suffixStart..], suffixes, suffixStart, out _);

            // Check every prefix against the previous value and size the output before appending anything.
            long total = 0;
            int previousLength = 0;
            int longest = 0;
            for (int i = 0; i < count; i++)
            {
                int prefix = prefixes[i];
                if (prefix < 0 || prefix > previousLength)
                    throw EncodingErrors.At(Name, 0,
                        $"prefix length {prefix} of value {i} is outside 0..{previousLength} (the previous value's length)");
                long length = (long)prefix + suffixes[i];
                if (length > Array.MaxLength)
                    throw EncodingErrors.At(Name, 0, $"value {i} would be {length} bytes long");
                previousLength = (int)length;
                longest = Math.Max(longest, previousLength);
                total += length;
            }
            if (total > Array.MaxLength)
                throw EncodingErrors.At(Name, 0, $"the {count} values would take {total} bytes, more than one buffer can hold");

            dst.Reserve(count, (int)total);
            scratch = ArrayPool<byte>.Shared.Rent(Math.Max(longest, 1));
            int pos = dataStart;
            for (int i = 0; i < count; i++)
            {
                int prefix = prefixes[i];
                int suffix = suffixes[i];
                // scratch holds the previous value; its first `prefix` bytes are the shared part.
                src.Slice(pos, suffix).CopyTo(scratch.AsSpan(prefix));
                pos += suffix;
                dst.Append(scratch.AsSpan(0, prefix + suffix));
            }
            return pos;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(prefixBuffer);
            ArrayPool<int>.Shared.Return(suffixBuffer);
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Appends <paramref name="count"/> values given as offsets into <paramref name="data"/>.</summary>
    public static void Encode(ReadOnlySpan<int> offsets, ReadOnlySpan<byte> data, int count, ArrayBufferWriter<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(dst);
        ValueSpans.Validate(offsets, data, count);
        int[] prefixBuffer = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        int[] suffixBuffer = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        try
        {
            Span<int> prefixes = prefixBuffer.AsSpan(0, count);
            Span<int> suffixes = suffixBuffer.AsSpan(0, count);
            ReadOnlySpan<byte> previous = default;
            long suffixBytes = 0;
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> value = data[offsets[i]..offsets[i + 1]];
                int prefix = value.CommonPrefixLength(previous);
                prefixes[i] = prefix;
                suffixes[i] = value.Length - prefix;
                suffixBytes += value.Length - prefix;
                previous = value;
            }
            DeltaBinaryPacked.EncodeInt32(prefixes, dst);
            DeltaBinaryPacked.EncodeInt32(suffixes, dst);
            if (suffixBytes == 0) return;
            Span<byte> span = dst.GetSpan((int)suffixBytes);
            int o = 0;
            for (int i = 0; i < count; i++)
            {
                data.Slice(offsets[i + 1] - suffixes[i], suffixes[i]).CopyTo(span[o..]);
                o += suffixes[i];
            }
            dst.Advance(o);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(prefixBuffer);
            ArrayPool<int>.Shared.Return(suffixBuffer);
        }
    }
}
