using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.RoundTrip;

/// <summary>
/// <see cref="ParquetReader.ReadBatchesAsync"/> splits row groups into bounded batches, decoding page by page: the rows
/// must equal a whole-row-group read for nested schemas, small pages, several row groups, nulls, and dictionary and
/// PLAIN pages alike.
/// </summary>
public class StreamingReadTests
{
    private static async Task<List<RecordBatch>> ReadBatches(byte[] file, int maxRows, IReadOnlyList<string>? columns = null)
    {
        await using var r = await ParquetReader.OpenAsync(new MemoryStream(file));
        var list = new List<RecordBatch>();
        await foreach (var b in r.ReadBatchesAsync(maxRows, columns)) list.Add(b);
        return list;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 64)]
    [InlineData(4, 150)]
    [InlineData(5, 333)]
    [InlineData(6, 10_000)]
    public async Task Batches_of_nested_multi_page_row_groups_equal_whole_reads(int seed, int maxRows)
    {
        var rnd = new RandomTables(seed);
        var schema = rnd.NextSchema(columns: 6, maxDepth: 3);
        var batches = Enumerable.Range(0, 3).Select(i => rnd.NextBatch(schema, 200 + i * 150)).ToList();
        var file = WriterReaderRoundTripTests.Write(schema, batches, new ParquetWriterOptions
        {
            Compression = seed % 2 == 0 ? CompressionCodec.Snappy : CompressionCodec.Uncompressed,
            RowGroupMaxRows = 420,
            PageSize = 64 + seed * 50,
            EnableDictionary = seed % 3 != 0,
        });
        var whole = WriterReaderRoundTripTests.Read(file);
        Assert.True(whole.Count >= 2, "the file should hold several row groups");
        Assert.Contains(whole, b => b.RowCount > maxRows || maxRows >= 10_000);

        var streamed = await ReadBatches(file, maxRows);
        Assert.All(streamed, b => Assert.InRange(b.RowCount, 1, maxRows));
        Assert.Equal(whole.Sum(b => b.RowCount), streamed.Sum(b => b.RowCount));
        Assert.Equal(WriterReaderRoundTripTests.Rows(whole), WriterReaderRoundTripTests.Rows(streamed));
    }

    [Fact]
    public async Task Batches_of_a_projection_equal_the_projected_whole_read()
    {
        var rnd = new RandomTables(11);
        var schema = rnd.NextSchema(columns: 5, maxDepth: 2);
        var file = WriterReaderRoundTripTests.Write(schema, [rnd.NextBatch(schema, 900)], new ParquetWriterOptions { PageSize = 128 });
        string[] columns = [schema[3].Name, schema[1].Name];
        var whole = WriterReaderRoundTripTests.Read(file, columns);
        var streamed = await ReadBatches(file, 97, columns);
        Assert.Equal(10, streamed.Count);
        Assert.Equal(columns, streamed[0].Schema.Fields.Select(f => f.Name));
        Assert.Equal(WriterReaderRoundTripTests.Rows(whole), WriterReaderRoundTripTests.Rows(streamed));
    }

    [Fact]
    public async Task A_corrupt_page_met_while_streaming_is_a_format_error_naming_the_column()
    {
        var schema = new Schema(new Field("id", DataType.Int64, false), new Field("name", DataType.String));
        var ids = Enumerable.Range(0, 5000).Select(i => (long)i).ToArray();
        var names = Enumerable.Range(0, 5000).Select(i => $"name-{i % 3000}").ToArray();
        var b1 = ColumnBuilder.Create(DataType.Int64);
        var b2 = ColumnBuilder.Create(DataType.String);
        for (int i = 0; i < ids.Length; i++) { b1.Append(ids[i]); b2.Append(names[i]); }
        var file = WriterReaderRoundTripTests.Write(schema, [new RecordBatch(schema, [b1.Build(), b2.Build()], ids.Length)],
            new ParquetWriterOptions { Compression = CompressionCodec.Uncompressed, PageSize = 1024, EnableDictionary = false });
        // Cut the 'name' chunk's later pages: the footer still claims all values.
        using var reader = await ParquetReader.OpenAsync(new MemoryStream(file));
        var meta = reader.Metadata.RowGroups[0].Columns[1].MetaData!;
        long middle = meta.DataPageOffset + meta.TotalCompressedSize / 2;
        var corrupt = (byte[])file.Clone();
        for (long k = middle; k < meta.DataPageOffset + meta.TotalCompressedSize; k++) corrupt[k] = 0xEE;
        var e = await Assert.ThrowsAsync<ParquetFormatException>(() => ReadBatches(corrupt, 500));
        Assert.Equal("name", e.Column);
        Assert.Equal(0, e.RowGroup);
    }

    [Fact]
    public async Task A_null_in_a_required_column_of_a_large_batch_is_reported_as_such()
    {
        // Large batches are shredded on several threads; the caller still sees the ArgumentException itself.
        var schema = new Schema(new Field("a", DataType.Int32, false), new Field("b", DataType.Int32, false), new Field("c", DataType.String));
        var data = new ColumnVector[]
        {
            new PrimitiveVector<int>(DataType.Int32, new int[10_000]),
            new PrimitiveVector<int>(DataType.Int32, new int[10_000], Enumerable.Range(0, 10_000).Select(i => i != 9_000).ToArray()),
            new BinaryVector(DataType.String, new int[10_001], [], 10_000),
        };
        using var writer = new ParquetWriter(new MemoryStream(), schema);
        var e = Assert.Throws<ArgumentException>(() => writer.Write(new RecordBatch(schema, data, 10_000)));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("9000", e.Message);
    }
}
