using System.Globalization;
using System.Text.Json;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Tests.RoundTrip;

namespace DeltaLite.Parquet.Tests.Peers;

/// <summary>Files DeltaLite writes, read back by DuckDB: the same values, the expected types, the statistics we reported.</summary>
public sealed class WrittenFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("deltalite-written-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, Schema schema, IReadOnlyList<RecordBatch> batches, ParquetWriterOptions? options = null)
    {
        string path = Path.Combine(_dir, name);
        using (var w = ParquetWriter.Create(path, schema, options)) foreach (var b in batches) w.Write(b);
        return path;
    }

    private static List<JsonElement> OurRows(IEnumerable<RecordBatch> batches) =>
        WriterReaderRoundTripTests.Rows(batches).Select(r => JsonDocument.Parse(r).RootElement.Clone()).ToList();

    public static TheoryData<int, int, CompressionCodec> Cases() => new()
    {
        { 1, 0, CompressionCodec.Snappy },
        { 2, 0, CompressionCodec.Zstd },
        { 3, 0, CompressionCodec.Gzip },
        { 4, 0, CompressionCodec.Uncompressed },
        { 5, 2, CompressionCodec.Snappy },
        { 6, 3, CompressionCodec.Snappy },
        { 7, 3, CompressionCodec.Zstd },
        { 8, 2, CompressionCodec.Lz4Raw },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DuckDB_reads_random_files_with_the_values_and_types_we_wrote(int seed, int depth, CompressionCodec codec)
    {
        var rnd = new RandomTables(seed * 101);
        var schema = rnd.NextSchema(depth == 0 ? 12 : 6, depth);
        var batches = new[] { rnd.NextBatch(schema, 300), rnd.NextBatch(schema, 211) };
        var path = WriteFile($"random-{seed}.parquet", schema, batches,
            new ParquetWriterOptions { Compression = codec, RowGroupMaxRows = 200, PageSize = 1024, EnableDictionary = seed % 2 == 1 });

        JsonRowComparer.AssertEqual(OurRows(batches), DuckDbPeer.Rows(path).ToList(), "deltalite", "duckdb");
        var duckTypes = DuckDbPeer.Types(path).EnumerateArray().Select(t => t.GetProperty("type").GetString()!.Replace("\"", "")).ToList();
        Assert.Equal(schema.Fields.Select(f => DuckDbTypes.Name(f.Type).Replace("\"", "")).ToList(), duckTypes);
    }

    [Fact]
    public void DuckDB_sees_every_primitive_type_with_its_logical_and_legacy_annotation()
    {
        var rnd = new RandomTables(5);
        var schema = new Schema(RandomTables.Primitives.Select((t, i) => new Field("p" + i, t)).ToArray());
        var batch = rnd.NextBatch(schema, 400);
        var path = WriteFile("primitives.parquet", schema, [batch]);
        JsonRowComparer.AssertEqual(OurRows([batch]), DuckDbPeer.Rows(path).ToList(), "deltalite", "duckdb");

        var leaves = DuckDbPeer.Schema(path).EnumerateArray().Skip(1)
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e);
        string? Converted(string name) => leaves[name].GetProperty("converted_type").ValueKind == JsonValueKind.Null ? null : leaves[name].GetProperty("converted_type").GetString();
        string Logical(string name) => leaves[name].GetProperty("logical_type").ValueKind == JsonValueKind.Null ? "" : leaves[name].GetProperty("logical_type").GetString()!;
        for (int i = 0; i < schema.Count; i++)
        {
            string n = schema[i].Name;
            var t = schema[i].Type;
            switch (t)
            {
                case DecimalType d:
                    Assert.Equal("DECIMAL", Converted(n));
                    Assert.Equal(d.Precision, leaves[n].GetProperty("precision").GetInt32());
                    Assert.Equal(d.Scale, leaves[n].GetProperty("scale").GetInt32());
                    Assert.StartsWith("DecimalType", Logical(n));
                    break;
                case TimestampType ts:
                    Assert.StartsWith("TimestampType(isAdjustedToUTC=" + (ts.IsAdjustedToUtc ? "1" : "0"), Logical(n));
                    if (ts.IsAdjustedToUtc && ts.Unit == TimeUnit.Micros) Assert.Equal("TIMESTAMP_MICROS", Converted(n));
                    if (ts.IsAdjustedToUtc && ts.Unit == TimeUnit.Millis) Assert.Equal("TIMESTAMP_MILLIS", Converted(n));
                    break;
                default:
                    switch (t.Kind)
                    {
                        case TypeKind.String: Assert.Equal("UTF8", Converted(n)); Assert.Equal("StringType()", Logical(n)); break;
                        case TypeKind.Date: Assert.Equal("DATE", Converted(n)); Assert.Equal("DateType()", Logical(n)); break;
                        case TypeKind.Int8: Assert.Equal("INT_8", Converted(n)); break;
                        case TypeKind.Int16: Assert.Equal("INT_16", Converted(n)); break;
                        case TypeKind.UInt8: Assert.Equal("UINT_8", Converted(n)); break;
                        case TypeKind.UInt16: Assert.Equal("UINT_16", Converted(n)); break;
                        case TypeKind.UInt32: Assert.Equal("UINT_32", Converted(n)); break;
                        case TypeKind.UInt64: Assert.Equal("UINT_64", Converted(n)); break;
                        case TypeKind.Uuid: Assert.Equal("UUIDType()", Logical(n)); break;
                    }
                    break;
            }
        }
    }

    [Fact]
    public async Task DuckDB_reports_the_statistics_we_wrote_for_every_chunk()
    {
        var schema = new Schema(new Field("id", DataType.Int64, false), new Field("n", DataType.Int32), new Field("u", DataType.UInt32),
            new Field("name", DataType.String), new Field("amt", new DecimalType(12, 2)), new Field("big", new DecimalType(30, 4)),
            new Field("day", DataType.Date));
        var rng = new Random(3);
        var b = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        const int rows = 5000;
        for (int i = 0; i < rows; i++)
        {
            b[0].Append((long)i * 3 - 7000);
            b[1].Append(rng.Next(10) == 0 ? null : rng.Next(-1000, 1000));
            b[2].Append(rng.Next(7) == 0 ? null : (uint)rng.NextInt64(uint.MaxValue));
            b[3].Append(rng.Next(5) == 0 ? null : "name-" + rng.Next(100_000).ToString("D6", CultureInfo.InvariantCulture));
            b[4].Append(rng.Next(9) == 0 ? null : rng.Next(-1_000_000, 1_000_000) / 100m);
            b[5].Append(rng.Next(9) == 0 ? null : ((Int128)rng.NextInt64() * 1_000_000_007 - (Int128)rng.NextInt64()));
            b[6].Append(rng.Next(4) == 0 ? null : new DateOnly(2000, 1, 1).AddDays(rng.Next(9000)));
        }
        var batch = new RecordBatch(schema, b.Select(x => x.Build()).ToArray(), rows);
        var path = WriteFile("stats.parquet", schema, [batch], new ParquetWriterOptions { RowGroupMaxRows = 1500 });

        await using var reader = await ParquetReader.OpenAsync(path);
        var duck = DuckDbPeer.Metadata(path).EnumerateArray().ToList();
        Assert.Equal(reader.RowGroupCount * schema.Count, duck.Count);
        foreach (var row in duck)
        {
            int g = row.GetProperty("row_group_id").GetInt32();
            string column = row.GetProperty("path_in_schema").GetString()!;
            var ours = reader.GetStatistics(g, column)!;
            Assert.Equal(ours.NullCount, row.GetProperty("stats_null_count").GetInt64());
            Assert.Equal(Show(ours.Min), row.GetProperty("stats_min_value").GetString());
            Assert.Equal(Show(ours.Max), row.GetProperty("stats_max_value").GetString());
        }
    }

    private static string? Show(object? v) => v switch
    {
        null => null,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
