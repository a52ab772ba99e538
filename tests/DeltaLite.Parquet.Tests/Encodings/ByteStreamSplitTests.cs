using DeltaLite.Parquet.Encodings;
using static DeltaLite.Parquet.Tests.Encodings.EncodingTestSupport;

namespace DeltaLite.Parquet.Tests.Encodings;

public class ByteStreamSplitTests
{
    [Fact]
    public void Spec_example_splits_three_floats()
    {
        byte[] raw = [0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6];
        byte[] split = [0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6];
        Assert.Equal(split, Written(w => ByteStreamSplit.Encode(raw, 3, 4, w)));
        var decoded = new byte[12];
        ByteStreamSplit.Decode(split, 3, 4, decoded);
        Assert.Equal(raw, decoded);
    }

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int width in new[] { 1, 2, 3, 4, 8, 12, 16 })
        {
            foreach (int length in Lengths) data.Add(width, length);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Round_trips_any_width(int width, int count)
    {
        var raw = new byte[count * width];
        new Random(width * 7 + count).NextBytes(raw);
        byte[] encoded = Written(w => ByteStreamSplit.Encode(raw, count, width, w));
        Assert.Equal(raw.Length, encoded.Length);
        if (count > 1 && width > 1) Assert.Equal(raw[1], encoded[count]); // byte 1 of value 0 starts stream 1
        var decoded = new byte[raw.Length];
        ByteStreamSplit.Decode(encoded, count, width, decoded);
        Assert.Equal(raw, decoded);
    }

    [Fact]
    public void Doubles_round_trip_through_the_split()
    {
        double[] values = [0.0, -1.5, double.MaxValue, double.Epsilon, Math.PI];
        byte[] raw = Written(w => PlainEncoding.EncodeFixed<double>(values, w));
        byte[] encoded = Written(w => ByteStreamSplit.Encode(raw, values.Length, 8, w));
        var unsplit = new byte[raw.Length];
        ByteStreamSplit.Decode(encoded, values.Length, 8, unsplit);
        var decoded = new double[values.Length];
        PlainEncoding.DecodeFixed<double>(unsplit, decoded);
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void A_prefix_of_the_page_values_can_be_decoded()
    {
        byte[] raw = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        byte[] encoded = Written(w => ByteStreamSplit.Encode(raw, 3, 4, w));
        var decoded = new byte[8];
        ByteStreamSplit.Decode(encoded, 2, 4, decoded);
        Assert.Equal(raw[..8], decoded);
    }

    [Fact]
    public void Bad_sizes_throw_format_errors()
    {
        Assert.Throws<ParquetFormatException>(() => ByteStreamSplit.Decode(new byte[11], 3, 4, new byte[12]));
        Assert.Throws<ParquetFormatException>(() => ByteStreamSplit.Decode(new byte[8], 3, 4, new byte[12]));
        Assert.Throws<ParquetFormatException>(() => ByteStreamSplit.Decode(new byte[8], int.MaxValue, 4, new byte[12]));
        Assert.Throws<ParquetFormatException>(() => ByteStreamSplit.Decode(new byte[8], 2, 0, new byte[12]));
        Assert.Throws<ParquetFormatException>(() => ByteStreamSplit.Decode(new byte[8], -1, 4, new byte[12]));
        Assert.Throws<ArgumentException>(() => ByteStreamSplit.Decode(new byte[8], 2, 4, new byte[7]));
    }

    [Fact]
    public void Truncations_decode_fewer_values_or_throw()
    {
        byte[] raw = new byte[64];
        new Random(1).NextBytes(raw);
        byte[] encoded = Written(w => ByteStreamSplit.Encode(raw, 16, 4, w));
        int threw = EveryTruncation(encoded, bytes => ByteStreamSplit.Decode(bytes, 16, 4, new byte[64]));
        Assert.Equal(encoded.Length, threw);
    }
}
