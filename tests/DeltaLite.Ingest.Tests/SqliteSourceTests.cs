using DeltaLite.Ingest.Tests.Support;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// SQLite values: Unicode text, decimals at full precision, declared types, query sources. SQLite itself stores a value
/// in a DECIMAL column (NUMERIC affinity) as REAL when its first 15 digits survive that, so only decimals kept as text
/// (a declared type with TEXT affinity, such as "DECIMAL(38,10) TEXT") keep all 38 digits; both are read as stored.
/// </summary>
public sealed class SqliteSourceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task UnicodeAndFullPrecisionDecimals()
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, "CREATE TABLE \"ünï 表\" (id INTEGER, \"naïve ✓\" TEXT, big \"DECIMAL(38,10) TEXT\", approx DECIMAL(38,10), money DECIMAL(12,2), flag BOOLEAN, day DATE, at TIMESTAMP)");
        string[] texts = ["Zoë", "日本語", "🦄👩‍👩‍👧", "עברית", "e\u0301", "tab\there", "nl\nhere"];
        string[] bigs = ["1234567890123456789012345678.0123456789", "-8765432109876543210987654321.9876543211", "0.0000000001", "42.5000000000", "1", "-0.5", "0"];
        for (int i = 0; i < texts.Length; i++)
            SqliteDb.Execute(db, "INSERT INTO \"ünï 表\" VALUES ($i, $t, $b, $b, $m, $f, '2024-02-29', '2024-02-29 23:59:59.123')",
                ("$i", i), ("$t", texts[i]), ("$b", bigs[i]), ("$m", i * 1000.25m), ("$f", i % 2));
        var job = new IngestJob { Source = SourceKind.Sqlite, Connection = db, Table = "\"ünï 表\"", Target = _dir["table"], SourceId = "unicode" };
        await IngestRunner.RunAsync(job);
        await using var table = await DeltaTable.OpenAsync(_dir["table"]);
        var schema = (await table.GetSnapshotAsync()).Schema;
        Assert.Equal(["long", "string", "decimal(38,10)", "decimal(38,10)", "decimal(12,2)", "boolean", "date", "timestamp"], schema.Fields.Select(f => DeltaLite.Schema.DeltaSchema.TypeName(f.Type)));
        var rows = (await Rows.ReadTableAsync(_dir["table"])).OrderBy(r => int.Parse(r["id"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(texts, rows.Select(r => r["naïve ✓"]));
        Assert.Equal(["1234567890123456789012345678.0123456789", "-8765432109876543210987654321.9876543211", "0.0000000001", "42.5000000000", "1.0000000000", "-0.5000000000", "0.0000000000"],
            rows.Select(r => r["big"]));
        // The DECIMAL column: SQLite kept 15 significant digits of the long values (REAL), and they are read as such.
        Assert.Equal(["1234567890123460000000000000.0000000000", "-8765432109876540000000000000.0000000000", "0.0000000001", "42.5000000000"], rows.Take(4).Select(r => r["approx"]));
        Assert.Equal(["0.00", "1000.25", "2000.50", "3000.75", "4001.00", "5001.25", "6001.50"], rows.Select(r => r["money"]));
        Assert.Equal("2024-02-29T23:59:59.123000Z", rows[0]["at"]);
        Assert.Equal(["false", "true"], rows.Take(2).Select(r => r["flag"]));
    }

    [Fact]
    public async Task QuerySourceWithWatermark()
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, "CREATE TABLE t (id INTEGER, ts TIMESTAMP, kind TEXT); INSERT INTO t VALUES (1, '2024-01-01 00:00:00', 'a'), (2, '2024-01-02 00:00:00', 'b'), (3, '2024-01-03 00:00:00', 'a')");
        var job = new IngestJob { Source = SourceKind.Sqlite, Connection = db, Query = "SELECT id, ts, kind FROM t WHERE kind = 'a'", WatermarkColumn = "ts", Target = _dir["q"] };
        var first = await IngestRunner.RunAsync(job);
        Assert.Equal(2, first.RowsRead);
        Assert.StartsWith("sqlite.query-", first.SourceId);
        SqliteDb.Execute(db, "INSERT INTO t VALUES (4, '2024-01-04 00:00:00', 'a'), (5, '2024-01-05 00:00:00', 'b')");
        Assert.Equal(1, (await IngestRunner.RunAsync(job)).RowsRead);
        Assert.Equal(["1", "3", "4"], (await Rows.ReadTableAsync(_dir["q"])).Select(r => r["id"]!).Order());
    }
}
