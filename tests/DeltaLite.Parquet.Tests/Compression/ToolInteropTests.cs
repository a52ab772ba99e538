using System.Buffers;
using DeltaLite.Parquet.Compression;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Compression;

/// <summary>
/// Interop with the reference tools: the `gzip` and `zstd` command-line programs must be installed
/// (Debian: apt-get install gzip zstd). Without them these tests fail with a message saying so.
/// </summary>
public class ToolInteropTests
{
    private const string GzipHint = "on Debian: apt-get install gzip";
    private const string ZstdHint = "on Debian: apt-get install zstd";

    private static byte[] Decode(CompressionCodec codec, byte[] data, int length)
    {
        var output = new byte[length];
        PageCompression.Decompress(codec, data, output);
        return output;
    }

    private static byte[] Encode(CompressionCodec codec, byte[] data)
    {
        var writer = new ArrayBufferWriter<byte>();
        PageCompression.Compress(codec, data, writer);
        return writer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    [InlineData(3_000_000)]
    public void Gzip_tool_output_decodes(int length)
    {
        byte[] input = Samples.Mixed(length, seed: 31);
        byte[] gz = CommandLineTool.Filter("gzip", "-c -6", input, GzipHint);
        Assert.Equal(input, Decode(CompressionCodec.Gzip, gz, input.Length));
    }

    [Fact]
    public void Concatenated_gzip_members_all_decode()
    {
        byte[] a = Samples.Mixed(50_000, seed: 32), b = Samples.Repetitive(70_000), c = [];
        byte[] page =
        [
            .. CommandLineTool.Filter("gzip", "-c", a, GzipHint),
            .. CommandLineTool.Filter("gzip", "-c -1", b, GzipHint),
            .. CommandLineTool.Filter("gzip", "-c", c, GzipHint),
        ];
        Assert.Equal([.. a, .. b], Decode(CompressionCodec.Gzip, page, a.Length + b.Length));
        Assert.Throws<ParquetFormatException>(() => Decode(CompressionCodec.Gzip, page, a.Length));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    [InlineData(new byte[] { (byte)'j', (byte)'u', (byte)'n', (byte)'k' })]
    [InlineData(new byte[] { 0x1F, 0x8B, 8, 0 })]
    public void Gzip_page_with_bytes_after_the_last_member_is_rejected(byte[] trailing)
    {
        byte[] input = Samples.Mixed(20_000, seed: 38);
        byte[] page = [.. CommandLineTool.Filter("gzip", "-c", input, GzipHint), .. trailing];
        var e = Assert.Throws<ParquetFormatException>(() => Decode(CompressionCodec.Gzip, page, input.Length));
        Assert.StartsWith("GZIP data is corrupt", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void Gzip_page_missing_its_trailer_is_rejected(int cut)
    {
        byte[] input = Samples.Mixed(20_000, seed: 39);
        byte[] gz = CommandLineTool.Filter("gzip", "-c", input, GzipHint);
        Assert.Throws<ParquetFormatException>(() => Decode(CompressionCodec.Gzip, gz[..^cut], input.Length));
    }

    [Fact]
    public void Gzip_tool_reads_our_output()
    {
        byte[] input = Samples.Mixed(500_000, seed: 33);
        Assert.Equal(input, CommandLineTool.Filter("gzip", "-dc", Encode(CompressionCodec.Gzip, input), GzipHint));
    }

    [Theory]
    [InlineData("-c -3", 100_000)]
    [InlineData("-c -19", 100_000)]
    [InlineData("-c --no-check -1", 3_000_000)]
    [InlineData("-c --check", 1)]
    [InlineData("-c", 0)]
    public void Zstd_tool_output_without_a_content_size_decodes(string arguments, int length)
    {
        // Reading stdin, the tool cannot know the size up front, so its frames do not record it.
        byte[] input = Samples.Mixed(length, seed: 34);
        byte[] zst = CommandLineTool.Filter("zstd", "-q " + arguments, input, ZstdHint);
        Assert.Equal(input, Decode(CompressionCodec.Zstd, zst, input.Length));
        Assert.Throws<ParquetFormatException>(() => Decode(CompressionCodec.Zstd, zst, input.Length + 1));
        if (input.Length > 0) Assert.Throws<ParquetFormatException>(() => Decode(CompressionCodec.Zstd, zst, input.Length - 1));
    }

    [Fact]
    public void Concatenated_zstd_frames_all_decode()
    {
        byte[] a = Samples.Mixed(80_000, seed: 35), b = Samples.Random(10_000, seed: 36);
        byte[] page = [.. CommandLineTool.Filter("zstd", "-q -c", a, ZstdHint), .. Encode(CompressionCodec.Zstd, b)];
        Assert.Equal([.. a, .. b], Decode(CompressionCodec.Zstd, page, a.Length + b.Length));
    }

    [Fact]
    public void Zstd_tool_reads_our_output()
    {
        byte[] input = Samples.Mixed(500_000, seed: 37);
        Assert.Equal(input, CommandLineTool.Filter("zstd", "-q -dc", Encode(CompressionCodec.Zstd, input), ZstdHint));
    }
}
