using DeltaLite.Ingest.Sql;
using DeltaLite.Ingest.Tests.Support;
using DeltaLite.Parquet;
using Npgsql;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// PostgreSQL rows read through binary COPY: the path is the one used, its values are the data reader's, watermark
/// values and names cannot inject SQL through it, and a connection lost mid-COPY is a clear error.
/// </summary>
public sealed class PostgresCopyTests : PostgresTestClass
{
    private IngestJob Job(string? table, string? query = null, string? watermark = null, string? connection = null) => new()
    {
        Source = SourceKind.Postgres, Connection = connection ?? PgSchema.ConnectionString, Table = table, Query = query, WatermarkColumn = watermark,
        Target = _dir["t-" + Guid.NewGuid().ToString("N")[..8]], SourceId = "copy",
    };

    private static async Task<(List<Row> Rows, bool Copy)> ReadAsync(IngestJob job, int batchSize = 8_192)
    {
        var source = new SqlSource(job with { BatchSize = batchSize });
        var schema = await source.GetSchemaAsync(default);
        var rows = new List<Row>();
        await foreach (var batch in source.ReadAsync(schema, null, null, true, null, default))
            for (int i = 0; i < batch.RowCount; i++) rows.Add(Rows.Parse(CanonicalJson.RowToString(batch, i)));
        return (rows, source.ReadThroughCopy);
    }

    /// <summary>
    /// Every type the COPY path reads, with NULLs, gives the same values as the data reader: the same table read
    /// with an interval column added (a type COPY's path leaves to the data reader) is read through the data reader.
    /// </summary>
    [Fact]
    public async Task CopyValuesEqualTheDataReaderValues()
    {
        string t = _pg.Table("all_types");
        await _pg.ExecuteAsync($"""
            CREATE TABLE {t} (id int, s smallint, b bigint, r real, d double precision, ok boolean, day date, u uuid, j jsonb, js json,
              bytes bytea, n numeric, small numeric(12,3), wide numeric(38,10), m money, v varchar(20), c char(4), tx text, ts timestamp, tstz timestamptz)
            """);
        await _pg.ExecuteAsync($$"""
            INSERT INTO {{t}} VALUES
              (1, -32768, 9223372036854775807, 1.5, -2.25e300, true, '0001-01-01', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, "é"]}', '{"b":2}',
               '\x00ff10', 3.14159, -123456789.125, '-9999999999999999999999999999.9999999999', -12.34, 'Zoë 🦄', 'ab', E'line\nnext',
               '2024-02-29 23:59:59.999999', '1969-07-20 20:17:40.5+02'),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (3, 7, 0, 'NaN', 'Infinity', false, '9999-12-31', NULL, 'null', '[]', '\x', 0, 0.001, 0.0000000001, 0, '', '', '', '1970-01-01', '2038-01-19 03:14:08Z')
            """);
        var (copied, viaCopy) = await ReadAsync(Job(t), batchSize: 2);
        Assert.True(viaCopy, "a table of these types should be read through COPY");
        var (read, viaReader) = await ReadAsync(Job(null, $"SELECT *, interval '1 day' AS iv FROM {t}"), batchSize: 2);
        Assert.False(viaReader, "an interval column should send the read to the data reader");
        Assert.Equal(3, copied.Count);
        foreach (var row in read) row.Remove("iv");
        Rows.AssertSameByKey(read, copied, "id", "COPY against the data reader");
        var first = copied.Single(r => r["id"] == "1");
        Assert.Equal("-9999999999999999999999999999.9999999999", first["wide"]);
        Assert.Equal("Zoë 🦄", first["v"]);
        Assert.Equal("ab  ", first["c"]);
        Assert.Equal("1969-07-20T18:17:40.500000Z", first["tstz"]);
        Assert.All(copied.Single(r => r["id"] == "2").Where(kv => kv.Key != "id"), kv => Assert.Null(kv.Value));
    }

    /// <summary>
    /// Through the whole ingestion: the rows are read by a COPY statement (recorded by the source query itself with
    /// current_query()), hostile watermark values travel as parameters (the COPY text holds none of them), a hostile
    /// column name stays one quoted identifier, and each run reads exactly the rows past the stored mark.
    /// </summary>
    [Fact]
    public async Task HostileWatermarkAndNamesCannotInjectThroughCopy()
    {
        string t = _pg.Table("hostile"), log = _pg.Table("queries"), fn = _pg.Table("record"), victim = _pg.Table("victim");
        const string column = "x\"); DROP TABLE victim; --";
        string quoted = "\"" + column.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await _pg.ExecuteAsync($"CREATE TABLE {victim} (id int); CREATE TABLE {log} (q text); CREATE TABLE {t} (id int, k text, {quoted} text)");
        await _pg.ExecuteAsync($"""
            CREATE FUNCTION {fn}() RETURNS boolean VOLATILE LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO {log} VALUES (current_query()); RETURN true; END $$
            """);
        string[] marks = ["a'); DROP TABLE victim; --", "b' || (SELECT 1) || '", "c\\'; SELECT pg_sleep(0); --"];
        for (int i = 0; i < marks.Length; i++) await _pg.ExecuteAsync($"INSERT INTO {t} VALUES ({i + 1}, @k, @v)", ("k", marks[i]), ("v", "v" + i));
        var job = Job(null, $"SELECT * FROM {t} WHERE (SELECT {fn}())", "k") with { KeyColumns = ["id"], Mode = IngestMode.Merge };

        var first = await IngestRunner.RunAsync(job);
        Assert.Equal(3, first.RowsRead);
        Assert.Equal(marks[2], first.WatermarkTo);
        await _pg.ExecuteAsync($"INSERT INTO {t} VALUES (4, @k, 'new'), (5, @old, 'old')", ("k", "d'); DROP TABLE victim; --"), ("old", "a"));
        var second = await IngestRunner.RunAsync(job);
        Assert.Equal(1, second.RowsRead);

        Assert.Equal(0L, await _pg.ScalarAsync($"SELECT count(*) FROM {victim}"));
        var rows = (await Rows.ReadTableAsync(job.Target!)).OrderBy(r => r["id"]).ToList();
        Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r["id"]));
        Assert.Equal(["v0", "v1", "v2", "new"], rows.Select(r => r[column]));
        await using var connection = new NpgsqlConnection(PgSchema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT q FROM {log}", connection);
        var queries = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) queries.Add(reader.GetString(0));
        var copies = queries.Where(q => q.StartsWith("COPY (", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, copies.Count);
        Assert.All(copies, q => Assert.Contains("current_setting('deltalite.wm_high')::text", q, StringComparison.Ordinal));
        Assert.Contains("current_setting('deltalite.wm_low')::text", copies[1], StringComparison.Ordinal);
        Assert.All(queries, q => Assert.DoesNotContain("DROP TABLE victim", q.Replace(column, "", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    /// <summary>Timestamp, date and integer watermarks through COPY: the same boundary rows as the parameters compare.</summary>
    [Theory]
    [InlineData("timestamptz", "'2024-01-01 00:00:00.000001Z'", "'2024-01-01 00:00:00.000002Z'")]
    [InlineData("timestamp", "'2024-01-01 00:00:00.000001'", "'2024-01-01 00:00:00.000002'")]
    [InlineData("date", "'2024-01-01'", "'2024-01-02'")]
    [InlineData("bigint", "9223372036854775806", "9223372036854775807")]
    [InlineData("numeric(20,6)", "12345678901234.000001", "12345678901234.000002")]
    public async Task WatermarkBoundariesThroughCopy(string type, string equal, string above)
    {
        string t = _pg.Table("wm");
        await _pg.ExecuteAsync($"CREATE TABLE {t} (id int, w {type})");
        await _pg.ExecuteAsync($"INSERT INTO {t} VALUES (1, {equal}), (2, {equal}), (3, NULL)");
        var job = Job(t, watermark: "w", connection: PgSchema.ConnectionString + ";Timezone=Asia/Kolkata");
        Assert.Equal(3, (await IngestRunner.RunAsync(job)).RowsRead);
        await _pg.ExecuteAsync($"INSERT INTO {t} VALUES (4, {equal}), (5, {above})");
        // Row 4 sits at the stored mark (already passed): left out; row 5 is past it.
        var next = await IngestRunner.RunAsync(job);
        Assert.Equal(1, next.RowsRead);
        Assert.Equal(["1", "2", "3", "5"], (await Rows.ReadTableAsync(job.Target!)).Select(r => r["id"]!).Order());
        Assert.Equal(IngestOutcome.NoNewRows, (await IngestRunner.RunAsync(job)).Outcome);
    }

    /// <summary>The server ends the connection in the middle of a COPY: an IngestException naming the rows read, no hang.</summary>
    [Fact]
    public async Task ConnectionLostMidCopyIsAClearError()
    {
        string t = _pg.Table("big");
        await _pg.ExecuteAsync($"CREATE TABLE {t} AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 300000) g");
        string app = "copykill" + Guid.NewGuid().ToString("N")[..8];
        var source = new SqlSource(Job(t, connection: PgSchema.ConnectionString + $";Application Name={app}") with { BatchSize = 1000 });
        var schema = await source.GetSchemaAsync(default);
        var error = await Assert.ThrowsAsync<IngestException>(async () =>
        {
            bool killed = false;
            await foreach (var batch in source.ReadAsync(schema, null, null, true, null, default))
            {
                if (killed) continue;
                Assert.True(source.ReadThroughRawCopy);
                await _pg.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @a", ("a", app));
                killed = true;
            }
        }).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Matches(@"reading rows failed after \d+ rows", error.Message);
        Assert.Contains(source.Description, error.Message, StringComparison.Ordinal);
    }
}
