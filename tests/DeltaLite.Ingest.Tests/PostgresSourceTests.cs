using DeltaLite.Ingest.Tests.Support;

namespace DeltaLite.Ingest.Tests;

/// <summary>PostgreSQL sources against a real server: time zones, full-precision decimals, Unicode, rows arriving during a run.</summary>
public sealed class PostgresSourceTests : PostgresTestClass
{
    private IngestJob Job(string table, string? watermark, string? connection = null) => new()
    {
        Source = SourceKind.Postgres, Connection = connection ?? PgSchema.ConnectionString, Table = _pg.Table(table), WatermarkColumn = watermark,
        Target = _dir["table-" + table], SourceId = "pg-" + table,
    };

    /// <summary>
    /// timestamptz values are instants: stored as UTC whatever the session time zone. timestamp (without time zone)
    /// values are taken as UTC wall-clock values (documented), also whatever the session time zone; and a timestamp
    /// watermark compares correctly under a non-UTC session time zone (no row missed, none read twice).
    /// </summary>
    [Theory]
    [InlineData("UTC")]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    public async Task TimeZones(string sessionZone)
    {
        await _pg.ExecuteAsync($"CREATE TABLE {_pg.Table("tz")} (id int, tstz timestamptz, ts timestamp)");
        await _pg.ExecuteAsync($"""
            INSERT INTO {_pg.Table("tz")} VALUES
              (1, '2021-03-28 01:30:00+02', '2021-03-28 01:30:00'),
              (2, '2021-10-31 02:30:00.123456-04', '2021-10-31 02:30:00.123456'),
              (3, '1969-07-20 20:17:40Z', '1969-07-20 20:17:40')
            """);
        string connection = PgSchema.ConnectionString + $";Timezone={sessionZone}";
        foreach (var watermark in new[] { "tstz", "ts" })
        {
            var job = Job("tz", watermark, connection) with { Target = _dir[$"t-{watermark}"], SourceId = "tz-" + watermark };
            var first = await IngestRunner.RunAsync(job);
            Assert.Equal(3, first.RowsRead);
            var rows = (await Rows.ReadTableAsync(job.Target!)).OrderBy(r => r["id"]).ToList();
            Assert.Equal(["2021-03-27T23:30:00.000000Z", "2021-10-31T06:30:00.123456Z", "1969-07-20T20:17:40.000000Z"], rows.Select(r => r["tstz"]));
            Assert.Equal(["2021-03-28T01:30:00.000000Z", "2021-10-31T02:30:00.123456Z", "1969-07-20T20:17:40.000000Z"], rows.Select(r => r["ts"]));
            Assert.Equal(watermark == "tstz" ? "2021-10-31T06:30:00.123456Z" : "2021-10-31T02:30:00.123456Z", first.WatermarkTo);

            var again = await IngestRunner.RunAsync(job);
            Assert.Equal(IngestOutcome.NoNewRows, again.Outcome);
        }
        await _pg.ExecuteAsync($"INSERT INTO {_pg.Table("tz")} VALUES (4, '2021-10-31 02:30:00.123457-04', '2021-10-31 02:30:00.123457')");
        foreach (var watermark in new[] { "tstz", "ts" })
        {
            var job = Job("tz", watermark, connection) with { Target = _dir[$"t-{watermark}"], SourceId = "tz-" + watermark };
            var next = await IngestRunner.RunAsync(job);
            Assert.Equal(1, next.RowsRead);
            Assert.Equal(["1", "2", "3", "4"], (await Rows.ReadTableAsync(job.Target!)).Select(r => r["id"]!).Order());
        }
    }

    /// <summary>numeric(38,10) at full precision (38 digits, beyond .NET decimal), negative, tiny; numeric(18,0); money.</summary>
    [Fact]
    public async Task DecimalsAtFullPrecision()
    {
        await _pg.ExecuteAsync($"CREATE TABLE {_pg.Table("dec")} (id int, big numeric(38,10), whole numeric(18,0), cash numeric(12,2))");
        string[] big =
        [
            "1234567890123456789012345678.0123456789",
            "-9999999999999999999999999999.9999999999",
            "0.0000000001",
            "1000000000000000000000000000.0000000001",
            "0.0000000000",
        ];
        for (int i = 0; i < big.Length; i++)
            await _pg.ExecuteAsync($"INSERT INTO {_pg.Table("dec")} VALUES ({i + 1}, '{big[i]}', 123456789012345678, 1234567890.99)");
        var result = await IngestRunner.RunAsync(Job("dec", null));
        Assert.Equal(big.Length, result.RowsRead);
        await using var table = await DeltaTable.OpenAsync(_dir["table-dec"]);
        var snapshot = await table.GetSnapshotAsync();
        Assert.Equal("decimal(38,10)", DeltaLite.Schema.DeltaSchema.TypeName(snapshot.Schema[snapshot.Schema.IndexOf("big")].Type));
        var rows = (await Rows.ReadTableAsync(_dir["table-dec"])).OrderBy(r => int.Parse(r["id"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(big, rows.Select(r => r["big"]));
        Assert.All(rows, r => Assert.Equal("123456789012345678", r["whole"]));
        Assert.All(rows, r => Assert.Equal("1234567890.99", r["cash"]));
    }

    /// <summary>Unicode text (accents, CJK, emoji beyond the BMP, RTL, combining marks, quotes, newlines) round-trips exactly.</summary>
    [Fact]
    public async Task UnicodeText()
    {
        string unicodeTable = $"{_pg.Name}.\" Ünï code \"";
        await _pg.ExecuteAsync($"CREATE TABLE {unicodeTable} (id int, \"naïve ✓\" text)");
        string[] values = ["Zoë Ünïcödé", "日本語のテキスト", "🦄🚀 emoji 👩‍👩‍👧", "עברית ومرحبا", "e\u0301 combining", "quote \" ' \\ backslash", "line1\nline2\r\nline3", ""];
        for (int i = 0; i < values.Length; i++)
            await _pg.ExecuteAsync($"INSERT INTO {unicodeTable} VALUES ({i}, @v)", ("v", values[i]));
        var job = Job("x", null) with { Table = unicodeTable } with { Target = _dir["unicode"], SourceId = "unicode" };
        await IngestRunner.RunAsync(job);
        var rows = (await Rows.ReadTableAsync(_dir["unicode"])).OrderBy(r => int.Parse(r["id"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values, rows.Select(r => r["naïve ✓"]));
    }

    /// <summary>
    /// A row committed during a run, after the run captured its high mark, with a higher watermark: left for the next
    /// run, which loads it once. The query source calls a volatile function that inserts the row the first time the
    /// source is scanned (by the high-mark query itself, whose snapshot does not see it).
    /// </summary>
    [Fact]
    public async Task RowsInsertedDuringARunAreLeftForTheNextRun()
    {
        string events = _pg.Table("events"), once = _pg.Table("arrived"), fn = _pg.Table("arrive");
        await _pg.ExecuteAsync($"CREATE TABLE {events} (id int PRIMARY KEY, ts timestamptz NOT NULL)");
        await _pg.ExecuteAsync($"CREATE TABLE {once} (done boolean)");
        await _pg.ExecuteAsync($"INSERT INTO {events} SELECT g, timestamptz '2024-01-01 00:00:00Z' + g * interval '1 second' FROM generate_series(1, 50) g");
        await _pg.ExecuteAsync($"""
            CREATE FUNCTION {fn}() RETURNS boolean VOLATILE LANGUAGE plpgsql AS $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM {once}) THEN
                INSERT INTO {once} VALUES (true);
                INSERT INTO {events} VALUES (1000, timestamptz '2024-06-01 00:00:00Z');
              END IF;
              RETURN true;
            END $$
            """);
        var job = new IngestJob
        {
            Source = SourceKind.Postgres, Connection = PgSchema.ConnectionString, Query = $"SELECT id, ts FROM {events} WHERE {fn}()",
            WatermarkColumn = "ts", Target = _dir["arrivals"], BatchSize = 10,
        };
        var first = await IngestRunner.RunAsync(job);
        Assert.Equal(1L, await _pg.ScalarAsync($"SELECT count(*) FROM {once}"));
        Assert.Equal(1L, await _pg.ScalarAsync($"SELECT count(*) FROM {events} WHERE id = 1000"));
        Assert.Equal(50, first.RowsRead);
        Assert.Equal("2024-01-01T00:00:50.000000Z", first.WatermarkTo);

        var second = await IngestRunner.RunAsync(job);
        Assert.Equal(1, second.RowsRead);
        Assert.Equal("2024-06-01T00:00:00.000000Z", second.WatermarkTo);
        var ids = (await Rows.ReadTableAsync(_dir["arrivals"])).Select(r => int.Parse(r["id"]!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 50).Append(1000), ids);
        Assert.Equal(IngestOutcome.NoNewRows, (await IngestRunner.RunAsync(job)).Outcome);
    }

    /// <summary>Common PostgreSQL types map to Delta types and values (schema and canonical rendering).</summary>
    [Fact]
    public async Task TypeMapping()
    {
        await _pg.ExecuteAsync($"""
            CREATE TABLE {_pg.Table("types")} (
              s smallint, i integer, b bigint, r real, d double precision, ok boolean, day date, u uuid, j jsonb, bytes bytea,
              n numeric, m money, t time, iv interval)
            """);
        await _pg.ExecuteAsync($"INSERT INTO {_pg.Table("types")} VALUES (-32768, 2147483647, -9223372036854775808, 1.5, 2.25, true, '2024-02-29', "
            + """'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '\x00ff', 3.14159, 12.34, '13:45:00', '1 day 02:00:00')""");
        await IngestRunner.RunAsync(Job("types", null));
        await using var table = await DeltaTable.OpenAsync(_dir["table-types"]);
        var schema = (await table.GetSnapshotAsync()).Schema;
        string Type(string c) => DeltaLite.Schema.DeltaSchema.TypeName(schema[schema.IndexOf(c)].Type);
        Assert.Equal(["short", "integer", "long", "float", "double", "boolean", "date", "string", "string", "binary", "decimal(38,18)", "decimal(19,2)", "string", "string"],
            new[] { "s", "i", "b", "r", "d", "ok", "day", "u", "j", "bytes", "n", "m", "t", "iv" }.Select(Type));
        var row = (await Rows.ReadTableAsync(_dir["table-types"])).Single();
        Assert.Equal("-32768", row["s"]);
        Assert.Equal("-9223372036854775808", row["b"]);
        Assert.Equal("2024-02-29", row["day"]);
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", row["u"]);
        Assert.Equal("AP8=", row["bytes"]);
        Assert.Equal("3.141590000000000000", row["n"]);
        Assert.Equal("12.34", row["m"]);
        Assert.Equal("true", row["ok"]);
    }
}
