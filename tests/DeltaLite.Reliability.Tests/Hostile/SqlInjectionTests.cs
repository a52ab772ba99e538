using DeltaLite.Cli.Tests;

namespace DeltaLite.Reliability.Tests.Hostile;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// Source table, watermark and key names that try SQL injection, through <c>deltalite ingest</c> against real SQLite
/// and PostgreSQL databases. Names are quoted identifiers: a real table or column with such a name loads like any
/// other, a name that does not exist fails as unknown, and the victim table is still there with its row afterwards.
/// (The SQL Server dialect's quoting of the same names is checked on its generated SQL in
/// tests/DeltaLite.Ingest.Tests/SqlGenerationTests.cs: no SQL Server runs here.)
/// </summary>
public sealed class SqlInjectionTests
{
    public static TheoryData<string> HostileNames() =>
    [
        "t; DROP TABLE victim; --",
        "t\" FROM t; DELETE FROM victim; --",
        "t'; DROP TABLE victim; --",
        "t]) FROM t; DROP TABLE victim; --",
    ];

    private static string QuoteSqlite(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Sqlite_hostile_names_are_identifiers_and_the_victim_survives(string hostile)
    {
        using var t = HostileTable.Create("sqliteinjection");
        string db = Path.Combine(t.Root, "source.db");
        string column = hostile.Replace("t", "w", StringComparison.Ordinal);
        Sources.SqliteExecute(db,
            "CREATE TABLE victim (a INTEGER); INSERT INTO victim VALUES (1);" +
            $"CREATE TABLE {QuoteSqlite(hostile)} (id INTEGER NOT NULL, {QuoteSqlite(column)} INTEGER);" +
            $"INSERT INTO {QuoteSqlite(hostile)} VALUES (1, 10), (2, 20);" +
            "CREATE TABLE t (id INTEGER NOT NULL, w INTEGER); INSERT INTO t VALUES (7, 70);");
        string connection = Sources.Sqlite(db);

        // A real table and watermark column with the hostile names load their two rows.
        Cli.Run("ingest", t.Path, "--source", "sqlite", "--connection", connection, "--source-table", hostile, "--watermark", column, "--source-id", "hostile").Ok();
        Assert.Equal(2, (await t.ReadRowsAsync()).Count);

        // Names that do not exist (the injection would only work unquoted): unknown names, nothing run.
        using var other = HostileTable.Create("sqliteinjection-miss");
        Cli.Run("ingest", other.Path, "--source", "sqlite", "--connection", connection, "--source-table", hostile + "x").FailsClearly("");
        Cli.Run("ingest", other.Path, "--source", "sqlite", "--connection", connection, "--source-table", "t", "--mode", "merge", "--key", "id", "--watermark", column + "x").FailsClearly("");

        Assert.Equal(1L, Sources.SqliteScalar(db, "SELECT count(*) FROM victim"));
        Assert.Equal(1L, Sources.SqliteScalar(db, "SELECT count(*) FROM t"));
    }

    private static string QuotePg(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Postgres_hostile_names_are_identifiers_and_the_victim_survives(string hostile)
    {
        await using var pg = await PgScratch.CreateAsync();
        string victimName = hostile.Replace("victim", $"{pg.Name}.victim", StringComparison.Ordinal);
        string column = victimName.Replace("t", "w", StringComparison.Ordinal);
        await Sources.PgExecuteAsync(
            $"CREATE TABLE {pg.Name}.victim (a int); INSERT INTO {pg.Name}.victim VALUES (1);" +
            $"CREATE TABLE {pg.Name}.{QuotePg(victimName)} (id int NOT NULL, {QuotePg(column)} int);" +
            $"INSERT INTO {pg.Name}.{QuotePg(victimName)} VALUES (1, 10), (2, 20);" +
            $"CREATE TABLE {pg.Name}.t (id int NOT NULL, w int); INSERT INTO {pg.Name}.t VALUES (7, 70);");
        var env = new Dictionary<string, string> { [Sources.PgVariable] = Sources.PgConnectionString };
        CliResult Ingest(string target, params string[] args) =>
            Cli.Run(["ingest", target, "--source", "postgres", "--connection-env", Sources.PgVariable, .. args], env, null);

        // The user writes a name with dots or quotes in it as a quoted identifier, as in SQL.
        using var t = HostileTable.Create("pginjection");
        Ingest(t.Path, "--source-table", $"{pg.Name}.{QuotePg(victimName)}", "--watermark", column, "--mode", "merge", "--key", "id").Ok();
        Assert.Equal(2, (await t.ReadRowsAsync()).Count);

        using var other = HostileTable.Create("pginjection-miss");
        Ingest(other.Path, "--source-table", $"{pg.Name}.{victimName}x").FailsClearly("");
        Ingest(other.Path, "--source-table", $"{pg.Name}.t", "--mode", "merge", "--key", column + "x", "--watermark", column + "x").FailsClearly("");

        Assert.Equal(1L, await Sources.PgScalarAsync($"SELECT count(*) FROM {pg.Name}.victim"));
        Assert.Equal(1L, await Sources.PgScalarAsync($"SELECT count(*) FROM {pg.Name}.t"));
    }
}
