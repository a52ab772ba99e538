using DeltaLite.Ingest.Tests.Support;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// Two runs of the same job at once (two tasks, or two processes): one commits, the other reports that another run
/// committed (or, when it starts after that commit, that there is nothing new); the rows are never loaded twice.
/// </summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private const int Loans2020 = 8000, Loans2021 = 3000;
    private readonly TempDir _dir = new();
    private long _updated;

    public async Task InitializeAsync()
    {
        await Loans.SqliteAsync(_dir.Sqlite("work.db"), 2020, Loans2020);
        File.Copy(_dir["work.db"], _dir["2020.db"]);
        _updated = (await Loans.SqliteAsync(_dir.Sqlite("work.db"), 2021, Loans2021)).Updated;
        File.Move(_dir["work.db"], _dir["2021.db"]);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private IngestJob Job(IngestMode mode, string db, string target) => new()
    {
        Source = SourceKind.Sqlite, Connection = _dir.Sqlite(db), Table = "loans", SourceId = "loans", WatermarkColumn = "updated_at", Mode = mode,
        KeyColumns = mode == IngestMode.Merge ? ["id"] : [], Target = target, BatchSize = 500,
    };

    private static void AssertOneWinner(IngestResult[] results, long expectedVersion)
    {
        var outcomes = string.Join(", ", results.Select(r => $"{r.Outcome} v{r.Version}"));
        Assert.Single(results, r => r.Outcome == IngestOutcome.Committed);
        Assert.Single(results, r => r.Outcome is IngestOutcome.ConcurrentRunCommitted or IngestOutcome.NoNewRows);
        Assert.True(results.Single(r => r.Outcome == IngestOutcome.Committed).Version == expectedVersion, outcomes);
    }

    [Theory]
    [InlineData(IngestMode.Merge)]
    [InlineData(IngestMode.Append)]
    public async Task TwoTasksAtOnce(IngestMode mode)
    {
        string target = _dir[$"tasks-{mode}"];
        // First load: both create the table; one wins, the other finds the table and nothing new.
        var first = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => IngestRunner.RunAsync(Job(mode, "2020.db", target)))));
        AssertOneWinner(first, 0);
        // Incremental load of an existing table: one commits version 1, the other loses the race on the watermark.
        var second = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => IngestRunner.RunAsync(Job(mode, "2021.db", target)))));
        AssertOneWinner(second, 1);
        await AssertLoadedOnceAsync(target, mode);
    }

    [Fact]
    public async Task TwoProcessesAtOnce()
    {
        foreach (var (db, version) in new[] { ("2020.db", 0L), ("2021.db", 1L) })
        {
            var job = Job(IngestMode.Merge, db, _dir["procs"]);
            using var a = WorkerProcess.Start(job, _dir[$"a-{db}.json"]);
            using var b = WorkerProcess.Start(job, _dir[$"b-{db}.json"]);
            var results = await Task.WhenAll(a.WaitAsync(TimeSpan.FromMinutes(2)), b.WaitAsync(TimeSpan.FromMinutes(2)));
            AssertOneWinner(results, version);
        }
        await AssertLoadedOnceAsync(_dir["procs"], IngestMode.Merge);
    }

    private async Task AssertLoadedOnceAsync(string target, IngestMode mode)
    {
        var digest = await TableDigest.ReadAsync(target, mode == IngestMode.Merge ? ["id"] : ["id", "updated_at"]);
        Assert.Equal(1, digest.Version);
        Assert.Equal(digest.Rows, digest.DistinctKeys);
        Assert.Equal(mode == IngestMode.Merge ? Loans2020 + Loans2021 : Loans2020 + Loans2021 + _updated, digest.Rows);
    }
}
