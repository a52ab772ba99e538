using DeltaLite.Parquet.Encodings;
using static DeltaLite.Parquet.Tests.Encodings.EncodingTestSupport;

namespace DeltaLite.Parquet.Tests.Encodings;

public class DeltaBinaryPackedTests
{
    public static readonly int[] DeltaLengths = [0, 1, 2, 7, 8, 9, 31, 32, 33, 127, 128, 129, 1000, 100_003];

    public static TheoryData<string, int> Int32Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string shape in new[] { "random", "sorted", "small", "constant", "extremes", "alternating", "wrapping" })
        {
            foreach (int length in DeltaLengths) data.Add(shape, length);
        }
        return data;
    }

    private static int Seed(string shape) => shape.Length * 31 + shape[0];

    private static int[] Int32Values(string shape, int length)
    {
        var rng = new Random(Seed(shape) ^ length);
        var v = new int[length];
        int running = rng.Next();
        for (int i = 0; i < length; i++)
        {
            v[i] = shape switch
            {
                "random" => rng.Next(int.MinValue, int.MaxValue),
                "sorted" => running += rng.Next(0, 1000),
                "small" => rng.Next(-3, 4),
                "constant" => -17,
                "extremes" => (i % 3) switch { 0 => int.MinValue, 1 => int.MaxValue, _ => 0 },
                "alternating" => i % 2 == 0 ? int.MinValue : int.MaxValue,
                _ => unchecked(int.MaxValue - 5 + i), // climbs through the overflow
            };
        }
        return v;
    }

    private static long[] Int64Values(string shape, int length)
    {
        var rng = new Random(Seed(shape) ^ length ^ 64);
        var v = new long[length];
        long running = rng.NextInt64();
        for (int i = 0; i < length; i++)
        {
            v[i] = shape switch
            {
                "random" => rng.NextInt64(long.MinValue, long.MaxValue),
                "sorted" => running += rng.Next(0, 1_000_000),
                "small" => rng.Next(-3, 4),
                "constant" => long.MinValue,
                "extremes" => (i % 3) switch { 0 => long.MinValue, 1 => long.MaxValue, _ => 0 },
                "alternating" => i % 2 == 0 ? long.MinValue : long.MaxValue,
                _ => unchecked(long.MaxValue - 5 + i),
            };
        }
        return v;
    }

    [Theory]
    [MemberData(nameof(Int32Cases))]
    public void Int32_round_trips(string shape, int length)
    {
        int[] values = Int32Values(shape, length);
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt32(values, w));
        Assert.Equal(length, DeltaBinaryPacked.ReadTotalCount(encoded));
        var decoded = new int[length];
        Assert.Equal(encoded.Length, DeltaBinaryPacked.DecodeInt32([.. encoded, 0x55, 0x55], decoded));
        Assert.True(values.AsSpan().SequenceEqual(decoded), "values differ after a round trip");
    }

    [Theory]
    [MemberData(nameof(Int32Cases))]
    public void Int64_round_trips(string shape, int length)
    {
        long[] values = Int64Values(shape, length);
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt64(values, w));
        Assert.Equal(length, DeltaBinaryPacked.ReadTotalCount(encoded));
        var decoded = new long[length];
        Assert.Equal(encoded.Length, DeltaBinaryPacked.DecodeInt64([.. encoded, 0x55, 0x55], decoded));
        Assert.True(values.AsSpan().SequenceEqual(decoded), "values differ after a round trip");
    }

    [Fact]
    public void Spec_example_1_decodes()
    {
        // Header: block 8, 1 miniblock, 5 values, first value 1 (zigzag 2); block: min delta 1 (zigzag 2), width 0.
        byte[] encoded = [8, 1, 5, 2, 2, 0];
        var decoded = new int[5];
        Assert.Equal(6, DeltaBinaryPacked.DecodeInt32(encoded, decoded));
        Assert.Equal([1, 2, 3, 4, 5], decoded);
        var longs = new long[5];
        DeltaBinaryPacked.DecodeInt64(encoded, longs);
        Assert.Equal([1L, 2, 3, 4, 5], longs);
    }

    [Fact]
    public void Spec_example_2_decodes()
    {
        // Header: block 8, 1 miniblock, 8 values, first 7 (zigzag 14); block: min delta -2 (zigzag 3), width 2,
        // then relative deltas 0,0,0,3,3,3,3 (+1 padding) packed LSB first in 2 bytes.
        byte[] encoded = [8, 1, 8, 14, 3, 2, 0b11000000, 0b00111111];
        var decoded = new int[8];
        Assert.Equal(8, DeltaBinaryPacked.DecodeInt32(encoded, decoded));
        Assert.Equal([7, 5, 3, 1, 2, 3, 4, 5], decoded);
    }

    [Fact]
    public void Encoder_writes_the_parquet_mr_layout()
    {
        // Values 1..5: block 128 (0x80 0x01), 4 miniblocks, 5 values, first 1; min delta 1; widths 0,0,0,0.
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt32([1, 2, 3, 4, 5], w));
        Assert.Equal([0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0], encoded);
        // A single value has no block at all.
        Assert.Equal([0x80, 0x01, 4, 1, 0x0D], Written(w => DeltaBinaryPacked.EncodeInt64([-7L], w)));
    }

    [Fact]
    public void Int32_deltas_use_32_bit_wrapping()
    {
        // MaxValue -> MinValue is a delta of +1 in 32-bit arithmetic, so the whole run packs at width 0.
        int[] values = [int.MaxValue - 1, int.MaxValue, int.MinValue, int.MinValue + 1];
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt32(values, w));
        Assert.Equal([0x80, 0x01, 4, 4, 0xFC, 0xFF, 0xFF, 0xFF, 0x0F, 2, 0, 0, 0, 0], encoded);
        var decoded = new int[4];
        DeltaBinaryPacked.DecodeInt32(encoded, decoded);
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Int32_stream_written_with_64_bit_deltas_still_decodes()
    {
        // A writer that computed INT32 deltas in 64 bits stores min delta 2^32-1 here; 32-bit wrapping restores the values.
        long[] wide = [int.MinValue, int.MaxValue, int.MinValue];
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt64(wide, w));
        var decoded = new int[3];
        DeltaBinaryPacked.DecodeInt32(encoded, decoded);
        Assert.Equal([int.MinValue, int.MaxValue, int.MinValue], decoded);
    }

    [Fact]
    public void Decoding_a_prefix_stops_after_the_last_miniblock_used()
    {
        int[] values = Enumerable.Range(0, 300).Select(i => i * i % 1000).ToArray();
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt32(values, w));
        var all = new int[300];
        int fullLength = DeltaBinaryPacked.DecodeInt32(encoded, all);
        var first = new int[10];
        int partial = DeltaBinaryPacked.DecodeInt32(encoded, first);
        Assert.Equal(values[..10], first);
        Assert.True(partial < fullLength);
        // The consumeAll flavour reads to the end of the stream even when fewer values are wanted.
        Assert.Equal(encoded.Length, DeltaBinaryPacked.DecodeInt32(encoded, first, consumeAll: true, 0));
    }

    [Fact]
    public void Unused_miniblock_widths_and_padding_bits_may_hold_anything()
    {
        int[] values = [0, 1, 3, 6, 10, 15, 21, 28, 36, 45];
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt32(values, w));
        // Layout: 80 01 | 04 | 0A | 00 | min delta | 4 widths | 32-value miniblock body.
        int widths = 6;
        Assert.Equal(2, encoded[5]); // min delta 1
        int bitWidth = encoded[widths];
        Assert.Equal(4, bitWidth);   // relative deltas 0..8
        encoded[widths + 1] = 0xFF;
        encoded[widths + 2] = 200;
        encoded[widths + 3] = 65;
        // The body holds 32 values * 4 bits = 16 bytes; values 9.. of it are padding.
        for (int b = widths + 4 + 5; b < widths + 4 + 16; b++) encoded[b] = 0xFF;
        encoded[widths + 4 + 4] |= 0xF0;
        var decoded = new int[10];
        Assert.Equal(encoded.Length, DeltaBinaryPacked.DecodeInt32(encoded, decoded));
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Header_count_smaller_than_needed_throws()
    {
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt32([1, 2, 3], w));
        var ex = Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt32(encoded, new int[4]));
        Assert.Contains("declares 3 values", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x04, 0x01, 0x00 })]                     // block size 0
    [InlineData(new byte[] { 0x07, 0x01, 0x01, 0x00 })]                     // block size not a multiple of 8
    [InlineData(new byte[] { 0x80, 0x01, 0x00, 0x01, 0x00 })]               // zero miniblocks
    [InlineData(new byte[] { 0x80, 0x01, 0x03, 0x01, 0x00 })]               // 3 does not divide 128
    [InlineData(new byte[] { 0x80, 0x01, 0x20, 0x01, 0x00 })]               // miniblocks of 4 values
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10, 0x04, 0x01, 0x00 })] // block size beyond 32 bits
    [InlineData(new byte[] { 0x80, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00 })] // total beyond int
    [InlineData(new byte[] { 0x80, 0x01, 0x04 })]                           // header cut short
    public void Malformed_headers_throw(byte[] encoded)
    {
        Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.ReadTotalCount(encoded));
        Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt64(encoded, new long[1]));
    }

    [Fact]
    public void Miniblock_widths_beyond_64_throw_with_offset()
    {
        // 2 values: block 128, 4 miniblocks, first 0, min delta 0, first width 65.
        byte[] encoded = [0x80, 0x01, 4, 2, 0, 0, 65, 0, 0, 0, .. new byte[300]];
        var ex = Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt64(encoded, new long[2]));
        Assert.Contains("byte offset 6", ex.Message);
        Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt32(encoded, new int[2]));
    }

    [Fact]
    public void Int32_miniblocks_wider_than_32_bits_keep_the_low_bits()
    {
        // Hand-built stream: 200 INT32 values, block 256 with 2 miniblocks of 128, min delta 0, widths 40 and 0.
        // Relative delta k of the first miniblock is (k << 32) + k, whose low 32 bits are k.
        var rel = new long[128];
        for (int k = 0; k < 128; k++) rel[k] = (k == 0 ? 0 : ((long)k << 32) + k);
        var body = new byte[128 * 40 / 8];
        BitPacking.Pack64(rel, 40, body);
        byte[] encoded = [0x80, 0x02, 2, 129, 0x01, 10, 0, 40, 0, .. body];
        var decoded = new int[129];
        Assert.Equal(encoded.Length, DeltaBinaryPacked.DecodeInt32(encoded, decoded));
        int expected = 5;
        Assert.Equal(expected, decoded[0]);
        for (int k = 1; k < 129; k++)
        {
            expected += k - 1;
            Assert.Equal(expected, decoded[k]);
        }
    }

    [Fact]
    public void Huge_declared_sizes_fail_fast()
    {
        // Total 2^31-1 values, block 128, and only one block present: walking to the end runs out of input.
        byte[] encoded = [0x80, 0x01, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0, 0, 1, 1, 1, 1, .. new byte[16]];
        WithinTimeLimit(() =>
        {
            Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt32(encoded, new int[2], consumeAll: true, 0));
            // Block size 2^31-8 with one miniblock: a single miniblock would need gigabytes.
            byte[] hugeBlock = [0xF8, 0xFF, 0xFF, 0xFF, 0x07, 1, 5, 0, 0, 7, 1, 2, 3];
            Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt32(hugeBlock, new int[5]));
            // 2^27 miniblocks of 8 values: their widths alone do not fit.
            byte[] manyMini = [0x80, 0x80, 0x80, 0x80, 0x04, 0x80, 0x80, 0x80, 0x40, 5, 0, 0, 0, 0];
            Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt64(manyMini, new long[5]));
        }, seconds: 10);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncations_and_flips_decode_or_throw_format_errors(bool wide)
    {
        long[] values = Int64Values(wide ? "random" : "sorted", 400);
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt64(values, w));
        int threw = EveryTruncation(encoded, bytes =>
        {
            var decoded = new long[values.Length];
            DeltaBinaryPacked.DecodeInt64(bytes, decoded);
            Assert.Equal(values, decoded);
        });
        Assert.Equal(encoded.Length, threw); // the last miniblock is padded, so every byte is needed
        RandomFlips(encoded, 5, 3000, bytes => DeltaBinaryPacked.DecodeInt64(bytes, new long[values.Length]));
        int[] ints = Int32Values("small", 400);
        byte[] encodedInts = Written(w => DeltaBinaryPacked.EncodeInt32(ints, w));
        RandomFlips(encodedInts, 6, 3000, bytes => DeltaBinaryPacked.DecodeInt32(bytes, new int[ints.Length], consumeAll: true, 0));
    }

    [Fact]
    public void Empty_input_encodes_a_header_only()
    {
        byte[] encoded = Written(w => DeltaBinaryPacked.EncodeInt32(ReadOnlySpan<int>.Empty, w));
        Assert.Equal([0x80, 0x01, 4, 0, 0], encoded);
        Assert.Equal(5, DeltaBinaryPacked.DecodeInt32(encoded, Span<int>.Empty));
        Assert.Throws<ParquetFormatException>(() => DeltaBinaryPacked.DecodeInt32(ReadOnlySpan<byte>.Empty, Span<int>.Empty));
    }
}
