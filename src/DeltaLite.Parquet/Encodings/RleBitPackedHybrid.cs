using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace DeltaLite.Parquet.Encodings;

/// <summary>
/// The RLE / bit-packing hybrid (encoding RLE = 3) used for levels, dictionary indices and booleans.
/// These methods handle the run data only; any 4-byte length prefix is the caller's business.
/// </summary>
internal static class RleBitPackedHybrid
{
    private const string Name = "RLE/bit-packed hybrid";

    /// <summary>Shortest run of equal values written as an RLE run by <see cref="Encode"/>.</summary>
    private const int MinRleRun = 8;

    /// <summary>
    /// Decodes exactly dst.Length values of <paramref name="bitWidth"/> bits and returns the bytes consumed.
    /// A final bit-packed run may declare more values than needed (group padding); its bytes beyond those holding the
    /// needed values may be absent, in which case everything left is consumed.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> src, int bitWidth, Span<int> dst)
    {
        if ((uint)bitWidth > 32)
            throw EncodingErrors.At(Name, 0, $"bit width {bitWidth} is outside 0..32");
        int valueBytes = (bitWidth + 7) >> 3;
        int filled = 0;
        int pos = 0;
        while (filled < dst.Length)
        {
            if (pos >= src.Length)
                throw EncodingErrors.At(Name, pos, $"input ended after {filled} of {dst.Length} values");
            int headerPos = pos;
            ulong header = Varint.ReadUInt64(src, ref pos, 0, Name, "run header");
            if (header > uint.MaxValue)
                throw EncodingErrors.At(Name, headerPos, $"run header {header} exceeds 32 bits");
            int remaining = dst.Length - filled;
            // Runs of length zero are tolerated: their header consumed at least one byte, so the loop progresses.
            if ((header & 1) != 0)
            {
                long declaredValues = (long)(header >> 1) * 8;
                long declaredBytes = (long)(header >> 1) * bitWidth;
                int take = (int)Math.Min(declaredValues, remaining);
                long neededBytes = BitPacking.ByteCount(take, bitWidth);
                int available = src.Length - pos;
                if (neededBytes > available)
                    throw EncodingErrors.Truncated(Name, pos, neededBytes, available,
                        $"a bit-packed run of {declaredValues} values ({filled} of {dst.Length} values decoded so far)");
                int runBytes = (int)Math.Min(declaredBytes, available);
                BitPacking.Unpack32(src.Slice(pos, runBytes), bitWidth, dst.Slice(filled, take));
                pos += runBytes;
                filled += take;
            }
            else
            {
                long runLength = (long)(header >> 1);
                int available = src.Length - pos;
                if (valueBytes > available)
                    throw EncodingErrors.Truncated(Name, pos, valueBytes, available, "the value of an RLE run");
                uint value = 0;
                for (int k = 0; k < valueBytes; k++) value |= (uint)src[pos + k] << (8 * k);
                if (bitWidth < 32 && (value >> bitWidth) != 0)
                    throw EncodingErrors.At(Name, pos, $"RLE run value {value} does not fit in {bitWidth} bits");
                pos += valueBytes;
                int take = (int)Math.Min(runLength, remaining);
                dst.Slice(filled, take).Fill((int)value);
                filled += take;
            }
        }
        return pos;
    }

    /// <summary>
    /// Appends the hybrid encoding of <paramref name="values"/> (no length prefix): runs of at least 8 equal values become
    /// RLE runs, everything else bit-packed groups of 8 (the last group padded with zeros).
    /// Every value must fit in <paramref name="bitWidth"/> bits (treated as unsigned when the width is 32).
    /// </summary>
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, ArrayBufferWriter<byte> dst)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)bitWidth, 32u, nameof(bitWidth));
        ArgumentNullException.ThrowIfNull(dst);
        if (bitWidth < 32)
        {
            int all = 0;
            foreach (int v in values) all |= v;
            if (((uint)all >> bitWidth) != 0)
                throw new ArgumentOutOfRangeException(nameof(values), $"A value does not fit in {bitWidth} bits.");
        }

        // Scans aligned groups of 8 (aligned to the start of the pending literal stretch): a group of 8 equal values
        // starts an RLE run that extends as far as the value repeats; any other group joins the literal stretch.
        // This equals borrowing from a run to close the last literal group, at one vector compare per 8 values.
        int n = values.Length;
        int literalStart = 0;
        int g = 0;
        while (g + 8 <= n)
        {
            int v = values[g];
            if (!AllEqual8(values.Slice(g, 8), v))
            {
                g += 8;
                continue;
            }
            int other = values[(g + 8)..].IndexOfAnyExcept(v);
            int end = other < 0 ? n : g + 8 + other;
            if (g > literalStart) WriteBitPacked(values[literalStart..g], bitWidth, dst);
            WriteRle(v, end - g, bitWidth, dst);
            literalStart = g = end;
        }
        if (literalStart < n) WriteBitPacked(values[literalStart..], bitWidth, dst);
    }

    private static bool AllEqual8(ReadOnlySpan<int> group, int value)
    {
        if (Vector256.IsHardwareAccelerated) return Vector256.EqualsAll(Vector256.Create(group), Vector256.Create(value));
        foreach (int x in group) if (x != value) return false;
        return true;
    }

    private static void WriteRle(int value, int count, int bitWidth, ArrayBufferWriter<byte> dst)
    {
        Varint.WriteUInt64((ulong)count << 1, dst);
        int valueBytes = (bitWidth + 7) >> 3;
        if (valueBytes == 0) return;
        Span<byte> span = dst.GetSpan(valueBytes);
        for (int k = 0; k < valueBytes; k++) span[k] = (byte)((uint)value >> (8 * k));
        dst.Advance(valueBytes);
    }

    /// <summary>Writes one bit-packed run of all <paramref name="values"/>, zero-padded to a multiple of 8.</summary>
    private static void WriteBitPacked(ReadOnlySpan<int> values, int bitWidth, ArrayBufferWriter<byte> dst)
    {
        int groups = (values.Length + 7) >> 3;
        Varint.WriteUInt64(((ulong)groups << 1) | 1, dst);
        if (bitWidth == 0) return;
        int fullGroupValues = (values.Length >> 3) << 3;
        int fullBytes = (fullGroupValues >> 3) * bitWidth;
        if (fullGroupValues > 0)
        {
            Span<byte> span = dst.GetSpan(fullBytes);
            BitPacking.Pack32(values[..fullGroupValues], bitWidth, span);
            dst.Advance(fullBytes);
        }
        int rest = values.Length - fullGroupValues;
        if (rest > 0)
        {
            Span<int> group = stackalloc int[8];
            group.Clear();
            values[fullGroupValues..].CopyTo(group);
            Span<byte> span = dst.GetSpan(bitWidth);
            BitPacking.Pack32(group, bitWidth, span);
            dst.Advance(bitWidth);
        }
    }

    /// <summary>Number of bits needed for values 0..<paramref name="maxValue"/> (0 when it is 0).</summary>
    public static int BitWidth(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return 32 - BitOperations.LeadingZeroCount((uint)maxValue);
    }
}
