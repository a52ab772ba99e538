using System.Buffers;
using System.Text;
using DeltaLite.Parquet.Encodings;
using static DeltaLite.Parquet.Tests.Encodings.EncodingTestSupport;

namespace DeltaLite.Parquet.Tests.Encodings;

public class DeltaByteArrayTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int length in new[] { 0, 1, 7, 8, 9, 1000, 20_000 })
        {
            for (int kind = 0; kind <= 3; kind++) data.Add(length, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Delta_length_round_trips(int length, int kind)
    {
        byte[][] values = ByteStrings(length, kind, 100 + length + kind);
        var (offsets, data) = Strings(values);
        byte[] encoded = Written(w => DeltaLengthByteArray.Encode(offsets, data, length, w));
        var builder = new ByteArrayBuilder();
        Assert.Equal(encoded.Length, DeltaLengthByteArray.Decode([.. encoded, 1, 2, 3], length, builder));
        AssertValues(values, builder);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Delta_strings_round_trip(int length, int kind)
    {
        byte[][] values = ByteStrings(length, kind, 200 + length + kind);
        var (offsets, data) = Strings(values);
        byte[] encoded = Written(w => DeltaByteArray.Encode(offsets, data, length, w));
        var builder = new ByteArrayBuilder();
        Assert.Equal(encoded.Length, DeltaByteArray.Decode([.. encoded, 1, 2, 3], length, builder));
        AssertValues(values, builder);
        if (kind == 3 && length >= 1000)
            Assert.True(encoded.Length < data.Length / 2, $"shared prefixes should compress: {encoded.Length} of {data.Length}");
    }

    [Fact]
    public void Values_with_offsets_not_starting_at_zero_encode()
    {
        byte[] data = Encoding.ASCII.GetBytes("xxabcabdyy");
        int[] offsets = [2, 5, 8];
        var builder = new ByteArrayBuilder();
        DeltaByteArray.Decode(Written(w => DeltaByteArray.Encode(offsets, data, 2, w)), 2, builder);
        Assert.Equal(Utf8("abc", "abd"), Contents(builder));
        builder.Clear();
        DeltaLengthByteArray.Decode(Written(w => DeltaLengthByteArray.Encode(offsets, data, 2, w)), 2, builder);
        Assert.Equal(Utf8("abc", "abd"), Contents(builder));
    }

    [Fact]
    public void Spec_example_delta_length_layout()
    {
        // Encodings.md: "Hello", "World", "Foobar", "ABCDEF" = DeltaEncoding(5, 5, 6, 6) then "HelloWorldFoobarABCDEF".
        var (offsets, data) = Strings(Utf8("Hello", "World", "Foobar", "ABCDEF"));
        byte[] encoded = Written(w => DeltaLengthByteArray.Encode(offsets, data, 4, w));
        var lengths = new int[4];
        int dataStart = DeltaBinaryPacked.DecodeInt32(encoded, lengths);
        Assert.Equal([5, 5, 6, 6], lengths);
        Assert.Equal("HelloWorldFoobarABCDEF", Encoding.ASCII.GetString(encoded, dataStart, encoded.Length - dataStart));
    }

    [Fact]
    public void Spec_example_delta_strings_layout()
    {
        // Encodings.md: "axis", "axle", "babble", "babyhood" = prefixes (0, 2, 0, 3), suffix lengths (4, 2, 6, 5),
        // then "axislebabbleyhood".
        var (offsets, data) = Strings(Utf8("axis", "axle", "babble", "babyhood"));
        byte[] encoded = Written(w => DeltaByteArray.Encode(offsets, data, 4, w));
        var prefixes = new int[4];
        int suffixStart = DeltaBinaryPacked.DecodeInt32(encoded, prefixes);
        Assert.Equal([0, 2, 0, 3], prefixes);
        var suffixes = new int[4];
        int dataStart = suffixStart + DeltaBinaryPacked.DecodeInt32(encoded.AsSpan(suffixStart), suffixes);
        Assert.Equal([4, 2, 6, 5], suffixes);
        Assert.Equal("axislebabbleyhood", Encoding.ASCII.GetString(encoded, dataStart, encoded.Length - dataStart));

        var builder = new ByteArrayBuilder();
        DeltaByteArray.Decode(encoded, 4, builder);
        Assert.Equal(Utf8("axis", "axle", "babble", "babyhood"), Contents(builder));
    }

    [Fact]
    public void Length_stream_declaring_more_values_than_wanted_is_skipped_entirely()
    {
        // Lengths for 200 values but only 3 wanted: the bytes start after all 200 lengths.
        byte[][] values = ByteStrings(200, 0, 17);
        var (offsets, data) = Strings(values);
        byte[] encoded = Written(w => DeltaLengthByteArray.Encode(offsets, data, 200, w));
        var builder = new ByteArrayBuilder();
        DeltaLengthByteArray.Decode(encoded, 3, builder);
        Assert.Equal(values[..3], Contents(builder));
    }

    [Fact]
    public void Prefix_longer_than_the_previous_value_throws()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        DeltaBinaryPacked.EncodeInt32([0, 3], writer);  // second prefix 3 but the first value has 2 bytes
        DeltaBinaryPacked.EncodeInt32([2, 1], writer);
        writer.Write("abc"u8);
        var ex = Assert.Throws<ParquetFormatException>(() => DeltaByteArray.Decode(writer.WrittenSpan, 2, new ByteArrayBuilder()));
        Assert.Contains("prefix length 3 of value 1", ex.Message);
    }

    [Fact]
    public void Negative_lengths_throw()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        DeltaBinaryPacked.EncodeInt32([1, -1], writer);
        writer.Write("abc"u8);
        var ex = Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArray.Decode(writer.WrittenSpan, 2, new ByteArrayBuilder()));
        Assert.Contains("negative", ex.Message);
    }

    [Fact]
    public void Huge_counts_and_lengths_fail_fast()
    {
        WithinTimeLimit(() =>
        {
            var writer = new System.Buffers.ArrayBufferWriter<byte>();
            DeltaBinaryPacked.EncodeInt32([1 << 30, 1 << 30], writer);
            writer.Write("abc"u8);
            byte[] bigLengths = writer.WrittenSpan.ToArray();
            var ex = Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArray.Decode(bigLengths, 2, new ByteArrayBuilder()));
            Assert.Contains("byte offset", ex.Message);
            Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArray.Decode(bigLengths, 1_000_000_000, new ByteArrayBuilder()));
            Assert.Throws<ParquetFormatException>(() => DeltaByteArray.Decode(bigLengths, 1_000_000_000, new ByteArrayBuilder()));
            Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArray.Decode(bigLengths, int.MaxValue, new ByteArrayBuilder()));
            Assert.Throws<ParquetFormatException>(() => DeltaByteArray.Decode(bigLengths, -1, new ByteArrayBuilder()));
        }, seconds: 10);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Truncations_and_flips_decode_or_throw_format_errors(int kind)
    {
        byte[][] values = ByteStrings(300, kind, 31 + kind);
        var (offsets, data) = Strings(values);
        byte[] dlba = Written(w => DeltaLengthByteArray.Encode(offsets, data, values.Length, w));
        byte[] dba = Written(w => DeltaByteArray.Encode(offsets, data, values.Length, w));
        Assert.Equal(dlba.Length, EveryTruncation(dlba, bytes => DeltaLengthByteArray.Decode(bytes, values.Length, new ByteArrayBuilder())));
        Assert.Equal(dba.Length, EveryTruncation(dba, bytes => DeltaByteArray.Decode(bytes, values.Length, new ByteArrayBuilder())));
        RandomFlips(dlba, 1, 2000, bytes => DeltaLengthByteArray.Decode(bytes, values.Length, new ByteArrayBuilder()));
        RandomFlips(dba, 2, 2000, bytes => DeltaByteArray.Decode(bytes, values.Length, new ByteArrayBuilder()));
    }
}
