using System.Diagnostics;
using DeltaLite.Reliability.Tests.Concurrency;
using Xunit.Abstractions;
using CliRunner = DeltaLite.Cli.Tests.Cli;

namespace DeltaLite.Reliability.Tests.Faults;

/// <summary>
/// The storage service goes away in the middle of an ingestion: the test's own Azurite is stopped while the run
/// uploads its data, and started again (same port, same data) once the run has given up. The run must fail with one
/// clear line and no secret, commit nothing, and the next run must load the rows exactly once.
/// </summary>
public sealed class AzuriteRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("deltalite-azrestart-");
    private AzuriteProcess _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync(Path.Combine(_dir.FullName, "azurite"));

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    /// <summary>The source's view `source_view` over its table; with <paramref name="stallAt"/>, reading the row with that watermark takes seconds.</summary>
    private static void SqliteView(string database, long? stallAt)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        string where = stallAt is long stamp
            ? $" WHERE CASE WHEN updated_at = {stamp} THEN (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) SELECT count(*) FROM c) > 0 ELSE 1 END"
            : "";
        command.CommandText = $"DROP VIEW IF EXISTS source_view; CREATE VIEW source_view AS SELECT id, source, val, updated_at FROM rows{where}";
        command.ExecuteNonQuery();
    }

    /// <summary>The job's arguments reading the view instead of the table.</summary>
    private static List<string> ViewArguments(List<string> arguments)
    {
        int i = arguments.IndexOf("--source-table");
        Assert.True(i >= 0, "the job has no --source-table");
        arguments[i + 1] = "source_view";
        return arguments;
    }

    [Fact]
    public async Task Azurite_stopped_mid_ingest_fails_the_run_commits_nothing_and_the_next_run_loads_every_row_once()
    {
        await using var target = await TableTarget.AzuriteAsync(_azurite.Endpoint, "loans", deleteContainer: false);
        var expected = new Dictionary<long, Row>();
        var source = new Source("s", SourceShape.SqliteAppend, n => n, Path.Combine(_dir.FullName, "src"));
        // Small blocks, one at a time, so the data files stream to Azurite in many requests while the run goes on.
        string[] storage = ["--storage-option", "block_size=65536", "--storage-option", "single_put_threshold=0", "--storage-option", "max_concurrency=1"];
        // The job reads a view of the source table, and the table rolls data files at 256 KiB: the first files are
        // uploaded while the source is still being read.
        source.AddRound(0, 1_000, expected);
        SqliteView(source.Database, stallAt: null);
        CliRunner.Run([.. ViewArguments(source.IngestArguments(target.Location, ["delta.targetFileSize=262144"])), .. storage], target.Environment, _dir.FullName).Ok();

        source.AddRound(1, 120_000, expected);
        // The read stalls for a few seconds on one row half way (SQLite counting to 20 million, the first time the row
        // is reached), after the first files went up and before the rest do: Azurite is stopped during that stall, so
        // the run meets a stopped service however fast the source reads (it used to race a 2-second read, and lose).
        SqliteView(source.Database, stallAt: 1_000_000L + 60_000);
        long before = _azurite.ExtentBytes();
        var run = Task.Run(() => CliRunner.Run([.. ViewArguments(source.IngestArguments(target.Location, [])), .. storage], target.Environment, _dir.FullName));
        // Stop Azurite as soon as the run's first blocks arrive.
        var clock = Stopwatch.StartNew();
        while (!run.IsCompleted && _azurite.ExtentBytes() == before)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the run uploaded nothing within 3 minutes");
            await Task.Delay(20);
        }
        if (run.IsCompleted) Assert.Fail($"the run ended before Azurite was stopped:\n{(await run).Stderr}");
        await _azurite.StopAsync();
        output.WriteLine($"Azurite stopped {clock.Elapsed.TotalSeconds:0.0} s into the run, after {_azurite.ExtentBytes() - before:N0} bytes of blocks");
        var failed = await run;
        await _azurite.StartAgainAsync();

        Assert.True(failed.ExitCode == 1, $"the run should fail with a storage error (exit code 1), not exit with {failed.ExitCode}:\n{failed.Stderr}\n{failed.Stdout}");
        string error = FaultAssert.ClearOneLineError(failed.Stderr, [_azurite.Endpoint.AccountKey, "sig=", "AccountKey"]);
        output.WriteLine($"the run exited with {failed.ExitCode}: {error}");
        // It says which object of which store failed, and why.
        Assert.Contains(target.Location, error, StringComparison.Ordinal);
        Assert.DoesNotContain("cancelled", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([0L], await target.CommitVersionsAsync());
        var latest = await TableContent.ReadAsync(target);
        Assert.Equal(1_000, latest.Count);

        SqliteView(source.Database, stallAt: null);
        var next = CliRunner.Run([.. ViewArguments(source.IngestArguments(target.Location, [])), .. storage], target.Environment, _dir.FullName).Ok();
        Assert.Equal("Committed", next.Json().GetProperty("outcome").GetString());
        Assert.Equal(1, next.Json().GetProperty("version").GetInt64());
        TableContent.AssertEqual(expected, await TableContent.ReadAsync(target), target.Location);
        CliRunner.Run(["check", target.Location], target.Environment, _dir.FullName).Ok();
    }
}
