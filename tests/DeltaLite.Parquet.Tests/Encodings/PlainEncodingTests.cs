using System.Buffers;
using DeltaLite.Parquet.Encodings;
using static DeltaLite.Parquet.Tests.Encodings.EncodingTestSupport;

namespace DeltaLite.Parquet.Tests.Encodings;

public class PlainEncodingTests
{
    public static TheoryData<int> LengthCases()
    {
        var data = new TheoryData<int>();
        foreach (int length in Lengths) data.Add(length);
        return data;
    }

    [Theory]
    [MemberData(nameof(LengthCases))]
    public void Booleans_round_trip(int length)
    {
        var rng = new Random(length);
        bool[] values = Enumerable.Range(0, length).Select(_ => rng.Next(2) == 1).ToArray();
        byte[] encoded = Written(w => PlainEncoding.EncodeBooleans(values, w));
        Assert.Equal((length + 7) / 8, encoded.Length);
        var decoded = new bool[length];
        Assert.Equal(encoded.Length, PlainEncoding.DecodeBooleans([.. encoded, 0xFF], decoded));
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Booleans_are_least_significant_bit_first()
    {
        bool[] values = [true, false, false, false, false, false, false, true, false, true];
        Assert.Equal([0x81, 0x02], Written(w => PlainEncoding.EncodeBooleans(values, w)));
        var decoded = new bool[10];
        PlainEncoding.DecodeBooleans([0x81, 0x02], decoded);
        Assert.Equal(values, decoded);
    }

    [Theory]
    [MemberData(nameof(LengthCases))]
    public void Fixed_width_numbers_round_trip(int length)
    {
        var rng = new Random(length + 1);
        int[] ints = Enumerable.Range(0, length).Select(i => i % 5 == 0 ? int.MinValue + i : rng.Next(int.MinValue, int.MaxValue)).ToArray();
        long[] longs = Enumerable.Range(0, length).Select(i => i % 3 == 0 ? long.MaxValue - i : rng.NextInt64(long.MinValue, long.MaxValue)).ToArray();
        float[] floats = Enumerable.Range(0, length).Select(i => i % 4 == 0 ? float.NaN : (float)(rng.NextDouble() * 1e6 - 5e5)).ToArray();
        double[] doubles = Enumerable.Range(0, length).Select(i => i % 4 == 1 ? double.NegativeInfinity : rng.NextDouble() * 1e300).ToArray();
        RoundTrip(ints);
        RoundTrip(longs);
        RoundTrip(floats);
        RoundTrip(doubles);

        static void RoundTrip<T>(T[] values) where T : unmanaged
        {
            byte[] encoded = Written(w => PlainEncoding.EncodeFixed<T>(values, w));
            Assert.Equal(values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), encoded.Length);
            var decoded = new T[values.Length];
            Assert.Equal(encoded.Length, PlainEncoding.DecodeFixed<T>([.. encoded, 1, 2, 3], decoded));
            Assert.Equal(values, decoded);
        }
    }

    [Fact]
    public void Fixed_width_numbers_are_little_endian()
    {
        Assert.Equal([0x04, 0x03, 0x02, 0x01], Written(w => PlainEncoding.EncodeFixed<int>([0x01020304], w)));
        var d = new double[1];
        PlainEncoding.DecodeFixed<double>([0, 0, 0, 0, 0, 0, 0xF0, 0x3F], d);
        Assert.Equal(1.0, d[0]);
        var l = new long[1];
        PlainEncoding.DecodeFixed<long>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], l);
        Assert.Equal(long.MaxValue, l[0]);
    }

    [Fact]
    public void Int96_epoch_and_known_dates()
    {
        // 1970-01-01T00:00 is Julian day 2440588 = 0x253D8C with 0 ns of the day.
        byte[] epoch = [0, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x3D, 0x25, 0x00];
        Assert.Equal(epoch, Written(w => PlainEncoding.EncodeInt96([0L], w)));
        // One nanosecond before the epoch: last nanosecond of Julian day 2440587.
        long nanosPerDay = 86_400_000_000_000L;
        var decoded = new long[2];
        byte[] two = [.. epoch, .. BitConverter.GetBytes(nanosPerDay - 1), .. BitConverter.GetBytes(2440587)];
        Assert.Equal(24, PlainEncoding.DecodeInt96(two, decoded));
        Assert.Equal([0L, -1L], decoded);
    }

    [Fact]
    public void Int96_round_trips_extremes_and_random_values()
    {
        var rng = new Random(96);
        long[] values = [long.MinValue, long.MaxValue, 0, -1, 1, .. Enumerable.Range(0, 1000).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue))];
        byte[] encoded = Written(w => PlainEncoding.EncodeInt96(values, w));
        var decoded = new long[values.Length];
        Assert.Equal(values.Length * 12, PlainEncoding.DecodeInt96(encoded, decoded));
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Int96_outside_the_nanosecond_range_throws_with_offset()
    {
        byte[] bytes = [.. new byte[12], .. new byte[8], 0xFF, 0xFF, 0xFF, 0x7F]; // second value: Julian day int.MaxValue
        BitConverter.GetBytes(2440588).CopyTo(bytes, 8);
        var ex = Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeInt96(bytes, new long[2]));
        Assert.Contains("byte offset 12", ex.Message);
    }

    public static TheoryData<int, int> ByteArrayCases()
    {
        var data = new TheoryData<int, int>();
        foreach (int length in new[] { 0, 1, 7, 8, 9, 1000 })
        {
            for (int kind = 0; kind <= 3; kind++) data.Add(length, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ByteArrayCases))]
    public void Byte_arrays_round_trip(int length, int kind)
    {
        byte[][] values = ByteStrings(length, kind, length * 10 + kind);
        var (offsets, data) = Strings(values);
        byte[] encoded = Written(w => PlainEncoding.EncodeByteArrays(offsets, data, length, w));
        Assert.Equal(4 * length + data.Length, encoded.Length);
        var builder = new ByteArrayBuilder();
        Assert.Equal(encoded.Length, PlainEncoding.DecodeByteArrays([.. encoded, 9, 9, 9, 9, 9], length, builder));
        AssertValues(values, builder);
    }

    [Fact]
    public void Byte_arrays_known_bytes()
    {
        var (offsets, data) = Strings(Utf8("ab", "", "c"));
        byte[] expected = [2, 0, 0, 0, (byte)'a', (byte)'b', 0, 0, 0, 0, 1, 0, 0, 0, (byte)'c'];
        Assert.Equal(expected, Written(w => PlainEncoding.EncodeByteArrays(offsets, data, 3, w)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(16)]
    public void Fixed_length_byte_arrays_round_trip(int width)
    {
        var rng = new Random(width);
        byte[][] values = Enumerable.Range(0, 1000).Select(_ => { var b = new byte[width]; rng.NextBytes(b); return b; }).ToArray();
        var (offsets, data) = Strings(values);
        byte[] encoded = Written(w => PlainEncoding.EncodeFixedLenByteArrays(offsets, data, values.Length, width, w));
        Assert.Equal(data, encoded);
        var builder = new ByteArrayBuilder();
        Assert.Equal(encoded.Length, PlainEncoding.DecodeFixedLenByteArrays(encoded, values.Length, width, builder));
        AssertValues(values, builder);
    }

    [Fact]
    public void Fixed_length_encoder_rejects_values_of_another_length()
    {
        var (offsets, data) = Strings(Utf8("abcd", "abc"));
        Assert.Throws<ArgumentException>(() => PlainEncoding.EncodeFixedLenByteArrays(offsets, data, 2, 4, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Short_inputs_and_huge_counts_throw_format_errors()
    {
        Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeBooleans([0xFF], new bool[9]));
        Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeFixed<long>(new byte[15], new long[2]));
        Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeInt96(new byte[23], new long[2]));
        Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeByteArrays(new byte[16], int.MaxValue, new ByteArrayBuilder()));
        Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeByteArrays(new byte[16], -1, new ByteArrayBuilder()));
        Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeFixedLenByteArrays(new byte[16], int.MaxValue, int.MaxValue, new ByteArrayBuilder()));
        // A length prefix of 0xFFFFFFFF.
        var ex = Assert.Throws<ParquetFormatException>(() => PlainEncoding.DecodeByteArrays([1, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2], 2, new ByteArrayBuilder()));
        Assert.Contains("byte offset 9", ex.Message);
    }

    [Fact]
    public void Corrupt_byte_arrays_never_append_or_throw_other_errors()
    {
        byte[][] values = ByteStrings(200, 0, 5);
        var (offsets, data) = Strings(values);
        byte[] encoded = Written(w => PlainEncoding.EncodeByteArrays(offsets, data, values.Length, w));
        int threw = EveryTruncation(encoded, bytes =>
        {
            var builder = new ByteArrayBuilder();
            try
            {
                PlainEncoding.DecodeByteArrays(bytes, values.Length, builder);
            }
            catch (ParquetFormatException)
            {
                Assert.Equal(0, builder.Count); // validated before anything is appended
                throw;
            }
        });
        Assert.Equal(encoded.Length, threw);
        RandomFlips(encoded, 9, 2000, bytes => PlainEncoding.DecodeByteArrays(bytes, values.Length, new ByteArrayBuilder()));
    }
}
