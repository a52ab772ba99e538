using Xunit.Abstractions;
using DeltaLite.Ingest.Tests.Support;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// The reference story, end to end: 2020 loans -> version 0; 2021 loans plus updates to 2020 loans -> version 1 with
/// both years and the updated values; version 0 still reads as it was; a third run with nothing new commits nothing,
/// and with CommitWhenEmpty one empty version. Merge mode by id, watermark updated_at. The table's rows are compared
/// with the source's rows, rendered by the source database itself, column by column.
/// </summary>
public sealed class ReferenceStoryTests(ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private void T(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds:F2}s {what}");
    private const int LoansPerYear = 1500;

    [Fact]
    public async Task Sqlite()
    {
        using var dir = new TempDir();
        string source = dir.Sqlite("loans.db"), copy2020 = dir.Sqlite("loans-2020.db");
        await Loans.SqliteAsync(source, 2020, LoansPerYear);
        Loans.CopySqlite(dir["loans.db"], dir["loans-2020.db"]);
        await RunStoryAsync(
            Loans.MergeJob(SourceKind.Sqlite, source, "loans", dir["table"]),
            generate2021: () => Loans.SqliteAsync(source, 2021, LoansPerYear),
            readSource: () => Rows.ReadSqliteLoansAsync(source),
            readSource2020: () => Rows.ReadSqliteLoansAsync(copy2020));
    }

    [Fact]
    public async Task Postgres()
    {
        using var dir = new TempDir();
        await using var pg = await PgSchema.CreateAsync();
        string table = pg.Table("loans"), table2020 = pg.Table("loans_2020");
        await Loans.PostgresAsync(table, 2020, LoansPerYear);
        await pg.ExecuteAsync($"CREATE TABLE {table2020} AS SELECT * FROM {table}");
        await RunStoryAsync(
            Loans.MergeJob(SourceKind.Postgres, PgSchema.ConnectionString, table, dir["table"]),
            generate2021: () => Loans.PostgresAsync(table, 2021, LoansPerYear),
            readSource: () => Rows.ReadPostgresLoansAsync(table),
            readSource2020: () => Rows.ReadPostgresLoansAsync(table2020));
    }

    private async Task RunStoryAsync(IngestJob job, Func<Task<LoanGenerator.GenerateResult>> generate2021,
        Func<Task<List<Row>>> readSource, Func<Task<List<Row>>> readSource2020)
    {
        // Run 1: the 2020 loans create the table as version 0.
        T("start");
        var first = await IngestRunner.RunAsync(job);
        T("run1");
        Assert.Equal(IngestOutcome.Committed, first.Outcome);
        Assert.Equal(0, first.Version);
        Assert.Equal(LoansPerYear, first.RowsRead);
        Assert.Equal(LoansPerYear, first.RowsInserted);
        Assert.Null(first.WatermarkFrom);
        Assert.NotNull(first.WatermarkTo);
        var source2020 = await readSource();
        Rows.AssertSameByKey(source2020, await Rows.ReadTableAsync(job.Target!), what: "table at version 0");

        // Run 2: the 2021 loans and the updated 2020 loans are merged as version 1.
        var generated = await generate2021();
        T("gen2021");
        long updated = generated.Updated;
        Assert.True(updated > 100, $"the generator should update a share of the 2020 loans (updated {updated})");
        var second = await IngestRunner.RunAsync(job);
        Assert.Equal(IngestOutcome.Committed, second.Outcome);
        Assert.Equal(1, second.Version);
        Assert.Equal(LoansPerYear + updated, second.RowsRead);
        Assert.Equal(LoansPerYear, second.RowsInserted);
        Assert.Equal(updated, second.RowsUpdated);
        Assert.Equal(first.WatermarkTo, second.WatermarkFrom);
        Assert.True(string.CompareOrdinal(second.WatermarkTo, first.WatermarkTo) > 0, $"the watermark moved from {first.WatermarkTo} to {second.WatermarkTo}");
        T("run2");
        var sourceBoth = await readSource();
        Assert.Equal(2 * LoansPerYear, sourceBoth.Count);
        var version1 = await Rows.ReadTableAsync(job.Target!);
        Rows.AssertSameByKey(sourceBoth, version1, what: "table at version 1");
        // The updated loans really changed (the test would pass vacuously otherwise).
        var before = source2020.ToDictionary(r => r["id"]!);
        Assert.Equal(updated, version1.Count(r => before.TryGetValue(r["id"]!, out var old) && old["updated_at"] != r["updated_at"]));

        // Version 0 still reads as it was: equal to the copy of the 2020 source taken before 2021 was generated.
        Rows.AssertSameByKey(await readSource2020(), await Rows.ReadTableAsync(job.Target!, 0), what: "table at version 0 (time travel)");

        T("compared");
        // Run 3: nothing new: nothing is committed.
        var third = await IngestRunner.RunAsync(job);
        Assert.Equal(IngestOutcome.NoNewRows, third.Outcome);
        Assert.Equal(1, third.Version);
        Assert.Equal(0, third.RowsRead);
        Assert.Equal(second.WatermarkTo, third.WatermarkFrom);
        await using (var table = await DeltaTable.OpenAsync(job.Target!))
            Assert.Equal(1, await table.GetLatestVersionAsync());

        // Run 4, asked to commit when empty: one empty version with the same rows and watermark.
        var fourth = await IngestRunner.RunAsync(job with { CommitWhenEmpty = true });
        Assert.Equal(IngestOutcome.Committed, fourth.Outcome);
        Assert.Equal(2, fourth.Version);
        Assert.Equal(0, fourth.RowsRead);
        Assert.Equal(0, fourth.RowsInserted + fourth.RowsUpdated);
        Assert.Equal(second.WatermarkTo, fourth.WatermarkTo);
        Rows.AssertSameByKey(sourceBoth, await Rows.ReadTableAsync(job.Target!), what: "table at version 2");

        // The state and the history carry the watermark range of each run.
        await using (var table = await DeltaTable.OpenAsync(job.Target!))
        {
            var history = new List<DeltaLite.Snapshots.CommitEntry>();
            await foreach (var e in table.HistoryAsync()) history.Add(e);
            var v1 = history.Single(h => h.Version == 1).CommitInfo!.Values;
            Assert.Equal("merge", (string?)v1["deltalite.mode"]);
            Assert.Equal("updated_at", (string?)v1["deltalite.watermark"]!["column"]);
            Assert.Equal(first.WatermarkTo, (string?)v1["deltalite.watermark"]!["from"]);
            Assert.Equal(second.WatermarkTo, (string?)v1["deltalite.watermark"]!["to"]);
            var snapshot = await table.GetSnapshotAsync();
            var state = State.IngestState.Parse(second.SourceId, snapshot.GetDomainConfiguration("deltalite.ingest." + second.SourceId)!);
            Assert.Equal(second.WatermarkTo, state.Watermark!.Text);
            Assert.NotNull(snapshot.GetTransactionVersion("deltalite.ingest." + second.SourceId));
        }
    }
}
