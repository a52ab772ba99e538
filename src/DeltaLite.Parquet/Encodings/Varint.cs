using System.Buffers;

namespace DeltaLite.Parquet.Encodings;

/// <summary>ULEB128 and zigzag variable-length integers as used by the hybrid and delta encodings.</summary>
internal static class Varint
{
    /// <summary>Longest ULEB128 encoding of a 64-bit value.</summary>
    public const int MaxBytes64 = 10;

    /// <summary>
    /// Reads one ULEB128 value of at most 64 bits at <paramref name="pos"/> and advances it.
    /// <paramref name="baseOffset"/> is added to positions in error messages.
    /// </summary>
    public static ulong ReadUInt64(ReadOnlySpan<byte> src, ref int pos, int baseOffset, string encoding, string field)
    {
        int start = pos;
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            if ((uint)pos >= (uint)src.Length)
                throw EncodingErrors.At(encoding, (long)baseOffset + start, $"the {field} varint is truncated");
            byte b = src[pos++];
            if (shift == 63 && b > 1)
                throw EncodingErrors.At(encoding, (long)baseOffset + start, $"the {field} varint does not fit in 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
            shift += 7;
        }
    }

    /// <summary>Reads a zigzag ULEB128 value of at most 64 bits.</summary>
    public static long ReadZigZag64(ReadOnlySpan<byte> src, ref int pos, int baseOffset, string encoding, string field)
    {
        ulong u = ReadUInt64(src, ref pos, baseOffset, encoding, field);
        return (long)(u >> 1) ^ -(long)(u & 1);
    }

    /// <summary>Appends <paramref name="value"/> as ULEB128.</summary>
    public static void WriteUInt64(ulong value, ArrayBufferWriter<byte> dst)
    {
        Span<byte> span = dst.GetSpan(MaxBytes64);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        dst.Advance(n);
    }

    /// <summary>Appends <paramref name="value"/> as zigzag ULEB128. An INT32 sign-extended to 64 bits gives the same bytes as 32-bit zigzag.</summary>
    public static void WriteZigZag64(long value, ArrayBufferWriter<byte> dst) =>
        WriteUInt64((ulong)((value << 1) ^ (value >> 63)), dst);
}
