using System.Buffers;
using DeltaLite.Parquet.Compression;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Compression;

public class RoundTripTests
{
    public static TheoryData<CompressionCodec, string> CodecsAndInputs()
    {
        var data = new TheoryData<CompressionCodec, string>();
        foreach (CompressionCodec codec in Samples.Compressible)
        {
            foreach (string kind in Samples.Kinds) data.Add(codec, kind);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CodecsAndInputs))]
    public void Compress_then_decompress_returns_the_input(CompressionCodec codec, string kind)
    {
        byte[] input = Samples.Create(kind);
        var writer = new ArrayBufferWriter<byte>();
        writer.Write<byte>([0xEE, 0xEF, 0xF0]); // an existing prefix that must survive: Compress appends

        int appended = PageCompression.Compress(codec, input, writer);

        Assert.Equal(writer.WrittenCount - 3, appended);
        Assert.Equal([0xEE, 0xEF, 0xF0], writer.WrittenSpan[..3].ToArray());
        var output = new byte[input.Length];
        PageCompression.Decompress(codec, writer.WrittenSpan[3..], output);
        Assert.True(input.AsSpan().SequenceEqual(output), $"{codec} did not round-trip the {kind} input");
    }

    [Theory]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Gzip)]
    [InlineData(CompressionCodec.Brotli)]
    [InlineData(CompressionCodec.Zstd)]
    [InlineData(CompressionCodec.Lz4Raw)]
    public void Repetitive_data_shrinks_and_random_data_grows_only_slightly(CompressionCodec codec)
    {
        byte[] repetitive = Samples.Repetitive(1 << 20);
        byte[] random = Samples.Random(1 << 20, seed: 9);
        var writer = new ArrayBufferWriter<byte>();

        int small = PageCompression.Compress(codec, repetitive, writer);
        writer.ResetWrittenCount();
        int large = PageCompression.Compress(codec, random, writer);

        Assert.True(small < repetitive.Length / 10, $"{codec} compressed repetitive data only to {small} of {repetitive.Length} bytes");
        Assert.True(large <= random.Length + random.Length / 100 + 64, $"{codec} expanded random data to {large} of {random.Length} bytes");
    }

    [Theory]
    [InlineData(CompressionCodec.Gzip, 1)]
    [InlineData(CompressionCodec.Gzip, 9)]
    [InlineData(CompressionCodec.Brotli, 0)]
    [InlineData(CompressionCodec.Brotli, 11)]
    [InlineData(CompressionCodec.Zstd, -5)]
    [InlineData(CompressionCodec.Zstd, 1)]
    [InlineData(CompressionCodec.Zstd, 19)]
    [InlineData(CompressionCodec.Snappy, 7)]
    [InlineData(CompressionCodec.Lz4Raw, 7)]
    public void Explicit_levels_round_trip(CompressionCodec codec, int level)
    {
        byte[] input = Samples.Mixed(200 << 10, seed: 5);
        var writer = new ArrayBufferWriter<byte>();
        PageCompression.Compress(codec, input, writer, level);
        var output = new byte[input.Length];
        PageCompression.Decompress(codec, writer.WrittenSpan, output);
        Assert.True(input.AsSpan().SequenceEqual(output));
    }

    [Fact]
    public void Higher_zstd_level_compresses_smaller_than_the_default()
    {
        byte[] input = Samples.Mixed(1 << 20, seed: 6);
        var writer = new ArrayBufferWriter<byte>();
        int atDefault = PageCompression.Compress(CompressionCodec.Zstd, input, writer);
        writer.ResetWrittenCount();
        int atNineteen = PageCompression.Compress(CompressionCodec.Zstd, input, writer, 19);
        writer.ResetWrittenCount();
        int atOne = PageCompression.Compress(CompressionCodec.Zstd, input, writer, 1);
        Assert.True(atNineteen < atDefault && atDefault <= atOne, $"sizes: level 1 {atOne}, default {atDefault}, level 19 {atNineteen}");
    }

    [Theory]
    [InlineData(CompressionCodec.Gzip, 10)]
    [InlineData(CompressionCodec.Gzip, -2)]
    [InlineData(CompressionCodec.Brotli, 12)]
    [InlineData(CompressionCodec.Brotli, -1)]
    public void Out_of_range_levels_are_rejected(CompressionCodec codec, int level)
    {
        var writer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => PageCompression.Compress(codec, [1, 2, 3], writer, level));
    }

    [Fact]
    public void Compression_is_thread_safe()
    {
        byte[][] inputs = Enumerable.Range(0, 8).Select(i => Samples.Mixed(100 << 10, seed: 100 + i)).ToArray();
        Parallel.ForEach(Samples.Compressible, new ParallelOptions { MaxDegreeOfParallelism = 4 }, codec =>
        {
            foreach (byte[] input in inputs)
            {
                var writer = new ArrayBufferWriter<byte>();
                PageCompression.Compress(codec, input, writer);
                var output = new byte[input.Length];
                PageCompression.Decompress(codec, writer.WrittenSpan, output);
                Assert.True(input.AsSpan().SequenceEqual(output), $"{codec} failed under concurrency");
            }
        });
    }
}
