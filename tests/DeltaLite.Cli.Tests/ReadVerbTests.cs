using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaLite.Parquet.Tests.Peers;

namespace DeltaLite.Cli.Tests;

/// <summary>show, export, describe and history on a table created by `deltalite create` and appended through the C# API.</summary>
public sealed class ReadVerbTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_jsonl_equals_the_rows_the_api_reads_at_each_version(bool partitioned)
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir, partitioned: partitioned);
        for (long v = 0; v <= 2; v++)
        {
            var exported = Cli.Run("export", table, "--version", v.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "jsonl").Ok().JsonLines();
            var expected = await TestTables.RowsAsync(table, v);
            JsonRowComparer.AssertEqual(Sorted(expected), Sorted(exported), "C# API", "deltalite export");
            Assert.Equal(v switch { 0 => 0, 1 => 3, _ => 5 }, exported.Count);
        }
    }

    [Fact]
    public async Task Export_rows_have_every_column_in_schema_order_including_partition_columns()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir, partitioned: true);
        var rows = Cli.Run("export", table).Ok().JsonLines();
        Assert.Equal(5, rows.Count);
        foreach (var row in rows)
            Assert.Equal(["id", "name", "amount", "day"], row.EnumerateObject().Select(p => p.Name));
        var first = rows.Single(r => r.GetProperty("id").GetInt64() == 1);
        Assert.Equal("2024-01-01", first.GetProperty("day").GetString());
        Assert.Equal("10.25", first.GetProperty("amount").GetRawText().Trim('"'));
    }

    [Fact]
    public async Task Export_columns_where_and_limit()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        var rows = Cli.Run("export", table, "--columns", "day,id", "--where", "id >= 2 AND id <= 4").Ok().JsonLines();
        Assert.Equal([2L, 3L, 4L], rows.Select(r => r.GetProperty("id").GetInt64()).Order());
        Assert.All(rows, r => Assert.Equal(["day", "id"], r.EnumerateObject().Select(p => p.Name)));
        var limited = Cli.Run("export", table, "--limit", "2").Ok().JsonLines();
        Assert.Equal(2, limited.Count);
    }

    [Fact]
    public async Task Export_csv_has_a_header_and_one_line_per_row()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        var stdout = Cli.Run("export", table, "--format", "csv", "--where", "id = 1 OR id = 7").Ok().Stdout;
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,name,amount,day", lines[0]);
        Assert.Equal(["1,borrower 1,10.25,2024-01-01"], lines.Skip(1));

        string file = dir.Combine("out.csv");
        var summary = Cli.Run("export", table, "--format", "csv", "--out", file, "--json").Ok().Json();
        Assert.Equal(5, summary.GetProperty("rows").GetInt64());
        Assert.Equal(2, summary.GetProperty("version").GetInt64());
        Assert.Equal(6, File.ReadAllLines(file).Length);
    }

    [Fact]
    public async Task Export_csv_of_an_empty_version_is_the_header()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        var stdout = Cli.Run("export", table, "--version", "0", "--format", "csv").Ok().Stdout;
        Assert.Equal("id,name,amount,day\n", stdout);
    }

    [Fact]
    public async Task Export_parquet_is_one_file_DuckDB_reads_with_the_same_rows()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir, partitioned: true);
        string file = dir.Combine("loans.parquet");
        var result = Cli.Run("export", table, "--format", "parquet", "--out", file).Ok();
        Assert.Contains("exported 5 rows of version 2", result.Stdout);
        var duck = DuckDbPeer.Rows(file);
        var expected = await TestTables.RowsAsync(table);
        JsonRowComparer.AssertEqual(Sorted(expected), Sorted(duck.ToList()), "C# API", "DuckDB on the exported file");
        var types = DuckDbPeer.Types(file);
        Assert.Equal(["BIGINT", "VARCHAR", "DECIMAL(12,2)", "DATE"], types.EnumerateArray().Select(t => t.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Export_as_of_a_time_picks_the_version_in_effect()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(5, Cli.Run("export", table, "--as-of", future).Ok().JsonLines().Count);
        Cli.Run("export", table, "--as-of", "2001-01-01").UserError("no version exists at");
    }

    [Fact]
    public async Task Show_prints_a_plain_table_when_not_a_terminal_and_jsonl_with_json()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        var text = Cli.Run("show", table, "--limit", "2", "--columns", "id,name").Ok().Stdout;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^id\s+name$", lines[0]);
        Assert.Matches(@"^-+\s+-+$", lines[1]);
        Assert.Equal(2, lines.Count(l => l.Contains("borrower", StringComparison.Ordinal)));
        Assert.Contains("version 2", lines[^1]);
        Assert.Contains("first 2 rows", lines[^1]);

        var json = Cli.Run("show", table, "--json", "--version", "1").Ok().JsonLines();
        Assert.Equal(3, json.Count);
        var nulls = Cli.Run("show", table, "--where", "id = 7 OR name IS NULL").Ok().Stdout;
        Assert.DoesNotContain("borrower", nulls);
    }

    [Fact]
    public async Task Show_defaults_to_20_rows()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        await TestTables.AppendAsync(table, TestTables.Loans(100, 30, "2024-02-01"));
        Assert.Equal(20, Cli.Run("show", table, "--json").Ok().JsonLines().Count);
        var text = Cli.Run("show", table).Ok().Stdout;
        Assert.Equal(20, text.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*\d+\s")));
    }

    [Fact]
    public async Task Describe_json_has_schema_partitions_properties_protocol_files_and_rows()
    {
        using var dir = new TempDir();
        string table = dir.Combine("t");
        Cli.Run("create", table, "--schema", "id long not null, tags array<string>, props map<string,integer>, addr struct<city: string, zip string not null>, day date",
            "--partition-by", "day", "--property", "delta.checkpointInterval=7", "--description", "nested things").Ok();
        await TestTables.AppendAsync(table, [[1L, null, null, null, new DateOnly(2024, 3, 1)], [2L, null, null, null, new DateOnly(2024, 3, 2)]]);

        var d = Cli.Run("describe", table, "--json").Ok().Json();
        Assert.Equal(1, d.GetProperty("version").GetInt64());
        Assert.Equal(2, d.GetProperty("numRows").GetInt64());
        Assert.Equal(2, d.GetProperty("numFiles").GetInt64());
        Assert.True(d.GetProperty("sizeInBytes").GetInt64() > 0);
        Assert.Equal("nested things", d.GetProperty("description").GetString());
        Assert.Equal(["day"], d.GetProperty("partitionColumns").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("7", d.GetProperty("properties").GetProperty("delta.checkpointInterval").GetString());
        Assert.Equal(1, d.GetProperty("protocol").GetProperty("minReaderVersion").GetInt32());
        Assert.Equal(2, d.GetProperty("protocol").GetProperty("minWriterVersion").GetInt32());
        var schema = d.GetProperty("schema").EnumerateArray().ToList();
        Assert.Equal(["id", "tags", "props", "addr", "day"], schema.Select(f => f.GetProperty("name").GetString()));
        Assert.False(schema[0].GetProperty("nullable").GetBoolean());
        Assert.Equal("array<string>", schema[1].GetProperty("type").GetString());
        Assert.Equal("map<string,integer>", schema[2].GetProperty("type").GetString());
        var addr = schema[3].GetProperty("fields").EnumerateArray().ToList();
        Assert.Equal(["city", "zip"], addr.Select(f => f.GetProperty("name").GetString()));
        Assert.False(addr[1].GetProperty("nullable").GetBoolean());
        Assert.True(schema[4].GetProperty("partition").GetBoolean());
        Assert.Equal("struct", d.GetProperty("schemaJson").GetProperty("type").GetString());

        var text = Cli.Run("describe", table, "--version", "0").Ok().Stdout;
        Assert.Matches(@"version:\s+0 ", text);
        Assert.Matches(@"rows:\s+0", text);
        Assert.Matches(@"partitioned by:\s+day", text);
        Assert.Matches(@"protocol:\s+reader 1, writer 2", text);
        Assert.Contains("delta.checkpointInterval = 7", text);
        Assert.Matches(@"\n\s+city\s+string\s+yes", text);
    }

    [Fact]
    public async Task Describe_json_schema_round_trips_through_create_schema_file()
    {
        using var dir = new TempDir();
        string table = dir.Combine("t");
        Cli.Run("create", table, "--schema", "id long not null comment 'the key', amount decimal(38,18), at timestamp, local timestamp_ntz, `odd name` binary").Ok();
        var schemaJson = Cli.Run("describe", table, "--json").Ok().Json().GetProperty("schemaJson");
        string file = dir.Combine("schema.json");
        File.WriteAllText(file, schemaJson.GetRawText());
        string copy = dir.Combine("copy");
        Cli.Run("create", copy, "--schema-file", file).Ok();
        var copied = Cli.Run("describe", copy, "--json").Ok().Json();
        Assert.Equal(schemaJson.GetRawText(), copied.GetProperty("schemaJson").GetRawText());
        Assert.Contains("timestampNtz", copied.GetProperty("protocol").GetProperty("readerFeatures").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task History_shows_operations_rows_and_the_ingestion_watermark()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        await TestTables.AppendAsync(table, TestTables.Loans(10, 4, "2024-01-03"), new Dictionary<string, JsonNode?>
        {
            ["deltalite.source"] = "sqlite:loans",
            ["deltalite.watermark"] = new JsonObject { ["column"] = "updated_at", ["from"] = "2020-01-01T00:00:00", ["to"] = "2020-12-31T23:59:59" },
        });

        var history = Cli.Run("history", table, "--json").Ok().Json().EnumerateArray().ToList();
        Assert.Equal([3L, 2L, 1L, 0L], history.Select(h => h.GetProperty("version").GetInt64()));
        Assert.Equal("CREATE TABLE", history[3].GetProperty("operation").GetString());
        Assert.Equal("WRITE", history[0].GetProperty("operation").GetString());
        Assert.Equal([4L, 2L, 3L], history.Take(3).Select(h => h.GetProperty("rowsAdded").GetInt64()));
        Assert.Equal("sqlite:loans", history[0].GetProperty("source").GetString());
        Assert.Equal("updated_at", history[0].GetProperty("watermark").GetProperty("column").GetString());
        Assert.Equal(JsonValueKind.Null, history[1].GetProperty("watermark").ValueKind);
        Assert.StartsWith("DeltaLite/", history[0].GetProperty("engineInfo").GetString());

        var text = Cli.Run("history", table, "--limit", "2").Ok().Stdout;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("watermark", lines[0]);
        Assert.Matches(@"^\s*3\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+WRITE \(Append\)\s+4\s+-\s+-\s+\+1 -0\s+sqlite:loans\s+updated_at: 2020-01-01T00:00:00 \.\. 2020-12-31T23:59:59$", lines[2]);
        Assert.Matches(@"^\s*2\s", lines[3]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public void Reads_a_conformance_table_written_by_Spark_at_every_version_by_path_and_file_uri()
    {
        string table = Path.Combine(ConformanceRoot(), "delta-rs", "simple_table");
        var history = Cli.Run("history", table, "--json").Ok().Json().EnumerateArray().ToList();
        Assert.Equal("DELETE", history[0].GetProperty("operation").GetString());
        foreach (var h in history)
        {
            string v = h.GetProperty("version").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var byPath = Cli.Run("export", table, "--version", v).Ok().JsonLines();
            var byUri = Cli.Run("export", new Uri(table).AbsoluteUri, "--version", v).Ok().JsonLines();
            JsonRowComparer.AssertEqual(byPath, byUri, "path", "file URI");
        }
        Assert.Equal([5L, 7L, 9L], Cli.Run("export", table).Ok().JsonLines().Select(r => r.GetProperty("id").GetInt64()).Order());
    }

    [Fact]
    public async Task Export_to_a_file_reports_progress_as_plain_lines_and_a_json_summary()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir);
        await TestTables.AppendAsync(table, TestTables.Loans(1000, 20000, "2024-03-01"));
        string file = dir.Combine("all.jsonl");
        var result = Cli.Run(["export", table, "--out", file, "--json"], new Dictionary<string, string> { ["DELTALITE_PROGRESS_INTERVAL"] = "0" }, null).Ok();
        var summary = result.Json();
        Assert.Equal(20005, summary.GetProperty("rows").GetInt64());
        Assert.Equal(file, summary.GetProperty("out").GetString());
        Assert.Equal(20005, File.ReadLines(file).Count());
        var last = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Matches(@"^export: done, 20,005 rows in [0-9.]+ s \([0-9,]+ rows/s\)$", last);
    }

    internal static string ConformanceRoot()
    {
        var env = Environment.GetEnvironmentVariable("DELTALITE_CONFORMANCE");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("The conformance tables were not found: expected a 'shared/conformance' folder beside the repository (or set DELTALITE_CONFORMANCE).");
    }

    private static List<JsonElement> Sorted(List<JsonElement> rows) => rows.OrderBy(r => r.GetProperty("id").GetInt64()).ToList();
}
