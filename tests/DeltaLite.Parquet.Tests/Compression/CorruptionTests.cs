using System.Buffers;
using DeltaLite.Parquet.Compression;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Compression;

public class CorruptionTests
{
    /// <summary>Every decodable codec; LZ4 pages are Hadoop frames around our LZ4_RAW blocks.</summary>
    public static TheoryData<CompressionCodec> Decodable() =>
    [
        CompressionCodec.Uncompressed, CompressionCodec.Snappy, CompressionCodec.Gzip, CompressionCodec.Brotli,
        CompressionCodec.Zstd, CompressionCodec.Lz4Raw, CompressionCodec.Lz4,
    ];

    private static readonly byte[] s_input = Samples.Mixed(24 << 10, seed: 21);

    internal static byte[] CompressForTest(CompressionCodec codec, byte[] input)
    {
        var writer = new ArrayBufferWriter<byte>();
        if (codec != CompressionCodec.Lz4)
        {
            PageCompression.Compress(codec, input, writer);
            return writer.WrittenSpan.ToArray();
        }
        // Two Hadoop frames, each [BE uncompressed size][BE compressed size][LZ4 block].
        var page = new List<byte>();
        int half = input.Length / 2;
        foreach (byte[] part in new[] { input[..half], input[half..] })
        {
            writer.ResetWrittenCount();
            int n = PageCompression.Compress(CompressionCodec.Lz4Raw, part, writer);
            page.AddRange(BigEndian(part.Length));
            page.AddRange(BigEndian(n));
            page.AddRange(writer.WrittenSpan.ToArray());
        }
        return page.ToArray();
    }

    private static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    /// <summary>Decodes, accepting success or a ParquetFormatException naming the codec; anything else fails the test.</summary>
    private static bool DecodeOrReject(CompressionCodec codec, byte[] data, int expectedLength, string scenario)
    {
        var output = new byte[expectedLength];
        try
        {
            PageCompression.Decompress(codec, data, output);
            return true;
        }
        catch (ParquetFormatException e)
        {
            Assert.Contains(Samples.NameOf(codec) + " data is corrupt", e.Message);
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{codec}, {scenario}: expected success or ParquetFormatException, got {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    /// <summary>Runs the body with a deadline, so a decoder that loops forever fails instead of hanging the run.</summary>
    private static void WithDeadline(Action body)
    {
        Task task = Task.Run(body);
        Assert.True(task.Wait(TimeSpan.FromMinutes(2)), "the decoder did not finish within two minutes (a hang?)");
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Truncated_data_is_rejected_at_every_length(CompressionCodec codec)
    {
        byte[] compressed = CompressForTest(codec, s_input);
        WithDeadline(() =>
        {
            var lengths = new SortedSet<int>();
            for (int n = 0; n < compressed.Length; n += Math.Max(1, compressed.Length / 300)) lengths.Add(n);
            for (int n = 0; n < Math.Min(64, compressed.Length); n++)
            {
                lengths.Add(n);
                lengths.Add(compressed.Length - 1 - n);
            }
            foreach (int n in lengths)
            {
                bool ok = DecodeOrReject(codec, compressed[..n], s_input.Length, $"truncated to {n} of {compressed.Length} bytes");
                Assert.False(ok, $"{codec} accepted data truncated to {n} of {compressed.Length} bytes");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Flipped_bytes_decode_to_the_right_size_or_are_rejected(CompressionCodec codec)
    {
        byte[] compressed = CompressForTest(codec, s_input);
        var rng = new Random(1234 + (int)codec);
        WithDeadline(() =>
        {
            for (int round = 0; round < 400; round++)
            {
                byte[] damaged = (byte[])compressed.Clone();
                int flips = 1 + rng.Next(3);
                for (int f = 0; f < flips; f++)
                {
                    // Favour the start, where headers and lengths live.
                    int at = rng.Next(4) == 0 ? rng.Next(Math.Min(32, damaged.Length)) : rng.Next(damaged.Length);
                    damaged[at] ^= (byte)(1 + rng.Next(255));
                }
                DecodeOrReject(codec, damaged, s_input.Length, $"round {round}");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Random_garbage_is_rejected_without_hanging(CompressionCodec codec)
    {
        var rng = new Random(77);
        WithDeadline(() =>
        {
            for (int round = 0; round < 200; round++)
            {
                byte[] garbage = new byte[rng.Next(1, 2000)];
                rng.NextBytes(garbage);
                if (round % 4 == 0) garbage.AsSpan(0, Math.Min(garbage.Length, 9)).Fill(0xFF); // huge declared lengths
                DecodeOrReject(codec, garbage, rng.Next(0, 50_000), $"garbage round {round}");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Expected_size_one_too_small_or_too_large_is_an_error(CompressionCodec codec)
    {
        byte[] compressed = CompressForTest(codec, s_input);
        Assert.True(DecodeOrReject(codec, compressed, s_input.Length, "exact size"));
        Assert.False(DecodeOrReject(codec, compressed, s_input.Length - 1, "one byte too small"));
        Assert.False(DecodeOrReject(codec, compressed, s_input.Length + 1, "one byte too large"));
        Assert.False(DecodeOrReject(codec, compressed, 0, "empty destination"));
    }

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Empty_page_with_a_non_empty_size_is_an_error(CompressionCodec codec)
    {
        Assert.False(DecodeOrReject(codec, [], 10, "empty page"));
    }

    [Fact]
    public void Snappy_copy_before_any_output_is_rejected()
    {
        var e = Assert.Throws<ParquetFormatException>(() =>
            PageCompression.Decompress(CompressionCodec.Snappy, new SnappyBlockBuilder().Copy(1, 4).Build(4), new byte[4]));
        Assert.Contains("SNAPPY data is corrupt", e.Message);
        Assert.Contains("reaches 1 bytes back", e.Message);
    }

    [Fact]
    public void Snappy_copy_with_offset_zero_is_rejected()
    {
        byte[] block = new SnappyBlockBuilder().Literal([1, 2, 3, 4]).Copy(0, 4).Build(8);
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(CompressionCodec.Snappy, block, new byte[8]));
        Assert.Contains("offset 0", e.Message);
    }

    [Fact]
    public void Snappy_literal_past_the_end_of_the_input_names_the_position()
    {
        byte[] block = [10, 0x24, 1, 2, 3]; // declares a 10-byte literal, holds 3
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(CompressionCodec.Snappy, block, new byte[10]));
        Assert.Equal("SNAPPY data is corrupt: at byte 2, a literal of 10 bytes runs past the end of the input", e.Message);
    }

    [Fact]
    public void Lz4_match_with_offset_zero_is_rejected()
    {
        byte[] block = [0x40, 1, 2, 3, 4, 0x00, 0x00, 0x50, 1, 2, 3, 4, 5];
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(CompressionCodec.Lz4Raw, block, new byte[13]));
        Assert.Contains("LZ4_RAW data is corrupt", e.Message);
        Assert.Contains("offset 0", e.Message);
    }

    [Fact]
    public void Lz4_block_ending_after_a_match_is_rejected()
    {
        byte[] block = [0x40, 1, 2, 3, 4, 0x04, 0x00];
        Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(CompressionCodec.Lz4Raw, block, new byte[8]));
    }

    [Fact]
    public void Uncompressed_size_mismatch_is_reported()
    {
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress(CompressionCodec.Uncompressed, [1, 2, 3], new byte[4]));
        Assert.Equal("UNCOMPRESSED data is corrupt: the page holds 3 bytes but its header declares 4", e.Message);
    }

    [Fact]
    public void Lzo_is_refused_with_an_error_naming_the_codec()
    {
        Assert.False(PageCompression.CanDecompress(CompressionCodec.Lzo));
        Assert.False(PageCompression.CanCompress(CompressionCodec.Lzo));
        var e = Assert.Throws<UnsupportedCodecException>(() => PageCompression.Decompress(CompressionCodec.Lzo, [1, 2], new byte[4]));
        Assert.Contains("LZO", e.Message);
        Assert.Equal(CompressionCodec.Lzo, e.Codec);
        Assert.IsAssignableFrom<NotSupportedException>(e);
        Assert.Throws<UnsupportedCodecException>(() => PageCompression.Compress(CompressionCodec.Lzo, [1, 2], new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void Lz4_is_read_but_not_written()
    {
        Assert.True(PageCompression.CanDecompress(CompressionCodec.Lz4));
        Assert.False(PageCompression.CanCompress(CompressionCodec.Lz4));
        var e = Assert.Throws<UnsupportedCodecException>(() => PageCompression.Compress(CompressionCodec.Lz4, [1, 2], new ArrayBufferWriter<byte>()));
        Assert.Contains("LZ4_RAW", e.Message);
    }

    [Fact]
    public void Unknown_codec_number_is_a_format_error()
    {
        Assert.False(PageCompression.CanDecompress((CompressionCodec)42));
        var e = Assert.Throws<ParquetFormatException>(() => PageCompression.Decompress((CompressionCodec)42, [1], new byte[1]));
        Assert.Contains("42", e.Message);
    }

    [Fact]
    public void Every_other_codec_is_available_on_this_machine()
    {
        foreach (CompressionCodec codec in Samples.Compressible)
        {
            Assert.True(PageCompression.CanCompress(codec), $"{codec} cannot compress (is libzstd.so.1 installed?)");
            Assert.True(PageCompression.CanDecompress(codec), $"{codec} cannot decompress");
        }
    }
}
