using DeltaLite.Parquet.Encodings;
using static DeltaLite.Parquet.Tests.Encodings.EncodingTestSupport;

namespace DeltaLite.Parquet.Tests.Encodings;

public class LegacyBitPackedTests
{
    [Fact]
    public void Spec_example_packs_0_to_7_most_significant_bit_first()
    {
        // Encodings.md: 0..7 at width 3 are 00000101 00111001 01110111.
        byte[] expected = [0b00000101, 0b00111001, 0b01110111];
        int[] values = [0, 1, 2, 3, 4, 5, 6, 7];
        Assert.Equal(expected, Written(w => LegacyBitPacked.Encode(values, 3, w)));
        var decoded = new int[8];
        Assert.Equal(3, LegacyBitPacked.Decode([.. expected, 0xFF], 3, decoded));
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Thirty_two_bit_levels_take_eight_bytes()
    {
        // Encodings.md: 30 values at 2 bits = 60 bits = 8 bytes; the last byte is zero-padded.
        int[] values = Ints(30, 2, Pattern.Random, 3);
        byte[] encoded = Written(w => LegacyBitPacked.Encode(values, 2, w));
        Assert.Equal(8, encoded.Length);
        Assert.Equal(0, encoded[7] & 0x0F);
    }

    public static TheoryData<int> Widths()
    {
        var data = new TheoryData<int>();
        for (int w = 0; w <= 32; w++) data.Add(w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Round_trips_every_width(int bitWidth)
    {
        foreach (int length in Lengths)
        {
            int[] values = Ints(length, bitWidth, Pattern.Mixed, bitWidth + length);
            byte[] encoded = Written(w => LegacyBitPacked.Encode(values, bitWidth, w));
            Assert.Equal(((long)length * bitWidth + 7) / 8, encoded.Length);
            var decoded = new int[length];
            Assert.Equal(encoded.Length, LegacyBitPacked.Decode(encoded, bitWidth, decoded));
            Assert.True(values.AsSpan().SequenceEqual(decoded), $"length {length} differs");
        }
    }

    [Fact]
    public void Short_input_and_bad_widths_throw()
    {
        var ex = Assert.Throws<ParquetFormatException>(() => LegacyBitPacked.Decode(new byte[7], 2, new int[30]));
        Assert.Contains("8 byte(s) needed", ex.Message);
        Assert.Throws<ParquetFormatException>(() => LegacyBitPacked.Decode(new byte[8], 33, new int[1]));
    }

    [Fact]
    public void Truncations_throw_format_errors()
    {
        int[] values = Ints(100, 5, Pattern.Random, 11);
        byte[] encoded = Written(w => LegacyBitPacked.Encode(values, 5, w));
        int threw = EveryTruncation(encoded, bytes => LegacyBitPacked.Decode(bytes, 5, new int[values.Length]));
        Assert.Equal(encoded.Length, threw);
    }
}
