using System.Buffers;
using DeltaLite.Parquet.Encodings;
using static DeltaLite.Parquet.Tests.Encodings.EncodingTestSupport;

namespace DeltaLite.Parquet.Tests.Encodings;

public class RleBitPackedHybridTests
{
    public static TheoryData<int, int> WidthsAndLengths()
    {
        var data = new TheoryData<int, int>();
        for (int bitWidth = 0; bitWidth <= 32; bitWidth++)
        {
            foreach (int length in Lengths) data.Add(bitWidth, length);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WidthsAndLengths))]
    public void Round_trips_every_width_and_shape(int bitWidth, int length)
    {
        foreach (Pattern pattern in Enum.GetValues<Pattern>())
        {
            int[] values = Ints(length, bitWidth, pattern, seed: bitWidth * 1000 + length + (int)pattern);
            byte[] encoded = Written(w => RleBitPackedHybrid.Encode(values, bitWidth, w));
            // Trailing bytes after the runs must not be consumed.
            byte[] withTrailer = [.. encoded, 0xAB, 0xCD];
            var decoded = new int[length];
            int consumed = RleBitPackedHybrid.Decode(withTrailer, bitWidth, decoded);
            Assert.Equal(encoded.Length, consumed);
            Assert.True(values.AsSpan().SequenceEqual(decoded), $"{pattern} values differ after a round trip");
        }
    }

    [Fact]
    public void Spec_example_bit_packs_0_to_7_at_width_3()
    {
        // Encodings.md: the numbers 0..7 at bit width 3 pack into 10001000 11000110 11111010; header = 1 group << 1 | 1.
        byte[] expected = [0x03, 0b10001000, 0b11000110, 0b11111010];
        int[] values = [0, 1, 2, 3, 4, 5, 6, 7];
        Assert.Equal(expected, Written(w => RleBitPackedHybrid.Encode(values, 3, w)));
        var decoded = new int[8];
        Assert.Equal(4, RleBitPackedHybrid.Decode(expected, 3, decoded));
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Rle_run_then_bit_packed_run_decode()
    {
        // RLE header = 8 << 1, value 5 in one byte; then the spec's bit-packed group.
        byte[] encoded = [0x10, 0x05, 0x03, 0x88, 0xC6, 0xFA];
        var decoded = new int[16];
        Assert.Equal(6, RleBitPackedHybrid.Decode(encoded, 3, decoded));
        Assert.Equal([5, 5, 5, 5, 5, 5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7], decoded);
    }

    [Fact]
    public void Encoder_borrows_from_a_run_to_close_a_literal_group()
    {
        // 1,2,3 then thirteen 4s then 5: one literal group (1,2,3,4,4,4,4,4), an RLE run of eight 4s,
        // then the lone 5 in a zero-padded literal group.
        int[] values = [1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5];
        byte[] expected = [0x03, 0xD1, 0x48, 0x92, 0x10, 0x04, 0x03, 0x05, 0x00, 0x00];
        Assert.Equal(expected, Written(w => RleBitPackedHybrid.Encode(values, 3, w)));
    }

    [Fact]
    public void Long_run_is_written_as_one_rle_run()
    {
        int[] values = Enumerable.Repeat(300, 100_003).ToArray();
        byte[] encoded = Written(w => RleBitPackedHybrid.Encode(values, 9, w));
        // header varint(100003 << 1) = 3 bytes, value in 2 bytes.
        Assert.Equal([0xC6, 0x9A, 0x0C, 0x2C, 0x01], encoded);
    }

    [Fact]
    public void Random_values_are_bit_packed_at_their_width()
    {
        int[] values = Ints(1000, 20, Pattern.Random, 7);
        byte[] encoded = Written(w => RleBitPackedHybrid.Encode(values, 20, w));
        // 125 groups of 20 bytes plus a 2-byte header, assuming no 8 equal neighbours in random 20-bit values.
        Assert.Equal(2 + 125 * 20, encoded.Length);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(255, 8)]
    [InlineData(256, 9)]
    [InlineData(int.MaxValue, 31)]
    public void BitWidth_counts_bits_of_the_maximum(int maxValue, int expected) =>
        Assert.Equal(expected, RleBitPackedHybrid.BitWidth(maxValue));

    [Fact]
    public void Bit_width_zero_reads_zeros_from_runs_without_value_bytes()
    {
        // RLE run of 5 (no value bytes at width 0), then a bit-packed run of one group (no data bytes).
        byte[] encoded = [0x0A, 0x03];
        int[] decoded = [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9];
        Assert.Equal(2, RleBitPackedHybrid.Decode(encoded, 0, decoded));
        Assert.All(decoded, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Final_bit_packed_run_may_lack_padding_bytes()
    {
        // One group declared (8 values, 3 bytes at width 3) but only 3 values needed: 9 bits = 2 bytes suffice.
        byte[] encoded = [0x03, 0x88, 0xC6];
        var decoded = new int[3];
        Assert.Equal(3, RleBitPackedHybrid.Decode(encoded, 3, decoded));
        Assert.Equal([0, 1, 2], decoded);

        // With the full group present only the needed values are written and the whole run is consumed.
        byte[] full = [0x03, 0x88, 0xC6, 0xFA, 0x77];
        Assert.Equal(4, RleBitPackedHybrid.Decode(full, 3, decoded));
        Assert.Equal([0, 1, 2], decoded);
    }

    [Fact]
    public void Missing_bytes_of_needed_values_throw()
    {
        byte[] encoded = [0x03, 0x88];
        var ex = Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode(encoded, 3, new int[3]));
        Assert.Contains("byte offset 1", ex.Message);
    }

    [Fact]
    public void Input_ending_before_all_values_throws_with_offset()
    {
        byte[] encoded = [0x10, 0x05];
        var ex = Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode(encoded, 3, new int[9]));
        Assert.Contains("8 of 9", ex.Message);
        Assert.Contains("byte offset 2", ex.Message);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(-1)]
    [InlineData(64)]
    public void Bit_widths_outside_0_to_32_throw(int bitWidth) =>
        Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode([0x02, 0x01], bitWidth, new int[1]));

    [Fact]
    public void Rle_value_wider_than_the_bit_width_throws()
    {
        var ex = Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode([0x10, 0x09], 3, new int[8]));
        Assert.Contains("does not fit", ex.Message);
    }

    [Fact]
    public void Zero_length_runs_make_progress_and_then_fail_cleanly()
    {
        byte[] zeros = new byte[10_000]; // every byte is an RLE header of length 0 at width 0
        Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode(zeros, 0, new int[1]));
        byte[] emptyGroups = Enumerable.Repeat((byte)0x01, 10_000).ToArray(); // bit-packed runs of 0 groups
        Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode(emptyGroups, 5, new int[1]));
    }

    [Fact]
    public void Huge_declared_runs_fail_fast_or_decode_only_what_is_needed()
    {
        // Bit-packed run of 2^31-1 groups with no data behind it.
        byte[] hugePacked = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01];
        Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode(hugePacked, 8, new int[10]));
        // RLE run of 2^31-1 values: only 10 are needed.
        byte[] hugeRle = [0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x07];
        var decoded = new int[10];
        Assert.Equal(6, RleBitPackedHybrid.Decode(hugeRle, 3, decoded));
        Assert.All(decoded, v => Assert.Equal(7, v));
        // Header beyond 32 bits.
        byte[] tooLong = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00];
        Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode(tooLong, 3, new int[1]));
        // Varint that never ends within 64 bits.
        byte[] endless = Enumerable.Repeat((byte)0xFF, 20).ToArray();
        Assert.Throws<ParquetFormatException>(() => RleBitPackedHybrid.Decode(endless, 3, new int[1]));
    }

    [Fact]
    public void Encode_rejects_values_wider_than_the_bit_width() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RleBitPackedHybrid.Encode([0, 8], 3, new ArrayBufferWriter<byte>()));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(32)]
    public void Truncations_and_flips_decode_or_throw_format_errors(int bitWidth)
    {
        int[] values = Ints(300, bitWidth, Pattern.Mixed, 42 + bitWidth);
        byte[] encoded = Written(w => RleBitPackedHybrid.Encode(values, bitWidth, w));
        int threw = EveryTruncation(encoded, bytes =>
        {
            var decoded = new int[values.Length];
            RleBitPackedHybrid.Decode(bytes, bitWidth, decoded);
            // A prefix can only decode if it lost nothing but padding: then the values are the originals.
            Assert.Equal(values, decoded);
        });
        Assert.True(threw > encoded.Length / 2, $"only {threw} of {encoded.Length} truncations were rejected");
        RandomFlips(encoded, bitWidth, 2000, bytes => RleBitPackedHybrid.Decode(bytes, bitWidth, new int[values.Length]));
    }
}
