using DeltaLite.Ingest.Tests.Support;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// Watermark boundaries on SQLite sources (PostgreSQL ones are in <see cref="PostgresSourceTests"/>): rows with the
/// same timestamp as the stored mark, late rows and the lookback window, NULL watermarks, empty sources, rows that
/// arrive between two runs.
/// </summary>
public sealed class WatermarkBoundaryTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _source;

    public WatermarkBoundaryTests()
    {
        _source = _dir.Sqlite();
        SqliteDb.Execute(_source, "CREATE TABLE events (id INTEGER PRIMARY KEY, ts TIMESTAMP, v TEXT)");
    }

    public void Dispose() => _dir.Dispose();

    private void Insert(long id, string? ts, string v = "x") =>
        SqliteDb.Execute(_source, "INSERT INTO events VALUES ($id, $ts, $v)", ("$id", id), ("$ts", ts), ("$v", v));

    private IngestJob Job(IngestMode mode = IngestMode.Append) => new()
    {
        Source = SourceKind.Sqlite, Connection = _source, Table = "events", WatermarkColumn = "ts", Target = _dir["table"], Mode = mode,
        KeyColumns = mode == IngestMode.Merge ? ["id"] : [],
    };

    private async Task<List<long>> IdsAsync()
    {
        var rows = await Rows.ReadTableAsync(_dir["table"]);
        return rows.Select(r => long.Parse(r["id"]!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
    }

    /// <summary>
    /// Rows with the same timestamp as the stored mark are not read again (low &lt; w), and none of those present when
    /// the mark was captured is lost (w &lt;= high). Documented limit: a row committed AFTER a run with a timestamp
    /// equal to (or below) that run's high mark is never read by later runs in append mode - only a merge lookback
    /// catches such late commits (next test).
    /// </summary>
    [Fact]
    public async Task RowsAtTheHighMarkAreReadOnceAndLateRowsAtTheMarkAreMissedWithoutLookback()
    {
        Insert(1, "2024-01-01 10:00:00");
        Insert(2, "2024-01-01 10:00:05");
        Insert(3, "2024-01-01 10:00:05");
        var first = await IngestRunner.RunAsync(Job());
        Assert.Equal(3, first.RowsRead);
        Assert.Equal("2024-01-01T10:00:05.000000Z", first.WatermarkTo);

        var again = await IngestRunner.RunAsync(Job());
        Assert.Equal(IngestOutcome.NoNewRows, again.Outcome);
        Assert.Equal([1, 2, 3], await IdsAsync());

        // A late commit with a timestamp equal to the stored mark: not past the watermark, so not read.
        Insert(4, "2024-01-01 10:00:05");
        var late = await IngestRunner.RunAsync(Job());
        Assert.Equal(IngestOutcome.NoNewRows, late.Outcome);

        // Newer rows are read; the late row stays missed (documented behaviour of low < w <= high).
        Insert(5, "2024-01-01 10:00:06");
        var next = await IngestRunner.RunAsync(Job());
        Assert.Equal(IngestOutcome.Committed, next.Outcome);
        Assert.Equal(1, next.RowsRead);
        Assert.Equal([1, 2, 3, 5], await IdsAsync());
    }

    /// <summary>
    /// In merge mode a lookback window re-reads rows from (mark - lookback): the late row at the mark is loaded, the
    /// re-read rows are merged (updated in place), nothing is duplicated. The window is applied by a run that has
    /// something past the watermark; a run with nothing new commits nothing (documented).
    /// </summary>
    [Fact]
    public async Task MergeLookbackCatchesLateRowsAtOrBelowTheMarkWithoutDuplicates()
    {
        var job = Job(IngestMode.Merge) with { Lookback = TimeSpan.FromMinutes(1) };
        Insert(1, "2024-01-01 09:00:00");
        Insert(2, "2024-01-01 10:00:00");
        Insert(3, "2024-01-01 10:00:05");
        Assert.Equal(3, (await IngestRunner.RunAsync(job)).RowsInserted);

        Insert(4, "2024-01-01 10:00:05"); // late, at the mark
        Insert(5, "2024-01-01 09:59:30"); // late, below the mark but inside the window
        Insert(6, "2024-01-01 09:30:00"); // late, outside the window: missed, as documented
        var quiet = await IngestRunner.RunAsync(job);
        Assert.Equal(IngestOutcome.NoNewRows, quiet.Outcome);

        Insert(7, "2024-01-01 10:00:07");
        var next = await IngestRunner.RunAsync(job);
        Assert.Equal(IngestOutcome.Committed, next.Outcome);
        Assert.Equal(3, next.RowsInserted); // 4, 5 and 7
        Assert.Equal(2, next.RowsUpdated);  // 2 and 3 re-read by the window
        Assert.Equal([1, 2, 3, 4, 5, 7], await IdsAsync());
        Assert.Equal("2024-01-01T10:00:07.000000Z", next.WatermarkTo);
    }

    /// <summary>
    /// Rows that arrive after a run captured its high mark are left for the next run. Without a hook into the
    /// runner this is shown with two runs: rows inserted after the first run, with any timestamp above the mark,
    /// are read by the second run exactly once. (PostgreSQL has an in-run test: a row inserted after the high mark
    /// was captured, during the run itself.)
    /// </summary>
    [Fact]
    public async Task RowsArrivingAfterTheMarkAreLoadedByTheNextRunOnce()
    {
        for (int i = 1; i <= 100; i++) Insert(i, $"2024-01-01 10:{i / 60:D2}:{i % 60:D2}");
        var first = await IngestRunner.RunAsync(Job() with { BatchSize = 7 });
        Assert.Equal(100, first.RowsRead);
        for (int i = 101; i <= 150; i++) Insert(i, $"2024-01-01 11:{i / 60 % 60:D2}:{i % 60:D2}");
        var second = await IngestRunner.RunAsync(Job() with { BatchSize = 7 });
        Assert.Equal(50, second.RowsRead);
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), await IdsAsync());
    }

    /// <summary>
    /// NULL watermarks (documented): the first run loads rows whose watermark is NULL; later runs cannot tell new NULL
    /// rows from old ones, so they do not load them and report how many there are (NullWatermarkRows).
    /// </summary>
    [Fact]
    public async Task NullWatermarksAreLoadedByTheFirstRunOnlyAndReported()
    {
        Insert(1, null);
        Insert(2, "2024-01-01 10:00:00");
        var first = await IngestRunner.RunAsync(Job());
        Assert.Equal(2, first.RowsRead);
        Assert.Equal(0, first.NullWatermarkRows);

        Insert(3, null);
        Insert(4, "2024-01-02 10:00:00");
        var second = await IngestRunner.RunAsync(Job());
        Assert.Equal(1, second.RowsRead);
        Assert.Equal(2, second.NullWatermarkRows);
        Assert.Equal([1, 2, 4], await IdsAsync());

        var third = await IngestRunner.RunAsync(Job());
        Assert.Equal(IngestOutcome.NoNewRows, third.Outcome);
        Assert.Equal(2, third.NullWatermarkRows);
    }

    /// <summary>A source whose first rows all have NULL watermarks: they are loaded once, not again when real marks appear.</summary>
    [Fact]
    public async Task RowsWithNullWatermarksAreNotReloadedWhenTheFirstMarkAppears()
    {
        Insert(1, null);
        Insert(2, null);
        var first = await IngestRunner.RunAsync(Job());
        Assert.Equal(2, first.RowsRead);
        Assert.Null(first.WatermarkTo);

        Insert(3, "2024-01-01 10:00:00");
        var second = await IngestRunner.RunAsync(Job());
        Assert.Equal(1, second.RowsRead);
        Assert.Equal([1, 2, 3], await IdsAsync());
    }

    /// <summary>An empty source: the first run reports no rows and creates no table; once rows exist they are loaded.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EmptySourceCreatesNoTable(bool withWatermark)
    {
        var job = withWatermark ? Job() : Job() with { WatermarkColumn = null, Mode = IngestMode.Overwrite };
        var first = await IngestRunner.RunAsync(job);
        Assert.Equal(IngestOutcome.NoNewRows, first.Outcome);
        Assert.Equal(0, first.RowsRead);
        Assert.Null(first.Version);
        Assert.False(Directory.Exists(_dir["table"]) && Directory.EnumerateFileSystemEntries(_dir["table"]).Any(),
            "an empty source must not create the table");

        Insert(1, "2024-01-01 10:00:00");
        var second = await IngestRunner.RunAsync(job);
        Assert.Equal(IngestOutcome.Committed, second.Outcome);
        Assert.Equal(0, second.Version);
        Assert.Equal([1], await IdsAsync());
    }

    /// <summary>CommitWhenEmpty on an empty source: the table is created, empty, with the source's schema.</summary>
    [Fact]
    public async Task EmptySourceWithCommitWhenEmptyCreatesAnEmptyTable()
    {
        var result = await IngestRunner.RunAsync(Job() with { CommitWhenEmpty = true });
        Assert.Equal(IngestOutcome.Committed, result.Outcome);
        Assert.Equal(0, result.Version);
        await using var table = await DeltaTable.OpenAsync(_dir["table"]);
        var snapshot = await table.GetSnapshotAsync();
        Assert.Equal(0, await snapshot.CountRowsAsync());
        Assert.Equal(["id", "ts", "v"], snapshot.Schema.Fields.Select(f => f.Name));
    }

    /// <summary>Integer and date watermarks work like timestamps.</summary>
    [Fact]
    public async Task IntegerAndDateWatermarks()
    {
        SqliteDb.Execute(_source, "CREATE TABLE seq (n INTEGER, d DATE, v TEXT)");
        for (int i = 1; i <= 5; i++) SqliteDb.Execute(_source, $"INSERT INTO seq VALUES ({i}, '2024-01-0{i}', 'v{i}')");
        var byInt = new IngestJob { Source = SourceKind.Sqlite, Connection = _source, Table = "seq", WatermarkColumn = "n", Target = _dir["t1"], SourceId = "seq-n" };
        var byDate = byInt with { WatermarkColumn = "d", Target = _dir["t2"], SourceId = "seq-d" };
        Assert.Equal("5", (await IngestRunner.RunAsync(byInt)).WatermarkTo);
        Assert.Equal("2024-01-05", (await IngestRunner.RunAsync(byDate)).WatermarkTo);
        SqliteDb.Execute(_source, "INSERT INTO seq VALUES (6, '2024-01-06', 'v6')");
        Assert.Equal(1, (await IngestRunner.RunAsync(byInt)).RowsRead);
        Assert.Equal(1, (await IngestRunner.RunAsync(byDate)).RowsRead);
        Assert.Equal(6, (await Rows.ReadTableAsync(_dir["t1"])).Count);
        Assert.Equal(6, (await Rows.ReadTableAsync(_dir["t2"])).Count);
    }
}
