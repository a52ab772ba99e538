using DeltaLite.Ingest.Sql;
using DeltaLite.Ingest.State;
using DeltaLite.Ingest.Tests.Support;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// SQLite rows read through our own statement (SQLite's column functions, text as its UTF-8 bytes) must equal the rows
/// Microsoft.Data.Sqlite's data reader gives, value for value, for every storage class in every declared type, with
/// the same errors for values a column cannot take, the same rows between watermark bounds of every kind, and the
/// same query errors. A UTF-16 database is left to the driver.
/// </summary>
public sealed class SqliteRawReadTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Columns =
        "id INTEGER, i INTEGER, r REAL, t TEXT, m DECIMAL(12,2), big \"DECIMAL(38,10) TEXT\", flag BOOLEAN, day DATE, at TIMESTAMP, b BLOB, n NUMERIC";

    /// <summary>The rows (canonical JSON) or the error of one way of reading.</summary>
    private async Task<(List<string> Rows, string? Error)> ReadAsync(string db, bool raw, string table = "t", string? watermark = null,
        WatermarkValue? low = null, WatermarkValue? high = null, int batchSize = 1_000, string? query = null)
    {
        var job = new IngestJob
        {
            Source = SourceKind.Sqlite, Connection = db, Table = query is null ? table : null, Query = query, WatermarkColumn = watermark, BatchSize = batchSize, Target = _dir["unused"],
        };
        var source = new SqlSource(job) { RawSqliteEnabled = raw };
        var rows = new List<string>();
        try
        {
            var schema = await source.GetSchemaAsync(default);
            await foreach (var batch in source.ReadAsync(schema, low, high, includeNulls: false, null, default))
                for (int i = 0; i < batch.RowCount; i++) rows.Add(CanonicalJson.RowToString(batch, i));
        }
        catch (Exception e) when (e is IngestException or BadRowException)
        {
            return (rows, $"{e.GetType().Name}: {e.Message}");
        }
        Assert.Equal(raw, source.ReadThroughRawSqlite);
        return (rows, null);
    }

    private async Task<List<string>> AssertSameBothWaysAsync(string db, string table = "t", string? watermark = null, WatermarkValue? low = null,
        WatermarkValue? high = null, int batchSize = 1_000)
    {
        var driver = await ReadAsync(db, raw: false, table, watermark, low, high, batchSize);
        var own = await ReadAsync(db, raw: true, table, watermark, low, high, batchSize);
        Assert.Equal(driver.Error, own.Error);
        Assert.Equal(driver.Rows.Count, own.Rows.Count);
        for (int i = 0; i < driver.Rows.Count; i++) Assert.True(driver.Rows[i] == own.Rows[i], $"row {i + 1}:\n driver: {driver.Rows[i]}\n ours:   {own.Rows[i]}");
        return own.Rows;
    }

    [Fact]
    public async Task Every_storage_class_in_every_declared_type_reads_as_through_the_driver()
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, $"CREATE TABLE t ({Columns})");
        // Each row puts other storage classes into the columns (SQLite keeps what its affinity rules allow).
        SqliteDb.Execute(db, """
            INSERT INTO t VALUES
              (1, 42, 1.5, 'plain', 1000.25, '1234567890123456789012345678.0123456789', 1, '2024-02-29', '2024-02-29 23:59:59.123', x'00ff', 12),
              (2, -9223372036854775808, 3, 123, 7, '-0.5', 0, '2024-02-29 10:11:12', '2024-02-29T23:59:59Z', x'', 1.25),
              (3, '17', '2.5', x'68c3a9', '12.345', 7, 'true', '1999-12-31', '2024-02-29 23:59:59+02:00', x'ff', '2.75'),
              (4, 3.0, -0.0, '', 0.005, '0', 'no', '0001-01-01', '9999-12-31 23:59:59.9999999', NULL, NULL),
              (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (6, 9223372036854775807, 1e308, 'Zoë 日本語 🦄👩‍👩‍👧 e' || char(769) || ' tab' || char(9) || 'nl' || char(10), -99999999.99, '42.5', 'Y', '2024-02-29', 1700000000, x'41', 7),
              (7, 0, 5e-324, 'x' || char(0) || 'y', 1e-3, '-8765432109876543210987654321.9876543211', 't', '2024-03-01', '2024-02-29 23:59:59.1234567', NULL, -1e-7)
            """);
        // A long text, to cross the builders' first buffer growth.
        SqliteDb.Execute(db, "INSERT INTO t (id, t) VALUES (8, $t)", ("$t", new string('x', 100_000) + "✓"));
        var error = (await ReadAsync(db, raw: false)).Error;
        Assert.True(error is null, error);
        var rows = await AssertSameBothWaysAsync(db);
        Assert.Equal(8, rows.Count);
        Assert.Contains("\"t\":\"Zoë 日本語", rows[5], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("i INTEGER", "'abc'")]
    [InlineData("i INTEGER", "x'0102'")]
    [InlineData("r REAL", "'not a number'")]
    [InlineData("n NUMERIC", "'abc'")]
    [InlineData("m DECIMAL(12,2)", "'12,5'")]
    [InlineData("m DECIMAL(4,2)", "12345.5")]
    [InlineData("flag BOOLEAN", "'maybe'")]
    [InlineData("day DATE", "'2024-2-9'")]
    [InlineData("day DATE", "20240101")]
    [InlineData("day DATE", "'2023-02-29'")]
    [InlineData("at TIMESTAMP", "'yesterday'")]
    [InlineData("at TIMESTAMP", "'2024-02-30 10:00:00'")]
    [InlineData("b BLOB", "'text in a blob column'")]
    public async Task A_value_a_column_cannot_take_is_the_same_error_at_the_same_row(string column, string value)
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, $"CREATE TABLE t (id INTEGER, {column})");
        for (int i = 1; i <= 1_500; i++) SqliteDb.Execute(db, $"INSERT INTO t VALUES ({i}, {(i == 1_234 ? value : "NULL")})");
        var driver = await ReadAsync(db, raw: false);
        Assert.NotNull(driver.Error);
        Assert.Contains("row 1234", driver.Error);
        await AssertSameBothWaysAsync(db);
    }

    public static TheoryData<string, string, WatermarkValue?, WatermarkValue?> Bounds() => new()
    {
        { "i INTEGER", "i", new("long", 3L), new("long", 7L) },
        { "i INTEGER", "i", null, new("long", 5L) },
        { "at TIMESTAMP", "at", new("timestamp", new DateTime(2024, 1, 3, 0, 0, 0, 500, DateTimeKind.Utc)), new("timestamp", new DateTime(2024, 1, 7, 0, 0, 0, DateTimeKind.Utc)) },
        { "d DATE", "d", new("date", new DateOnly(2024, 1, 3)), new("date", new DateOnly(2024, 1, 8)) },
        { "m DECIMAL(10,2)", "m", new("decimal", 3.5m), new("decimal", 8.25m) },
        { "s TEXT", "s", new("string", "k03"), new("string", "k07") },
    };

    [Theory]
    [MemberData(nameof(Bounds))]
    public async Task Watermark_bounds_of_every_kind_select_the_same_rows(string column, string watermark, WatermarkValue? low, WatermarkValue? high)
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, $"CREATE TABLE t (id INTEGER, {column})");
        for (int i = 1; i <= 10; i++)
        {
            // Values at and around the bounds: half-second timestamps, quarter decimals, zero-padded keys.
            string value = watermark switch
            {
                "at" => $"'2024-01-{i:D2} 00:00:00{(i % 2 == 0 ? "" : ".5")}'",
                "d" => $"'2024-01-{i:D2}'",
                "m" => $"{i * 1.25m}",
                "s" => $"'k{i:D2}'",
                _ => $"{i}",
            };
            SqliteDb.Execute(db, $"INSERT INTO t VALUES ({i}, {value})");
        }
        var rows = await AssertSameBothWaysAsync(db, watermark: watermark, low: low, high: high);
        Assert.NotEmpty(rows);
        Assert.True(rows.Count < 10, "the bounds should leave some rows out");
    }

    [Fact]
    public async Task Many_batches_read_the_same()
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, $"CREATE TABLE t ({Columns})");
        SqliteDb.Execute(db, """
            WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < 2500)
            INSERT INTO t SELECT x, x * 7, x / 3.0, 'row ' || x, x * 1.25, x || '.5', x % 2, date('2020-01-01', '+' || x || ' days'),
              datetime('2020-01-01', '+' || x || ' minutes'), NULL, x FROM k
            """);
        Assert.Equal(2_500, (await AssertSameBothWaysAsync(db, batchSize: 1_000)).Count);
    }

    [Theory]
    [InlineData("SELECT id FROM t WHERE abs(-9223372036854775807 - 1 + id - 1) > 0", "query failed: SQLite Error 1: 'integer overflow'")]
    [InlineData("SELECT id FROM t WHERE CASE WHEN id = 1500 THEN abs(-9223372036854775807 - 1) ELSE 1 END > 0", "reading rows failed after 1499 rows: SQLite Error 1: 'integer overflow'")]
    [InlineData("SELECT id, json_extract(j, '$.a') AS a FROM t", "query failed: SQLite Error 1: 'no such column: j'")]
    public async Task Query_errors_are_the_same(string query, string expected)
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, "CREATE TABLE t (id INTEGER)");
        SqliteDb.Execute(db, "WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < 2000) INSERT INTO t SELECT x FROM k");
        var driver = await ReadAsync(db, raw: false, query: query);
        var own = await ReadAsync(db, raw: true, query: query);
        Assert.Equal(driver.Error, own.Error);
        Assert.True(driver.Error?.Contains(expected, StringComparison.Ordinal) == true, driver.Error);
    }

    /// <summary>
    /// SQLite stores the bytes it is given: text that is not UTF-8 is a bad value naming row and column (the driver's
    /// reader turned it into replacement characters without a word), in a string column, however it is read.
    /// </summary>
    [Theory]
    [InlineData("x'4142c328'", 2)]
    [InlineData("x'e9'", 0)]
    [InlineData("x'41f0908d'", 1)]
    public async Task Text_that_is_not_UTF8_is_a_bad_value_naming_row_and_column(string bytes, int offset)
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, "CREATE TABLE t (id INTEGER, s TEXT)");
        SqliteDb.Execute(db, $"INSERT INTO t VALUES (1, 'fine'), (2, CAST({bytes} AS TEXT)), (3, 'fine')");
        var own = await ReadAsync(db, raw: true);
        Assert.True(own.Error?.Contains("row 2, column 's'", StringComparison.Ordinal) == true
            || own.Error?.Contains("row 2: Column 's'", StringComparison.Ordinal) == true, own.Error);
        Assert.Contains($"not valid UTF-8", own.Error);
        Assert.Contains($"at offset {offset} ", own.Error);
        // Selected as a BLOB, the same bytes load as they are.
        var job = new IngestJob { Source = SourceKind.Sqlite, Connection = db, Query = "SELECT id, CAST(s AS BLOB) AS s FROM t", Target = _dir["unused"] };
        var source = new SqlSource(job);
        var schema = await source.GetSchemaAsync(default);
        long rows = 0;
        await foreach (var batch in source.ReadAsync(schema, null, null, true, null, default)) rows += batch.RowCount;
        Assert.Equal(3, rows);
    }

    [Fact]
    public void SQLites_column_functions_are_called_directly()
    {
        // The e_sqlite3 library Microsoft.Data.Sqlite ships is found (DELTALITE_SQLITE_NATIVE=0 turns the direct calls
        // off, to run these tests through SQLitePCLRaw's calls instead).
        Assert.Equal(Environment.GetEnvironmentVariable("DELTALITE_SQLITE_NATIVE") != "0", SqliteNative.Available);
    }

    [Fact]
    public async Task A_UTF16_database_is_read_through_the_driver()
    {
        string db = _dir.Sqlite();
        SqliteDb.Execute(db, "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t (id INTEGER, s TEXT, day DATE); INSERT INTO t VALUES (1, 'Zoë 日本語', '2024-02-29'), (2, NULL, NULL)");
        var job = new IngestJob { Source = SourceKind.Sqlite, Connection = db, Table = "t", Target = _dir["unused"] };
        var source = new SqlSource(job);
        var schema = await source.GetSchemaAsync(default);
        var rows = new List<string>();
        await foreach (var batch in source.ReadAsync(schema, null, null, true, null, default))
            for (int i = 0; i < batch.RowCount; i++) rows.Add(CanonicalJson.RowToString(batch, i));
        Assert.False(source.ReadThroughRawSqlite);
        Assert.Equal("{\"id\":1,\"s\":\"Zoë 日本語\",\"day\":\"2024-02-29\"}", rows[0]);
    }
}
