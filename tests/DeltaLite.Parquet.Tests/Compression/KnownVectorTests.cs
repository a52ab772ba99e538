using Encoding = System.Text.Encoding;
using DeltaLite.Parquet.Compression;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Compression;

/// <summary>Blocks assembled by hand from google/snappy format_description.txt and lz4 doc/lz4_Block_format.md.</summary>
public class KnownVectorTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Decode(CompressionCodec codec, byte[] block, int length)
    {
        var output = new byte[length];
        PageCompression.Decompress(codec, block, output);
        return output;
    }

    [Fact]
    public void Snappy_literal_and_the_three_copy_forms_decode()
    {
        byte[] block =
        [
            0x11,                         // preamble: 17 bytes
            0x0C, .. Ascii("abcd"),       // literal, (4-1) << 2
            0x11, 0x04,                   // copy, 1-byte offset: length 8, offset 4
            0x12, 0x02, 0x00,             // copy, 2-byte offset: length 5, offset 2
        ];
        Assert.Equal("abcdabcdabcdcdcdc", Encoding.ASCII.GetString(Decode(CompressionCodec.Snappy, block, 17)));
    }

    [Fact]
    public void Snappy_long_literal_four_byte_offset_and_two_byte_preamble_decode()
    {
        byte[] literal = Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray();
        byte[] block =
        [
            0xC8, 0x01,                   // preamble: 200
            0xF0, 99, .. literal,         // literal with a 1-byte length (60 << 2), len-1 = 99
            0xFF, 100, 0, 0, 0,           // copy, 4-byte offset: length 64, offset 100
            0x8E, 0x01, 0x00,             // copy, 2-byte offset: length 36, offset 1 (a run)
        ];
        byte[] expected = [.. literal, .. literal.AsSpan(0, 64), .. Enumerable.Repeat(literal[63], 36)];
        Assert.Equal(expected, Decode(CompressionCodec.Snappy, block, 200));
    }

    private static byte[] Preamble(int length) => new SnappyBlockBuilder().Build(length);

    [Fact]
    public void Snappy_literal_lengths_in_two_three_and_four_bytes_decode()
    {
        byte[] small = Samples.Random(1000, seed: 10);
        byte[] large = Samples.Random(70_000, seed: 11);   // 70000 - 1 = 0x01116F
        byte[] twoBytes = [.. Preamble(1000), 0xF4, 0xE7, 0x03, .. small];
        byte[] threeBytes = [.. Preamble(70_000), 0xF8, 0x6F, 0x11, 0x01, .. large];
        byte[] fourBytes = [.. Preamble(70_000), 0xFC, 0x6F, 0x11, 0x01, 0x00, .. large];
        Assert.Equal([0xF0, 0xA2, 0x04], Preamble(70_000));
        Assert.Equal(small, Decode(CompressionCodec.Snappy, twoBytes, 1000));
        Assert.Equal(large, Decode(CompressionCodec.Snappy, threeBytes, 70_000));
        Assert.Equal(large, Decode(CompressionCodec.Snappy, fourBytes, 70_000));
    }

    [Fact]
    public void Snappy_overlapping_copies_of_every_short_distance_match_a_naive_copy()
    {
        for (int offset = 1; offset <= 20; offset++)
        {
            foreach (int length in new[] { 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 40, 63, 64 })
            {
                foreach (int tail in new[] { 0, 5, 100 })
                {
                    var builder = new SnappyBlockBuilder();
                    byte[] seed = Enumerable.Range(1, offset).Select(i => (byte)(i * 13)).ToArray();
                    builder.Literal(seed).Copy(offset, length).Literal(new byte[tail]);
                    var expected = new List<byte>(seed);
                    for (int i = 0; i < length; i++) expected.Add(expected[^offset]);
                    expected.AddRange(new byte[tail]);

                    byte[] decoded = Decode(CompressionCodec.Snappy, builder.Build(expected.Count), expected.Count);
                    Assert.True(expected.SequenceEqual(decoded), $"offset {offset}, length {length}, tail {tail}");
                }
            }
        }
    }

    [Fact]
    public void Lz4_block_of_literal_match_and_final_literals_decodes()
    {
        byte[] block =
        [
            0x48, .. Ascii("abcd"), 0x04, 0x00,  // 4 literals, match of 4+8 = 12 at offset 4
            0x50, .. Ascii("XYZ12"),             // last sequence: 5 literals only
        ];
        Assert.Equal("abcdabcdabcdabcdXYZ12", Encoding.ASCII.GetString(Decode(CompressionCodec.Lz4Raw, block, 21)));
    }

    [Fact]
    public void Lz4_extended_literal_and_match_lengths_decode()
    {
        byte[] literal = Ascii("0123456789abcdefghij");   // 20 = 15 + 5
        byte[] block =
        [
            0xFF, 5, .. literal, 0x01, 0x00, 255, 1,      // match at offset 1 of 4 + 15 + 255 + 1 = 275
            0x50, .. Ascii("tail!"),
        ];
        byte[] expected = [.. literal, .. Enumerable.Repeat((byte)'j', 275), .. Ascii("tail!")];
        Assert.Equal(expected, Decode(CompressionCodec.Lz4Raw, block, 300));
    }

    [Fact]
    public void Lz4_empty_block_is_a_single_zero_token()
    {
        Assert.Empty(Decode(CompressionCodec.Lz4Raw, [0x00], 0));
        Assert.Throws<ParquetFormatException>(() => Decode(CompressionCodec.Lz4Raw, [0x00, 0x00], 0));
    }

    private static readonly byte[] s_lz4Block = [0x48, .. Ascii("abcd"), 0x04, 0x00, 0x50, .. Ascii("XYZ12")];

    private static byte[] HadoopFrame(int uncompressed, params byte[][] chunks)
    {
        var frame = new List<byte>();
        frame.AddRange([(byte)(uncompressed >> 24), (byte)(uncompressed >> 16), (byte)(uncompressed >> 8), (byte)uncompressed]);
        foreach (byte[] chunk in chunks)
        {
            frame.AddRange([(byte)(chunk.Length >> 24), (byte)(chunk.Length >> 16), (byte)(chunk.Length >> 8), (byte)chunk.Length]);
            frame.AddRange(chunk);
        }
        return frame.ToArray();
    }

    [Fact]
    public void Hadoop_lz4_frames_decode_one_after_another()
    {
        byte[] page = [.. HadoopFrame(21, s_lz4Block), .. HadoopFrame(21, s_lz4Block)];
        Assert.Equal("abcdabcdabcdabcdXYZ12abcdabcdabcdabcdXYZ12", Encoding.ASCII.GetString(Decode(CompressionCodec.Lz4, page, 42)));
    }

    [Fact]
    public void Hadoop_lz4_frame_split_into_two_chunks_decodes()
    {
        byte[] second = [0x30, .. Ascii("end")];
        Assert.Equal("abcdabcdabcdabcdXYZ12end", Encoding.ASCII.GetString(Decode(CompressionCodec.Lz4, HadoopFrame(24, s_lz4Block, second), 24)));
    }

    [Fact]
    public void Lz4_codec_falls_back_to_a_raw_block_when_the_framing_does_not_parse()
    {
        Assert.Equal("abcdabcdabcdabcdXYZ12", Encoding.ASCII.GetString(Decode(CompressionCodec.Lz4, s_lz4Block, 21)));
    }

    [Fact]
    public void Lz4_codec_error_reports_both_readings()
    {
        var e = Assert.Throws<ParquetFormatException>(() => Decode(CompressionCodec.Lz4, [.. HadoopFrame(21, s_lz4Block), 0x00], 21));
        Assert.Contains("LZ4 data is corrupt", e.Message);
        Assert.Contains("Hadoop", e.Message);
        Assert.Contains("raw LZ4 block", e.Message);
    }

    [Fact]
    public void Uncompressed_copies_the_page()
    {
        Assert.Equal([1, 2, 3], Decode(CompressionCodec.Uncompressed, [1, 2, 3], 3));
    }
}

/// <summary>Writes Snappy elements exactly as format_description.txt lays them out (test-side, independent of the encoder).</summary>
internal sealed class SnappyBlockBuilder
{
    private readonly List<byte> _elements = [];

    public SnappyBlockBuilder Literal(byte[] bytes)
    {
        if (bytes.Length == 0) return this;
        int n = bytes.Length - 1;
        if (n < 60)
        {
            _elements.Add((byte)(n << 2));
        }
        else
        {
            _elements.Add(61 << 2);     // 2-byte length
            _elements.Add((byte)n);
            _elements.Add((byte)(n >> 8));
        }
        _elements.AddRange(bytes);
        return this;
    }

    /// <summary>A copy with a 2-byte offset (lengths 1 to 64).</summary>
    public SnappyBlockBuilder Copy(int offset, int length)
    {
        _elements.Add((byte)(2 | ((length - 1) << 2)));
        _elements.Add((byte)offset);
        _elements.Add((byte)(offset >> 8));
        return this;
    }

    public byte[] Build(int uncompressedLength)
    {
        var block = new List<byte>();
        uint v = (uint)uncompressedLength;
        while (v >= 0x80)
        {
            block.Add((byte)(v | 0x80));
            v >>= 7;
        }
        block.Add((byte)v);
        block.AddRange(_elements);
        return block.ToArray();
    }
}
