using DeltaLite.Parquet.Compression;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.Compression;

/// <summary>
/// Decodes every compressed page of the shared conformance tables (written by Spark/parquet-mr, Databricks and
/// parquet-rs, which use the reference snappy and zstd libraries): each must decode to its declared size, and
/// SNAPPY pages to the same bytes as a plain reference decoder.
/// </summary>
public class ConformanceInteropTests
{
    [Fact]
    public void Every_page_of_the_conformance_files_decodes_to_its_declared_size()
    {
        var decoded = new Dictionary<CompressionCodec, int>();
        var failures = new List<string>();
        foreach (string relative in TestData.ConformanceParquetFiles())
        {
            byte[] file = File.ReadAllBytes(Path.Combine(TestData.ConformanceRoot, relative));
            foreach (ParquetPageScanner.Page page in ParquetPageScanner.Pages(file))
            {
                var output = new byte[page.UncompressedSize];
                try
                {
                    PageCompression.Decompress(page.Codec, page.Compressed, output);
                    decoded[page.Codec] = decoded.GetValueOrDefault(page.Codec) + 1;
                    if (page.Codec == CompressionCodec.Snappy && !output.AsSpan().SequenceEqual(NaiveSnappy.Decode(page.Compressed)))
                    {
                        failures.Add($"{relative}, page at byte {page.Offset}: differs from the plain reference decoder");
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"{relative}, page at byte {page.Offset} ({page.Codec}): {e.Message}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        Assert.True(decoded.GetValueOrDefault(CompressionCodec.Snappy) >= 100, $"only {decoded.GetValueOrDefault(CompressionCodec.Snappy)} SNAPPY pages found");
        Assert.True(decoded.GetValueOrDefault(CompressionCodec.Zstd) >= 1, "no ZSTD pages found");
    }

    [Fact]
    public void Our_snappy_and_lz4_encoders_round_trip_the_conformance_pages()
    {
        // Real page contents are realistic inputs for our encoders: re-encode every decoded page and read it back.
        int pages = 0;
        foreach (string relative in TestData.ConformanceParquetFiles().Take(60))
        {
            byte[] file = File.ReadAllBytes(Path.Combine(TestData.ConformanceRoot, relative));
            foreach (ParquetPageScanner.Page page in ParquetPageScanner.Pages(file))
            {
                var plain = new byte[page.UncompressedSize];
                PageCompression.Decompress(page.Codec, page.Compressed, plain);
                foreach (CompressionCodec codec in new[] { CompressionCodec.Snappy, CompressionCodec.Lz4Raw })
                {
                    var writer = new System.Buffers.ArrayBufferWriter<byte>();
                    PageCompression.Compress(codec, plain, writer);
                    var again = new byte[plain.Length];
                    PageCompression.Decompress(codec, writer.WrittenSpan, again);
                    Assert.True(plain.AsSpan().SequenceEqual(again), $"{codec} round trip of {relative} page at {page.Offset}");
                }
                pages++;
            }
        }
        Assert.True(pages > 50, $"only {pages} pages seen");
    }
}
