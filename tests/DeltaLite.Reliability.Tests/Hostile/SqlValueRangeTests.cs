using DeltaLite.Cli.Tests;

namespace DeltaLite.Reliability.Tests.Hostile;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// Source values that the Delta column type cannot hold, loaded through <c>deltalite ingest</c>: each is a clear error
/// naming the column (and the row) and writes nothing; the behaviours that are documented instead (rounding of SQLite
/// REAL into a decimal's scale) are checked as documented in src/DeltaLite.Ingest/README.md.
/// </summary>
public sealed class SqlValueRangeTests
{
    public static TheoryData<string, string, string> SqliteCases() => new()
    {
        // column declaration, inserted SQL literal, what the error must name besides the column
        { "INTEGER", "9223372036854775808", "row 2" },
        { "INTEGER", "-1e300", "row 2" },
        { "INTEGER", "'forty-two'", "row 2" },
        { "DECIMAL(5,2)", "123456.78", "decimal(5,2)" },
        { "DECIMAL(10,2)", "'1e400'", "row 2" },
        { "DATE", "'10000-01-01'", "row 2" },
        { "DATE", "'0000-12-31'", "row 2" },
        { "TIMESTAMP", "'2024-13-45 99:99:99'", "row 2" },
        { "TIMESTAMP", "'10000-01-01 00:00:00'", "row 2" },
        { "BOOLEAN", "'maybe'", "row 2" },
    };

    [Theory]
    [MemberData(nameof(SqliteCases))]
    public void Sqlite_values_out_of_range_name_the_column_and_write_nothing(string declared, string literal, string where)
    {
        using var t = HostileTable.Create("sqliterange");
        string db = Path.Combine(t.Root, "source.db");
        Sources.SqliteExecute(db, $"CREATE TABLE src (id INTEGER NOT NULL, val {declared}); INSERT INTO src VALUES (1, NULL); INSERT INTO src VALUES (2, {literal});");
        var run = Cli.Run("ingest", t.Path, "--source", "sqlite", "--connection", Sources.Sqlite(db), "--source-table", "src").FailsClearly("'val'");
        Assert.Contains(where, run.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(Path.Combine(t.Path, "_delta_log")) && Directory.EnumerateFiles(Path.Combine(t.Path, "_delta_log")).Any(), "a failed first run created the table");
    }

    [Fact]
    public async Task Sqlite_real_into_a_decimal_rounds_to_the_scale_as_documented()
    {
        using var t = HostileTable.Create("sqlitereal");
        string db = Path.Combine(t.Root, "source.db");
        // REAL values in a DECIMAL(10,2) column: SQLite keeps them as REAL; the load rounds half to even at the scale.
        Sources.SqliteExecute(db, "CREATE TABLE src (id INTEGER NOT NULL, val DECIMAL(10,2)); INSERT INTO src VALUES (1, 1.005), (2, 2.675), (3, 0.125), (4, -7.3333333);");
        Cli.Run("ingest", t.Path, "--source", "sqlite", "--connection", Sources.Sqlite(db), "--source-table", "src").Ok();
        var rows = await t.ReadRowsAsync();
        Assert.Equal(["{\"id\":1,\"val\":\"1.00\"}", "{\"id\":2,\"val\":\"2.68\"}", "{\"id\":3,\"val\":\"0.12\"}", "{\"id\":4,\"val\":\"-7.33\"}"], rows);
    }

    public static TheoryData<string, string> PostgresCases() => new()
    {
        { "numeric(10,2)", "'NaN'" },
        { "numeric", "'Infinity'" },
        { "numeric", "1e100" },
        { "timestamptz", "'infinity'" },
        { "timestamp", "'-infinity'" },
        { "date", "'infinity'" },
        { "date", "'10000-01-01'" },
        { "date", "'0044-03-15 BC'" },
        { "timestamp", "'0001-01-01 00:00:00 BC'" },
        { "real", "'NaN'" }, // loads: a Delta float holds NaN
    };

    [Theory]
    [MemberData(nameof(PostgresCases))]
    public async Task Postgres_values_out_of_range_name_the_column_and_write_nothing(string declared, string literal)
    {
        await using var pg = await PgScratch.CreateAsync();
        await Sources.PgExecuteAsync($"CREATE TABLE {pg.Name}.src (id int NOT NULL, val {declared}); INSERT INTO {pg.Name}.src VALUES (1, NULL), (2, {literal});");
        using var t = HostileTable.Create("pgrange");
        var run = Cli.Run(["ingest", t.Path, "--source", "postgres", "--connection-env", Sources.PgVariable, "--source-table", $"{pg.Name}.src"],
            new Dictionary<string, string> { [Sources.PgVariable] = Sources.PgConnectionString }, null);
        if (declared == "real")
        {
            run.Ok();
            Assert.Contains("{\"id\":2,\"val\":\"NaN\"}", await t.ReadRowsAsync());
            return;
        }
        run.FailsClearly("'val'");
        Assert.Contains("row 2", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(t.Path, "_delta_log")) && Directory.EnumerateFiles(Path.Combine(t.Path, "_delta_log")).Any(), "a failed first run created the table");
    }
}
