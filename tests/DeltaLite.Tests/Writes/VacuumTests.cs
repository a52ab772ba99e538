using DeltaLite.Actions;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

public sealed class VacuumTests
{
    private static object?[][] Ids(long from, long to, int year, int version = 0) =>
        Enumerable.Range(0, (int)(to - from)).Select(i => TestRows.Row(from + i, year, version)).ToArray();

    private static List<string> DataFiles(TempTable t) =>
        Directory.EnumerateFiles(t.Path, "*.parquet", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(t.Path, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("_delta_log/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    private static async IAsyncEnumerable<RecordBatch> FailingAfter(int batches, Func<int, RecordBatch> make)
    {
        for (int i = 0; i < batches; i++)
        {
            await Task.Yield();
            yield return make(i);
        }
        throw new IOException("source failed halfway");
    }

    [Fact]
    public async Task AWriteThatFailsHalfway_LeavesNoVersion_AndVacuumRemovesItsOrphans()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned(("delta.targetFileSize", "2000")));
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 50, 2020))]);
        var before = await Rows.OfVersionAsync(t.Table);
        var live = DataFiles(t);

        // Each batch fills a file (target 2,000 bytes), so files are written before the source throws.
        await Assert.ThrowsAsync<IOException>(() => t.Table.AppendAsync(FailingAfter(3, i => TestRows.Batch(Ids(100 + i * 100, 200 + i * 100, 2021))), null));
        await Assert.ThrowsAsync<IOException>(() => t.Table.MergeAsync(FailingAfter(2, i => TestRows.Batch(Ids(1000 + i * 100, 1100 + i * 100, 2022))), ["id"]));
        Assert.Equal(1, await t.Table.GetLatestVersionAsync());
        Assert.Equal(before, await Rows.OfVersionAsync(t.Table));
        var orphans = DataFiles(t).Except(live).ToList();
        Assert.Equal(5, orphans.Count);

        // Default retention: the orphans are new, so they stay.
        var kept = await t.Table.VacuumAsync(dryRun: true);
        Assert.Empty(kept.Files);

        var dry = await t.Table.VacuumAsync(TimeSpan.Zero, dryRun: true, force: true);
        Assert.Equal(orphans, dry.Files);
        Assert.Equal(orphans.Sum(o => new FileInfo(Path.Combine(t.Path, o)).Length), dry.Bytes);
        Assert.Equal(orphans.Count + live.Count, DataFiles(t).Count); // a dry run deletes nothing
        Assert.Equal(1, await t.Table.GetLatestVersionAsync());

        var done = await t.Table.VacuumAsync(TimeSpan.Zero, force: true);
        Assert.Equal(orphans, done.Files);
        Assert.Equal(live, DataFiles(t));
        Assert.False(Directory.Exists(Path.Combine(t.Path, "year=2022")));
        Assert.Equal(before, await Rows.OfVersionAsync(t.Table));
        Assert.Equal("VACUUM START", CommitLog.Info(t, 2).Operation);
        Assert.Equal(5, CommitLog.Metric(t, 2, "numFilesToDelete"));
        Assert.Equal("VACUUM END", CommitLog.Info(t, 3).Operation);
        Assert.Equal(5, CommitLog.Metric(t, 3, "numDeletedFiles"));
        Assert.All(CommitLog.Commit(t, 2).Concat(CommitLog.Commit(t, 3)), a => Assert.IsType<CommitInfoAction>(a));
    }

    [Fact]
    public async Task ARetentionShorterThanTheTables_IsRefusedUnlessForced()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned(("delta.deletedFileRetentionDuration", "interval 2 days")));
        var e = await Assert.ThrowsAsync<TableOperationException>(() => t.Table.VacuumAsync(TimeSpan.FromHours(47)));
        Assert.Contains("48 hours", e.Message);
        Assert.Contains("force", e.Message);
        var ok = await t.Table.VacuumAsync(TimeSpan.FromHours(47), dryRun: true, force: true);
        Assert.Empty(ok.Files);
        Assert.Equal(TimeSpan.FromHours(47), ok.Retention);
        Assert.Equal(TimeSpan.FromDays(2), (await t.Table.VacuumAsync(dryRun: true)).Retention);
    }

    [Fact]
    public async Task Vacuum_DeletesOnlyUnreferencedOldFiles_KeepingHiddenOnesAndRecentTombstones()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 20, 2020).Concat(Ids(20, 40, 2021)))]);
        await t.Table.OverwriteAsync([TestRows.Batch(Ids(1, 10, 2020, 1))], DeltaLite.Expressions.PredicateParser.Parse("year = 2020"));
        var v2Rows = await Rows.OfVersionAsync(t.Table);
        var removed = CommitLog.Commit(t, 2).OfType<RemoveFile>().Single().Path;

        // Old things that must stay: hidden files and folders, the log. Old things that must go: an orphan in a partition.
        var old = DateTime.UtcNow.AddDays(-30);
        string[] hidden = ["_tmp/part-old.parquet", ".hidden/part-old.parquet", "_SUCCESS", "year=2020/.part-old.parquet.crc"];
        foreach (var h in hidden.Append("year=2021/part-orphan.parquet"))
        {
            var full = Path.Combine(t.Path, h);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, "x");
            File.SetLastWriteTimeUtc(full, old);
        }
        // Every real data file is old too: only references can keep them.
        foreach (var f in DataFiles(t)) File.SetLastWriteTimeUtc(Path.Combine(t.Path, f), old);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(t.Path, "_delta_log"))) File.SetLastWriteTimeUtc(f, old);

        // With the default retention (7 days) the tombstone of version 2 is recent: its file stays.
        var week = await t.Table.VacuumAsync();
        Assert.Equal(["year=2021/part-orphan.parquet"], week.Files);
        Assert.True(File.Exists(Path.Combine(t.Path, removed)));
        Assert.Equal(v2Rows, await Rows.OfVersionAsync(t.Table, 2));

        // Forced to zero, the removed file goes too; the latest version still reads, version 1 no longer can.
        var zero = await t.Table.VacuumAsync(TimeSpan.Zero, force: true);
        Assert.Equal([removed], zero.Files);
        Assert.Equal(v2Rows, await Rows.OfVersionAsync(t.Table));
        await Assert.ThrowsAsync<DeltaLogException>(() => Rows.OfVersionAsync(t.Table, 1));
        foreach (var h in hidden) Assert.True(File.Exists(Path.Combine(t.Path, h)), h);
    }
}
