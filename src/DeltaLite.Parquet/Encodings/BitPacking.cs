using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeltaLite.Parquet.Encodings;

/// <summary>
/// Little-endian (LSB-first) bit packing shared by the RLE/bit-packing hybrid and DELTA_BINARY_PACKED:
/// value i occupies bits [i*w, (i+1)*w) of the byte stream, bit 0 being the least significant bit of byte 0.
/// Callers check bounds: every method here needs exactly ceil(count*width/8) bytes of input or output.
/// </summary>
internal static class BitPacking
{
    /// <summary>Bytes that hold <paramref name="count"/> values of <paramref name="bitWidth"/> bits.</summary>
    public static long ByteCount(long count, int bitWidth) => (count * bitWidth + 7) >> 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read64(ref byte b, int index)
    {
        ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, index));
        return BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    }

    /// <summary>
    /// Unpacks dst.Length values of <paramref name="bitWidth"/> (0..32) bits from the start of <paramref name="src"/>,
    /// which must hold at least ceil(dst.Length*bitWidth/8) bytes. 32-bit values land in dst as their two's-complement int.
    /// </summary>
    public static void Unpack32(ReadOnlySpan<byte> src, int bitWidth, Span<int> dst)
    {
        int n = dst.Length;
        if (n == 0) return;
        if ((ulong)src.Length < (ulong)ByteCount(n, bitWidth) || (uint)bitWidth > 32)
            throw new ArgumentException("Bit-packed input is shorter than the values requested.", nameof(src));
        switch (bitWidth)
        {
            case 0:
                dst.Clear();
                return;
            case 1:
                UnpackWidth1(src, dst);
                return;
            case 8:
                for (int i = 0; i < n; i++) dst[i] = src[i];
                return;
            case 16:
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(i * 2, 2));
                return;
            case 32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, int>(src[..(n * 4)]).CopyTo(dst);
                }
                else
                {
                    for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src.Slice(i * 4, 4));
                }
                return;
        }

        ulong mask = (1UL << bitWidth) - 1;
        ref byte b = ref MemoryMarshal.GetReference(src);
        int i2 = 0;
        // Groups of 8 values occupy exactly bitWidth bytes; a group whose last value can be read with a full
        // 8-byte load (start byte + bitWidth - 1 + 8 <= length) takes the fast path.
        int groupBase = 0;
        while (i2 + 8 <= n && groupBase + bitWidth + 7 <= src.Length)
        {
            long bit = (long)groupBase * 8;
            for (int k = 0; k < 8; k++)
            {
                int byteIndex = (int)(bit >> 3);
                dst[i2 + k] = (int)((Read64(ref b, byteIndex) >> (int)(bit & 7)) & mask);
                bit += bitWidth;
            }
            i2 += 8;
            groupBase += bitWidth;
        }
        for (; i2 < n; i2++)
        {
            dst[i2] = (int)ReadBitsSlow(src, (long)i2 * bitWidth, bitWidth);
        }
    }

    private static void UnpackWidth1(ReadOnlySpan<byte> src, Span<int> dst)
    {
        int n = dst.Length;
        int i = 0;
        int byteIndex = 0;
        for (; i + 8 <= n; i += 8, byteIndex++)
        {
            int v = src[byteIndex];
            dst[i] = v & 1;
            dst[i + 1] = (v >> 1) & 1;
            dst[i + 2] = (v >> 2) & 1;
            dst[i + 3] = (v >> 3) & 1;
            dst[i + 4] = (v >> 4) & 1;
            dst[i + 5] = (v >> 5) & 1;
            dst[i + 6] = (v >> 6) & 1;
            dst[i + 7] = (v >> 7) & 1;
        }
        if (i < n)
        {
            int v = src[byteIndex];
            for (int k = 0; i < n; i++, k++) dst[i] = (v >> k) & 1;
        }
    }

    /// <summary>
    /// Unpacks dst.Length values of <paramref name="bitWidth"/> (0..64) bits from the start of <paramref name="src"/>,
    /// which must hold at least ceil(dst.Length*bitWidth/8) bytes. 64-bit values land as their two's-complement long.
    /// </summary>
    public static void Unpack64(ReadOnlySpan<byte> src, int bitWidth, Span<long> dst)
    {
        int n = dst.Length;
        if (n == 0) return;
        if ((ulong)src.Length < (ulong)ByteCount(n, bitWidth) || (uint)bitWidth > 64)
            throw new ArgumentException("Bit-packed input is shorter than the values requested.", nameof(src));
        if (bitWidth == 0)
        {
            dst.Clear();
            return;
        }
        ulong mask = bitWidth == 64 ? ulong.MaxValue : (1UL << bitWidth) - 1;
        ref byte b = ref MemoryMarshal.GetReference(src);
        long bit = 0;
        int i = 0;
        // Fast path while 9 bytes can be loaded at the value's first byte (covers shift + width <= 71 bits).
        for (; i < n; i++, bit += bitWidth)
        {
            int byteIndex = (int)(bit >> 3);
            if (byteIndex + 9 > src.Length) break;
            int shift = (int)(bit & 7);
            ulong v = Read64(ref b, byteIndex) >> shift;
            if (shift + bitWidth > 64) v |= (ulong)Unsafe.Add(ref b, byteIndex + 8) << (64 - shift);
            dst[i] = (long)(v & mask);
        }
        for (; i < n; i++, bit += bitWidth)
        {
            dst[i] = (long)ReadBitsSlow(src, bit, bitWidth);
        }
    }

    /// <summary>Reads one value of up to 64 bits starting at bit <paramref name="bit"/>, byte by byte.</summary>
    private static ulong ReadBitsSlow(ReadOnlySpan<byte> src, long bit, int bitWidth)
    {
        int byteIndex = (int)(bit >> 3);
        int shift = (int)(bit & 7);
        int needed = (shift + bitWidth + 7) >> 3;
        ulong acc = 0;
        int low = Math.Min(needed, 8);
        for (int j = 0; j < low; j++) acc |= (ulong)src[byteIndex + j] << (8 * j);
        ulong v = acc >> shift;
        if (needed > 8) v |= (ulong)src[byteIndex + 8] << (64 - shift);
        return bitWidth == 64 ? v : v & ((1UL << bitWidth) - 1);
    }

    /// <summary>
    /// Packs <paramref name="values"/> (each already known to fit in <paramref name="bitWidth"/> bits, 0..32) into the
    /// first ceil(count*bitWidth/8) bytes of <paramref name="dst"/>; the unused high bits of the last byte are zero.
    /// </summary>
    public static void Pack32(ReadOnlySpan<int> values, int bitWidth, Span<byte> dst)
    {
        if (bitWidth == 0 || values.Length == 0) return;
        ulong acc = 0;
        int bits = 0;
        int o = 0;
        ulong mask = bitWidth == 32 ? uint.MaxValue : (1UL << bitWidth) - 1;
        for (int i = 0; i < values.Length; i++)
        {
            acc |= ((ulong)(uint)values[i] & mask) << bits;
            bits += bitWidth;
            while (bits >= 8)
            {
                dst[o++] = (byte)acc;
                acc >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) dst[o] = (byte)acc;
    }

    /// <summary>As <see cref="Pack32"/> for widths 0..64.</summary>
    public static void Pack64(ReadOnlySpan<long> values, int bitWidth, Span<byte> dst)
    {
        if (bitWidth == 0 || values.Length == 0) return;
        ulong mask = bitWidth == 64 ? ulong.MaxValue : (1UL << bitWidth) - 1;
        ulong acc = 0; // fewer than 8 pending bits between values
        int bits = 0;
        int o = 0;
        for (int i = 0; i < values.Length; i++)
        {
            ulong v = (ulong)values[i] & mask;
            ulong lo = acc | (v << bits);
            ulong hi = bits == 0 ? 0 : v >> (64 - bits);
            int total = bits + bitWidth;
            while (total >= 8)
            {
                dst[o++] = (byte)lo;
                lo = (lo >> 8) | (hi << 56);
                hi >>= 8;
                total -= 8;
            }
            acc = lo;
            bits = total;
        }
        if (bits > 0) dst[o] = (byte)acc;
    }
}
