using System.Diagnostics;
using DeltaLite.Reliability.Tests.Concurrency;
using Npgsql;
using Xunit.Abstractions;
using CliRunner = DeltaLite.Cli.Tests.Cli;

namespace DeltaLite.Reliability.Tests.Faults;

/// <summary>
/// PostgreSQL restarts while an ingestion extracts from it: the extraction's connection dies, the run must fail with
/// one clear line and no password, commit nothing, and the next run must load every row exactly once. The server is a
/// second cluster scripts/test.sh starts for this test alone (DELTALITE_TEST_PG_RESTART_DB) with the command that
/// restarts it (DELTALITE_TEST_PG_RESTART), so the restart cannot disturb the tests using the main one.
/// <para>
/// The restart must land mid-extraction whatever the machine's speed: the source is a view whose <c>val</c> column
/// goes through a function that sleeps on one row, half-way through, while a control row says so. The extraction
/// (which selects every column) stalls there; the MAX and NULL-count queries before it do not (the function is
/// declared STABLE, so the planner drops the unused column). The test restarts the server while the extraction sleeps
/// on that row, then deletes the control row so the next run streams straight through.
/// </para>
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string RestartVariable = "DELTALITE_TEST_PG_RESTART";
    private const string DatabaseVariable = "DELTALITE_TEST_PG_RESTART_DB";
    private const int FirstRows = 1_000, BigRows = 40_000;
    private const long StallId = FirstRows + BigRows / 2;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("deltalite-pgrestart-");
    private readonly string _schema = "rs_" + Guid.NewGuid().ToString("N")[..10];
    private string _connection = "";
    private string _restart = "";

    public async Task InitializeAsync()
    {
        _restart = Environment.GetEnvironmentVariable(RestartVariable) ?? "";
        _connection = Environment.GetEnvironmentVariable(DatabaseVariable) ?? "";
        // No pool: the restart kills every open connection, and the test's own must not be reused dead.
        if (_connection.Length > 0) _connection = new NpgsqlConnectionStringBuilder(_connection) { Pooling = false }.ConnectionString;
        if (_restart.Length == 0 || _connection.Length == 0)
            throw new InvalidOperationException(
                $"{RestartVariable} and {DatabaseVariable} are not set: this test restarts a PostgreSQL server of its own. Run it with scripts/test.sh, which starts that server and exports both.");
        await ExecuteAsync($"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.base (id bigint, source text, val bigint, updated_at bigint);
            CREATE TABLE {_schema}.stall (id bigint);
            CREATE FUNCTION {_schema}.pass(v bigint, id bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS $f$
            BEGIN
              IF EXISTS (SELECT 1 FROM {_schema}.stall s WHERE s.id = pass.id) THEN PERFORM pg_sleep(120); END IF;
              RETURN v;
            END $f$;
            CREATE VIEW {_schema}.rows AS SELECT id, source, {_schema}.pass(val, id) AS val, updated_at FROM {_schema}.base;
            """);
    }

    public async Task DisposeAsync()
    {
        if (_connection.Length > 0) await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Rows id = from..to-1 with val = id * 7 and updated_at = stamp + id.</summary>
    private Task InsertAsync(long from, long to, long stamp) =>
        ExecuteAsync($"INSERT INTO {_schema}.base SELECT g, 'pg', g * 7, {stamp} + g FROM generate_series({from}, {to - 1}) g");

    private static Dictionary<long, Row> Expected(long count, Func<long, long> stampOf) =>
        Enumerable.Range(0, (int)count).Select(i => (long)i).ToDictionary(i => i, i => new Row(i, "pg", i * 7, stampOf(i)));

    [Fact]
    public async Task A_PostgreSQL_restart_mid_extraction_fails_the_run_commits_nothing_and_the_next_run_loads_every_row_once()
    {
        var table = TableTarget.Local(Path.Combine(_dir.FullName, "table"));
        // The connection string (with its password) is only in the environment: no message may show the password.
        var environment = new Dictionary<string, string> { ["RESTART_TEST_PG"] = _connection };
        string password = new NpgsqlConnectionStringBuilder(_connection).Password ?? "";
        string[] ingest = ["ingest", table.Location, "--source", "postgres", "--connection-env", "RESTART_TEST_PG", "--source-table", $"{_schema}.rows",
            "--watermark", "updated_at", "--mode", "append", "--batch-size", "2000", "--json"];

        await InsertAsync(0, FirstRows, 0);
        CliRunner.Run(ingest, environment, _dir.FullName).Ok();
        await InsertAsync(FirstRows, FirstRows + BigRows, 1_000_000);
        await ExecuteAsync($"INSERT INTO {_schema}.stall VALUES ({StallId})");

        var run = Task.Run(() => CliRunner.Run(ingest, environment, _dir.FullName));
        var clock = Stopwatch.StartNew();
        long seenAfter = await WaitForExtractionAsync(run);
        if (run.IsCompleted) Assert.Fail($"the run ended before its extraction was seen:\n{(await run).Stderr}");
        var restart = await RestartAsync();
        output.WriteLine($"restarted PostgreSQL {clock.Elapsed.TotalSeconds:0.0} s into the run (its extraction seen active after {seenAfter} ms): {restart}");
        var failed = await run;
        await ExecuteAsync($"DELETE FROM {_schema}.stall");

        Assert.True(failed.ExitCode == 1, $"the run should fail with a source error (exit code 1), not exit with {failed.ExitCode}:\n{failed.Stderr}\n{failed.Stdout}");
        string error = FaultAssert.ClearOneLineError(failed.Stderr, password.Length > 0 ? [password] : []);
        output.WriteLine($"the run exited with {failed.ExitCode}: {error}");
        Assert.Contains($"{_schema}.rows", error, StringComparison.Ordinal);
        Assert.Equal([0L], await table.CommitVersionsAsync());
        Assert.Equal(FirstRows, (await TableContent.ReadAsync(table)).Count);

        var next = CliRunner.Run(ingest, environment, _dir.FullName).Ok();
        Assert.Equal("Committed", next.Json().GetProperty("outcome").GetString());
        Assert.Equal(1, next.Json().GetProperty("version").GetInt64());
        var expected = Expected(FirstRows + BigRows, i => i < FirstRows ? i : 1_000_000 + i);
        TableContent.AssertEqual(expected, await TableContent.ReadAsync(table), table.Location);
    }

    /// <summary>
    /// Polls pg_stat_activity until the run's extraction (its SELECT of the rows up to the high watermark, not the
    /// schema, MAX or NULL-count queries before it) sleeps on the stall row; returns after how many ms.
    /// </summary>
    private async Task<long> WaitForExtractionAsync(Task run)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND wait_event = 'PgSleep' " +
            "AND query ILIKE @table AND query LIKE '%<=%' AND query NOT ILIKE '%count(%'", connection);
        command.Parameters.AddWithValue("table", $"%{_schema}%rows%");
        var clock = Stopwatch.StartNew();
        while (!run.IsCompleted)
        {
            if ((long)(await command.ExecuteScalarAsync())! > 0) return clock.ElapsedMilliseconds;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the run's extraction did not start within 3 minutes");
            await Task.Delay(20);
        }
        return -1;
    }

    /// <summary>Runs the restart command; fails the test when it fails.</summary>
    private async Task<string> RestartAsync()
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(_restart);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not run {_restart}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"{RestartVariable} ({_restart}) exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return (await stdout).Trim().ReplaceLineEndings(" ");
    }
}
