
namespace DeltaLite.Parquet.Tests.RoundTrip;

/// <summary>Damaged files: every read ends in data or in <see cref="ParquetFormatException"/>, quickly, never another exception.</summary>
public class CorruptFileTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        // A spread of writers, codecs and nesting from the conformance tables.
        string[] picks =
        [
            "delta-rs/simple_table_with_checkpoint/_delta_log/00000000000000000010.checkpoint.parquet",
            "delta-rs/delta-2.2.0-partitioned-types",
            "delta-rs/table_with_edge_timestamps",
            "delta-rs/COVID-19_NYT",
            "delta-rs/table_with_column_mapping",
        ];
        foreach (var p in picks)
        {
            var full = Path.Combine(TestData.ConformanceRoot, p);
            var file = File.Exists(full) ? full : Directory.EnumerateFiles(full, "*.parquet", SearchOption.AllDirectories).Order().First();
            data.Add(Path.GetRelativePath(TestData.ConformanceRoot, file));
        }
        data.Add("<written:nested>");
        data.Add("<written:flat-gzip>");
        return data;
    }

    private static byte[] Load(string name)
    {
        if (!name.StartsWith("<written:", StringComparison.Ordinal)) return File.ReadAllBytes(Path.Combine(TestData.ConformanceRoot, name));
        var rnd = new RandomTables(name.Length);
        var schema = name.Contains("nested") ? rnd.NextSchema(5, 3) : rnd.NextSchema(8, 0);
        var options = new ParquetWriterOptions
        {
            Compression = name.Contains("gzip") ? DeltaLite.Parquet.Metadata.CompressionCodec.Gzip : DeltaLite.Parquet.Metadata.CompressionCodec.Snappy,
            PageSize = 512,
            RowGroupMaxRows = 150,
        };
        return WriterReaderRoundTripTests.Write(schema, [rnd.NextBatch(schema, 400)], options);
    }

    private static async Task ReadEverything(byte[] bytes)
    {
        await using var reader = await ParquetReader.OpenAsync(new MemoryStream(bytes), "damaged.parquet");
        await foreach (var batch in reader.ReadAsync())
            CanonicalJson.WriteLines(batch, Stream.Null);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Truncated_files_fail_with_a_format_error_naming_the_file(string name)
    {
        var bytes = Load(name);
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal));
        var lengths = new HashSet<int> { 0, 1, 4, 8, 11, bytes.Length - 1, bytes.Length - 4, bytes.Length - 8 };
        while (lengths.Count < 60) lengths.Add(rng.Next(bytes.Length));
        foreach (int len in lengths)
        {
            var e = await Assert.ThrowsAsync<ParquetFormatException>(() => ReadEverything(bytes[..len]));
            Assert.Contains("damaged.parquet", e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Flipped_bytes_give_data_or_a_format_error_and_never_hang(string name)
    {
        var bytes = Load(name);
        var rng = new Random(name.Length * 7919);
        int failures = 0;
        for (int round = 0; round < 150; round++)
        {
            var copy = (byte[])bytes.Clone();
            int flips = 1 + rng.Next(6);
            for (int k = 0; k < flips; k++)
            {
                // Half of the damage lands in the footer, where it does the most harm.
                int footerStart = Math.Max(0, copy.Length - 8 - BitConverter.ToInt32(bytes, bytes.Length - 8));
                int at = rng.Next(2) == 0 ? rng.Next(footerStart, copy.Length - 8) : rng.Next(copy.Length);
                copy[at] ^= (byte)(1 << rng.Next(8));
            }
            try
            {
                // A hang guard, not a speed test: a read of damaged bytes must end, one way or the other.
                await ReadEverything(copy).WaitAsync(TimeSpan.FromMinutes(2));
            }
            catch (ParquetFormatException)
            {
                failures++;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"Reading damaged copy {round} of {name} did not end.");
            }
        }
        Assert.True(failures > 0, "no damage was detected at all, which means the test damaged nothing");
    }
}
