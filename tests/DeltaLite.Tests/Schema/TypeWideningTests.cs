using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Log;
using DeltaLite.Parquet;
using DeltaLite.Schema;
using DeltaLite.Tests.Writes;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Schema;

/// <summary>
/// Type widening (reader and writer feature <c>typeWidening</c>): a table whose columns changed to wider types holds
/// data files of the old types, and must read exactly as a table written with the wide types from the start, with
/// data skipping on the old files' statistics, through writes, an optimize and a checkpoint. A recorded change that is
/// not a widening is refused naming the column.
/// </summary>
public sealed class TypeWideningTests
{
    private static readonly Parquet.Schema Narrow = new(
        new Field("id", DataType.Int64, false),
        new Field("b", DataType.Int8),
        new Field("s", DataType.Int16),
        new Field("i", DataType.Int32),
        new Field("f", DataType.Float),
        new Field("d", DataType.Date),
        new Field("m", new DecimalType(5, 2)),
        new Field("il", DataType.Int32),
        new Field("l", DataType.Int64),
        new Field("st", new StructType([new Field("x", DataType.Int32)])),
        new Field("arr", new ListType(DataType.Float, true)),
        new Field("p", DataType.Int32));

    /// <summary>The schema after the changes, each field with its delta.typeChanges.</summary>
    private static readonly Parquet.Schema Wide = new(
        new Field("id", DataType.Int64, false),
        Changed(new Field("b", DataType.Int32), """[{"fromType":"byte","toType":"short"},{"fromType":"short","toType":"integer"}]"""),
        Changed(new Field("s", DataType.Double), """[{"fromType":"short","toType":"double"}]"""),
        Changed(new Field("i", DataType.Int64), """[{"fromType":"integer","toType":"long"}]"""),
        Changed(new Field("f", DataType.Double), """[{"fromType":"float","toType":"double"}]"""),
        Changed(new Field("d", TimestampType.MicrosLocal), """[{"fromType":"date","toType":"timestamp_ntz"}]"""),
        Changed(new Field("m", new DecimalType(8, 4)), """[{"fromType":"decimal(5,2)","toType":"decimal(8,4)"}]"""),
        Changed(new Field("il", new DecimalType(12, 2)), """[{"fromType":"integer","toType":"decimal(12,2)"}]"""),
        Changed(new Field("l", new DecimalType(22, 2)), """[{"fromType":"long","toType":"decimal(22,2)"}]"""),
        new Field("st", new StructType([Changed(new Field("x", DataType.Int64), """[{"fromType":"integer","toType":"long"}]""")])),
        Changed(new Field("arr", new ListType(DataType.Double, true)), """[{"fromType":"float","toType":"double","fieldPath":"element"}]"""),
        Changed(new Field("p", DataType.Int64), """[{"fromType":"integer","toType":"long"}]"""));

    private static Field Changed(Field f, string typeChanges) => f with { Metadata = f.Metadata.With(DeltaSchema.TypeChangesKey, typeChanges) };

    /// <summary>Values of one row, as the narrow and as the wide schema hold them.</summary>
    private static (object?[] Narrow, object?[] Wide) Row(long id)
    {
        sbyte b = (sbyte)(id % 2 == 0 ? sbyte.MinValue + id : sbyte.MaxValue - id);
        short s = (short)(id * 1_001 - 16_000);
        int i = id % 3 == 0 ? int.MinValue + (int)id : (int)(id * 7_919);
        // Ids from 100 make files whose float maximum is exactly 0.1f (and 0.05f).
        float f = id >= 100 ? (id % 2 == 0 ? 0.1f : 0.05f) : id % 4 == 0 ? 0.1f : id % 4 == 1 ? 3.4e38f : (float)(id / 3.0);
        var d = new DateOnly(2020, 2, 29).AddDays((int)id);
        decimal m = (id * 1_234 % 99_999 - 50_000) / 100m;
        int il = id % 2 == 0 ? int.MaxValue - (int)id : -(int)id;
        long l = id % 2 == 0 ? long.MinValue + id : long.MaxValue - id;
        int x = (int)(id * 31 - 1_000);
        float[] arr = [(float)id / 7, 0.1f];
        int p = (int)(id % 2);
        bool nulls = id % 5 == 4;
        return (
            [id, nulls ? null : b, nulls ? null : s, i, nulls ? null : f, d, nulls ? null : m, il, l, new object?[] { x }, arr, p],
            [id, nulls ? null : (int)b, nulls ? null : (double)s, (long)i, nulls ? null : (double)f, d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified),
                nulls ? null : m, (decimal)il, (decimal)l, new object?[] { (long)x }, arr.Select(v => (double)v).ToArray(), (long)p]);
    }

    private static RecordBatch Batch(Parquet.Schema schema, IEnumerable<long> ids, bool wide) =>
        Rows.Batch(schema, ids.Select(id => wide ? Row(id).Wide : Row(id).Narrow).ToArray());

    private static readonly long[] NarrowIds = [.. Enumerable.Range(0, 20).Select(i => (long)i)];
    private static readonly long[] SmallFileIds = [100, 101];
    private static readonly long[] WideIds = [.. Enumerable.Range(20, 10).Select(i => (long)i)];

    /// <summary>Versions 0-2 written narrow, version 3 widens (protocol and schema), version 4 appends wide rows.</summary>
    private static async Task<TempTable> WidenedTableAsync()
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(Narrow, new CreateTableOptions { PartitionColumns = ["p"] });
        await t.Table.AppendAsync([Batch(Narrow, NarrowIds, wide: false)]);
        await t.Table.AppendAsync([Batch(Narrow, SmallFileIds, wide: false)]);
        var before = await t.Table.GetSnapshotAsync();
        byte[] widening = ActionSerializer.WriteCommit(
        [
            new CommitInfoAction(new System.Text.Json.Nodes.JsonObject { ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["operation"] = "CHANGE COLUMN" }),
            new ProtocolAction(3, 7, ["typeWidening"], ["typeWidening"]),
            before.Metadata with
            {
                SchemaString = DeltaSchema.ToJson(Wide),
                Configuration = new Dictionary<string, string>(before.Metadata.Configuration) { ["delta.enableTypeWidening"] = "true" },
            },
        ]);
        await File.WriteAllBytesAsync(System.IO.Path.Combine(t.Path, "_delta_log", "00000000000000000003.json"), widening);
        await t.Table.AppendAsync([Batch(Wide, WideIds, wide: true)]);
        return t;
    }

    /// <summary>The same rows written with the wide types from the start.</summary>
    private static async Task<TempTable> ReferenceAsync()
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(Wide, new CreateTableOptions { PartitionColumns = ["p"] });
        await t.Table.AppendAsync([Batch(Wide, [.. NarrowIds, .. SmallFileIds, .. WideIds], wide: true)]);
        return t;
    }

    private static readonly string[] Filters =
    [
        "f > 0.1", "f >= 0.1", "f < 0.1", "f <= 0.1", "f = 0.1", "f > 3.3e38",
        "b < -100", "b > 100", "s <= -15000", "i < -2147483000", "i > 100000",
        "m >= 250.5", "m < -400", "il > 2147483600", "l < -9223372036854775000", "l > 9223372036854775000",
        "p = 1", "p = 0 AND f > 0.2", "id IN (3, 20, 29)",
    ];

    [Fact]
    public async Task A_widened_table_reads_as_if_written_wide_and_its_statistics_skip_correctly()
    {
        await using var widened = await WidenedTableAsync();
        await using var reference = await ReferenceAsync();
        var snapshot = await widened.Table.GetSnapshotAsync();
        Assert.Equal(4, snapshot.Version);
        Assert.Equal(12, snapshot.TypeChanges.Count);
        Assert.Contains(snapshot.TypeChanges, c => c.Column == "arr.element" && c.From == DataType.Float && c.To == DataType.Double);
        Assert.Contains(snapshot.TypeChanges, c => c.Column == "st.x" && c.To == DataType.Int64);

        var expected = await Rows.OfVersionAsync(reference.Table);
        Assert.Equal(32, expected.Count);
        Assert.Equal(expected, await Rows.OfVersionAsync(widened.Table));
        // The versions before the change still read with their own (narrow) schema.
        Assert.Equal(22, (await Rows.OfVersionAsync(widened.Table, 2)).Count);

        var referenceSnapshot = await reference.Table.GetSnapshotAsync();
        foreach (var text in Filters)
        {
            var filter = PredicateParser.Parse(text);
            var want = Rows.Json(await referenceSnapshot.ReadAllAsync(filter: filter));
            var got = Rows.Json(await snapshot.ReadAllAsync(filter: filter));
            want.Sort(StringComparer.Ordinal);
            got.Sort(StringComparer.Ordinal);
            Assert.True(want.SequenceEqual(got), $"filter {text}: {got.Count} rows read, {want.Count} expected");
        }
        // The boundary the float statistics are about: 0.1f is above 0.1 as a double, and its file must not be skipped.
        Assert.Equal(7, Rows.Json(await snapshot.ReadAllAsync(filter: PredicateParser.Parse("f > 0.1 AND f < 0.2"))).Count);
    }

    [Fact]
    public async Task Writes_optimize_and_checkpoint_of_a_widened_table_keep_its_rows_and_its_type_changes()
    {
        await using var widened = await WidenedTableAsync();
        await using var reference = await ReferenceAsync();
        var expected = await Rows.OfVersionAsync(reference.Table);

        // A merge rewrites old (narrow) files in the wide types.
        await widened.Table.MergeAsync([Batch(Wide, [0, 1, 25], wide: true)], ["id"]);
        await reference.Table.MergeAsync([Batch(Wide, [0, 1, 25], wide: true)], ["id"]);
        Assert.Equal(await Rows.OfVersionAsync(reference.Table), await Rows.OfVersionAsync(widened.Table));

        var optimized = await widened.Table.OptimizeAsync();
        Assert.NotNull(optimized.Commit);
        Assert.Equal(expected, await Rows.OfVersionAsync(widened.Table));
        var snapshot = await widened.Table.GetSnapshotAsync();
        Assert.Equal(12, snapshot.TypeChanges.Count); // writers keep the history

        await CheckpointWriter.WriteAsync(snapshot, DateTimeOffset.UtcNow, CancellationToken.None);
        await using var reopened = await DeltaTable.OpenAsync(widened.Path);
        Assert.Equal(expected, await Rows.OfVersionAsync(reopened));
        var check = await reopened.CheckAsync();
        Assert.True(check.Healthy, string.Join("; ", check.Problems.Select(p => p.What)));
    }

    /// <summary>A table created at version 0 whose version 1 enables type widening and sets <paramref name="schemaJson"/>.</summary>
    private static async Task<TempTable> WithSchemaChangeAsync(string schemaJson)
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(new Parquet.Schema(new Field("id", DataType.Int64)), new CreateTableOptions());
        var before = await t.Table.GetSnapshotAsync();
        await File.WriteAllBytesAsync(System.IO.Path.Combine(t.Path, "_delta_log", "00000000000000000001.json"), ActionSerializer.WriteCommit(
        [
            new ProtocolAction(3, 7, ["typeWidening"], ["typeWidening"]),
            before.Metadata with { SchemaString = schemaJson },
        ]));
        return t;
    }

    [Theory]
    [InlineData("timestamp", "string")]
    [InlineData("long", "integer")]
    [InlineData("double", "float")]
    [InlineData("timestamp", "timestamp_ntz")]
    [InlineData("decimal(10,2)", "decimal(10,3)")]
    [InlineData("long", "decimal(19,0)")]
    [InlineData("integer", "decimal(10,1)")]
    public async Task A_recorded_change_that_is_not_a_widening_is_refused_naming_the_column(string from, string to)
    {
        await using var t = await WithSchemaChangeAsync(
            $$$"""{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"odd","type":"{{{to}}}","nullable":true,"metadata":{"delta.typeChanges":[{"fromType":"{{{from}}}","toType":"{{{to}}}"}]}}]}""");
        await using var table = await DeltaTable.OpenAsync(t.Path);
        var e = await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => table.GetSnapshotAsync());
        Assert.Contains("'odd'", e.Message);
        Assert.Contains($"from {from} to {to}", e.Message);
        Assert.Contains("version 1", e.Message);
        // The version before the change reads.
        Assert.Equal(0, (await table.GetSnapshotAsync(0)).Version);
    }

    [Theory]
    [InlineData("\"not a list\"")]
    [InlineData("[{\"fromType\":\"integer\"}]")]
    [InlineData("[{\"fromType\":\"integer\",\"toType\":\"varchar(3)\"}]")]
    [InlineData("{\"fromType\":\"integer\",\"toType\":\"long\"}")]
    public async Task Damaged_type_change_metadata_is_an_error_naming_the_field_and_version(string typeChanges)
    {
        await using var t = await WithSchemaChangeAsync(
            $$$"""{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{"delta.typeChanges":{{{typeChanges}}}}}]}""");
        await using var table = await DeltaTable.OpenAsync(t.Path);
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => table.GetSnapshotAsync());
        Assert.Contains("'id'", e.Message);
        Assert.Contains("version 1", e.Message);
    }

    [Theory]
    [InlineData("byte", "short", true)]
    [InlineData("byte", "long", true)]
    [InlineData("short", "double", true)]
    [InlineData("integer", "double", true)]
    [InlineData("long", "double", false)]
    [InlineData("float", "double", true)]
    [InlineData("date", "timestamp_ntz", true)]
    [InlineData("date", "timestamp", false)]
    [InlineData("decimal(5,2)", "decimal(8,4)", true)]
    [InlineData("decimal(5,2)", "decimal(6,4)", false)]
    [InlineData("integer", "decimal(10,0)", true)]
    [InlineData("integer", "decimal(9,0)", false)]
    [InlineData("long", "decimal(20,0)", true)]
    [InlineData("long", "decimal(21,2)", false)]
    [InlineData("integer", "integer", false)]
    [InlineData("string", "binary", false)]
    public void Widening_rules_follow_the_protocol(string from, string to, bool allowed)
    {
        static DataType Parse(string name) =>
            DeltaSchema.Parse($$$"""{"type":"struct","fields":[{"name":"c","type":"{{{name}}}","nullable":true,"metadata":{}}]}""")[0].Type;
        Assert.Equal(allowed, ColumnCast.IsTypeWidening(Parse(from), Parse(to)));
    }
}
