using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeltaLite.Parquet.Encodings;

/// <summary>
/// The deprecated BIT_PACKED level encoding (= 4): values back to back, most significant bit first, the last byte
/// zero-padded. Unlike the hybrid there is no header; the value count comes from the page.
/// </summary>
internal static class LegacyBitPacked
{
    private const string Name = "BIT_PACKED";

    /// <summary>Decodes dst.Length values of <paramref name="bitWidth"/> (0..32) bits; returns ceil(count*width/8).</summary>
    public static int Decode(ReadOnlySpan<byte> src, int bitWidth, Span<int> dst)
    {
        if ((uint)bitWidth > 32)
            throw EncodingErrors.At(Name, 0, $"bit width {bitWidth} is outside 0..32");
        int n = dst.Length;
        long needed = BitPacking.ByteCount(n, bitWidth);
        if (needed > src.Length)
            throw EncodingErrors.Truncated(Name, 0, needed, src.Length, $"{n} values of {bitWidth} bits");
        if (bitWidth == 0)
        {
            dst.Clear();
            return 0;
        }
        ref byte b = ref MemoryMarshal.GetReference(src);
        long bit = 0;
        int i = 0;
        int right = 64 - bitWidth;
        for (; i < n; i++, bit += bitWidth)
        {
            int byteIndex = (int)(bit >> 3);
            if (byteIndex + 8 > src.Length) break;
            ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, byteIndex));
            if (BitConverter.IsLittleEndian) word = BinaryPrimitives.ReverseEndianness(word);
            dst[i] = (int)((word << (int)(bit & 7)) >> right);
        }
        for (; i < n; i++, bit += bitWidth)
        {
            int byteIndex = (int)(bit >> 3);
            int shift = (int)(bit & 7);
            int bytes = (shift + bitWidth + 7) >> 3;
            ulong word = 0;
            for (int j = 0; j < bytes; j++) word |= (ulong)src[byteIndex + j] << (56 - 8 * j);
            dst[i] = (int)((word << shift) >> right);
        }
        return (int)needed;
    }

    /// <summary>
    /// Appends <paramref name="values"/> (each fitting in <paramref name="bitWidth"/> bits) MSB-first.
    /// Writers should not emit this deprecated encoding; it exists so the decoder can be tested against real output.
    /// </summary>
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, ArrayBufferWriter<byte> dst)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)bitWidth, 32u, nameof(bitWidth));
        ArgumentNullException.ThrowIfNull(dst);
        int total = (int)BitPacking.ByteCount(values.Length, bitWidth);
        if (total == 0) return;
        Span<byte> span = dst.GetSpan(total)[..total];
        ulong mask = (1UL << bitWidth) - 1;
        ulong acc = 0;
        int bits = 0;
        int o = 0;
        foreach (int v in values)
        {
            if (bitWidth < 32 && ((uint)v >> bitWidth) != 0)
                throw new ArgumentOutOfRangeException(nameof(values), $"A value does not fit in {bitWidth} bits.");
            acc = (acc << bitWidth) | ((uint)v & mask);
            bits += bitWidth;
            while (bits >= 8)
            {
                bits -= 8;
                span[o++] = (byte)(acc >> bits);
            }
        }
        if (bits > 0) span[o] = (byte)(acc << (8 - bits));
        dst.Advance(total);
    }
}
