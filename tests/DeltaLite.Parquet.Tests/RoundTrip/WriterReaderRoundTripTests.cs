using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Tests.RoundTrip;

public class WriterReaderRoundTripTests
{
    internal static byte[] Write(Schema schema, IEnumerable<RecordBatch> batches, ParquetWriterOptions? options = null)
    {
        var ms = new MemoryStream();
        using (var w = new ParquetWriter(ms, schema, options, leaveOpen: true))
            foreach (var b in batches) w.Write(b);
        return ms.ToArray();
    }

    internal static List<RecordBatch> Read(byte[] file, IReadOnlyList<string>? columns = null)
    {
        using var r = ParquetReader.OpenAsync(new MemoryStream(file)).GetAwaiter().GetResult();
        return r.ReadAllAsync(columns).GetAwaiter().GetResult();
    }

    internal static List<string> Rows(IEnumerable<RecordBatch> batches) =>
        batches.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(i => CanonicalJson.RowToString(b, i))).ToList();

    private static void AssertSameRows(IEnumerable<RecordBatch> expected, IEnumerable<RecordBatch> actual)
    {
        var e = Rows(expected);
        var a = Rows(actual);
        Assert.Equal(e.Count, a.Count);
        for (int i = 0; i < e.Count; i++)
            if (e[i] != a[i]) Assert.Fail($"Row {i} differs.\nexpected: {e[i]}\nactual:   {a[i]}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Random_schemas_and_rows_survive_a_round_trip(int seed)
    {
        var rnd = new RandomTables(seed);
        var schema = rnd.NextSchema(columns: 6, maxDepth: 3);
        var batches = Enumerable.Range(0, 3).Select(i => rnd.NextBatch(schema, 50 + i * 97)).ToList();
        var codecs = new[] { CompressionCodec.Snappy, CompressionCodec.Uncompressed, CompressionCodec.Gzip, CompressionCodec.Zstd };
        var options = new ParquetWriterOptions
        {
            Compression = codecs[seed % codecs.Length],
            RowGroupMaxRows = 70 + seed * 13,
            PageSize = 64 + seed * 200,
            EnableDictionary = seed % 3 != 0,
        };
        var file = Write(schema, batches, options);
        var back = Read(file);
        Assert.Equal(schema, new Schema(back[0].Schema.Fields));
        AssertSameRows(batches, back);
    }

    [Fact]
    public void Every_primitive_type_with_nulls_round_trips_and_keeps_its_type()
    {
        var rnd = new RandomTables(42);
        var schema = new Schema(RandomTables.Primitives.Select((t, i) => new Field("p" + i, t, true)).ToArray());
        var batch = rnd.NextBatch(schema, 500, nullRate: 0.3);
        var back = Read(Write(schema, [batch]));
        Assert.Equal(schema, back[0].Schema);
        AssertSameRows([batch], back);
    }

    [Fact]
    public void Nulls_at_every_nesting_level_round_trip()
    {
        var inner = new StructType(new Field("x", DataType.Int32), new Field("tags", new ListType(DataType.String)));
        var schema = new Schema(
            new Field("s", inner),
            new Field("l", new ListType(new ListType(DataType.Int64))),
            new Field("m", new MapType(DataType.String, new ListType(inner))));
        var s = ColumnBuilder.Create(schema[0].Type);
        var l = ColumnBuilder.Create(schema[1].Type);
        var m = ColumnBuilder.Create(schema[2].Type);
        object?[] structs = [null, new object?[] { null, null }, new object?[] { 1, Array.Empty<object>() }, new object?[] { 2, new object?[] { null, "", "a" } }];
        object?[] lists = [null, Array.Empty<object>(), new object?[] { null }, new object?[] { Array.Empty<object>(), new object?[] { 1L, null, 3L } }];
        object?[] maps =
        [
            null,
            new Dictionary<string, object?>(),
            new Dictionary<string, object?> { ["k"] = null },
            new Dictionary<string, object?> { ["a"] = new object?[] { null, new object?[] { 5, new object?[] { "z" } } }, ["b"] = Array.Empty<object>() },
        ];
        for (int i = 0; i < 4; i++)
        {
            s.Append(structs[i]);
            l.Append(lists[i]);
            m.Append(maps[i]);
        }
        var batch = new RecordBatch(schema, [s.Build(), l.Build(), m.Build()], 4);
        var back = Read(Write(schema, [batch]));
        AssertSameRows([batch], back);
        var rows = Rows(back);
        Assert.Equal("""{"s":null,"l":null,"m":null}""", rows[0]);
        Assert.Equal("""{"s":{"x":null,"tags":null},"l":[],"m":{}}""", rows[1]);
        Assert.Equal("""{"s":{"x":2,"tags":[null,"","a"]},"l":[[],[1,null,3]],"m":{"a":[null,{"x":5,"tags":["z"]}],"b":[]}}""", rows[3]);
    }

    [Fact]
    public async Task An_empty_file_has_the_schema_and_no_rows()
    {
        var schema = new Schema(new Field("id", DataType.Int64, false), new Field("name", DataType.String));
        var file = Write(schema, []);
        await using var r = await ParquetReader.OpenAsync(new MemoryStream(file));
        Assert.Equal(0, r.RowCount);
        Assert.Equal(0, r.RowGroupCount);
        Assert.Equal(schema, r.Schema);
    }

    [Fact]
    public async Task Many_pages_and_row_groups_keep_row_order()
    {
        var schema = new Schema(new Field("id", DataType.Int64, false), new Field("s", DataType.String), new Field("d", new DecimalType(20, 4)));
        var id = (PrimitiveBuilder<long>)ColumnBuilder.Create(DataType.Int64);
        var str = ColumnBuilder.Create(DataType.String);
        var dec = ColumnBuilder.Create(schema[2].Type);
        for (int i = 0; i < 20_000; i++)
        {
            id.AppendValue(i);
            str.Append(i % 7 == 0 ? null : "row " + (i % 500));
            dec.Append(i % 11 == 0 ? null : (Int128)i * 1_000_000_007);
        }
        var batch = new RecordBatch(schema, [id.Build(), str.Build(), dec.Build()], 20_000);
        var file = Write(schema, [batch], new ParquetWriterOptions { RowGroupMaxRows = 6000, PageSize = 4096 });
        await using var r = await ParquetReader.OpenAsync(new MemoryStream(file));
        Assert.Equal(4, r.RowGroupCount);
        Assert.True(r.Metadata.RowGroups[0].Columns[0].MetaData!.TotalCompressedSize > 4096 * 2, "expected several pages per chunk");
        AssertSameRows([batch], await r.ReadAllAsync());
    }

    [Fact]
    public void Large_values_round_trip()
    {
        var schema = new Schema(new Field("big", DataType.String), new Field("bin", DataType.Binary));
        var big = new string('x', 3_000_000) + "end";
        var bin = new byte[2_000_000];
        new Random(1).NextBytes(bin);
        var s = ColumnBuilder.Create(DataType.String);
        var b = ColumnBuilder.Create(DataType.Binary);
        s.Append(big); b.Append(bin);
        s.Append(""); b.Append(Array.Empty<byte>());
        var batch = new RecordBatch(schema, [s.Build(), b.Build()], 2);
        var back = Read(Write(schema, [batch]));
        Assert.Equal(big, ((BinaryVector)back[0].Columns[0]).GetString(0));
        Assert.Equal(bin, ((BinaryVector)back[0].Columns[1]).GetSpan(0).ToArray());
        Assert.Equal("", ((BinaryVector)back[0].Columns[0]).GetString(1));
    }

    [Fact]
    public void Projection_decodes_only_the_asked_columns_in_the_asked_order()
    {
        var rnd = new RandomTables(7);
        var schema = rnd.NextSchema(5, 2);
        var batch = rnd.NextBatch(schema, 100);
        var file = Write(schema, [batch]);
        var names = new[] { schema[3].Name, schema[1].Name };
        var back = Read(file, names);
        Assert.Equal(names, back[0].Schema.Fields.Select(f => f.Name));
        AssertSameRows([batch.Select(names)], back);
    }

    [Fact]
    public async Task Writer_statistics_match_the_data()
    {
        var schema = new Schema(new Field("i", DataType.Int32), new Field("s", DataType.String), new Field("u", DataType.UInt32),
            new Field("d", new DecimalType(10, 2)), new Field("f", DataType.Double), new Field("t", TimestampType.MicrosUtc));
        var b = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        void Row(object? i, object? s, object? u, object? d, object? f, object? t)
        {
            b[0].Append(i); b[1].Append(s); b[2].Append(u); b[3].Append(d); b[4].Append(f); b[5].Append(t);
        }
        Row(5, "banana", 3u, 12.5m, double.NaN, new DateTime(2020, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Row(-7, "apple", 4_000_000_000u, -3.25m, 2.5, null);
        Row(null, null, null, null, null, new DateTime(2021, 6, 1, 12, 0, 0, DateTimeKind.Utc));
        var batch = new RecordBatch(schema, b.Select(x => x.Build()).ToArray(), 3);
        var ms = new MemoryStream();
        var w = new ParquetWriter(ms, schema, null, leaveOpen: true);
        w.Write(batch);
        w.Close();
        var stats = w.GetStatistics().ToDictionary(s => string.Join('.', s.Path));
        Assert.Equal((-7, 5, 1L), ((int)stats["i"].Min!, (int)stats["i"].Max!, stats["i"].NullCount));
        Assert.Equal(("apple", "banana"), ((string)stats["s"].Min!, (string)stats["s"].Max!));
        Assert.Equal((3u, 4_000_000_000u), ((uint)stats["u"].Min!, (uint)stats["u"].Max!));
        Assert.Equal((-3.25m, 12.5m), ((decimal)stats["d"].Min!, (decimal)stats["d"].Max!));
        Assert.Equal((2.5, 2.5), ((double)stats["f"].Min!, (double)stats["f"].Max!));
        Assert.Equal(new DateTime(2020, 1, 2, 0, 0, 0, DateTimeKind.Utc), stats["t"].Min);
        Assert.Equal(1L, stats["t"].NullCount);

        await using var r = await ParquetReader.OpenAsync(new MemoryStream(ms.ToArray()));
        var read = r.GetStatistics(0, "u")!;
        Assert.Equal(4_000_000_000u, read.Max);
        Assert.Equal(1L, read.NullCount);
    }
}
