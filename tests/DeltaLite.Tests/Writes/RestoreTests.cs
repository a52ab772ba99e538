using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

public sealed class RestoreTests
{
    private static object?[][] Ids(long from, long to, int year, int version = 0) =>
        Enumerable.Range(0, (int)(to - from)).Select(i => TestRows.Row(from + i, year, version)).ToArray();

    private static async Task<TempTable> HistoryAsync()
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 50, 2020).Concat(Ids(50, 100, 2021)))]);   // v1
        await t.Table.AppendAsync([TestRows.Batch(Ids(100, 150, 2022))]);                              // v2
        await t.Table.DeleteAsync(PredicateParser.Parse("id < 25"));                                  // v3
        await t.Table.MergeAsync([TestRows.Batch(Ids(60, 70, 2021, 1).Concat(Ids(500, 505, 2023)))], ["id"]); // v4
        return t;
    }

    [Fact]
    public async Task Restore_MakesANewVersionWithTheOldFiles_EveryVersionStillReadsTheSame()
    {
        await using var t = await HistoryAsync();
        var before = new List<List<string>>();
        for (long v = 0; v <= 4; v++) before.Add(await Rows.OfVersionAsync(t.Table, v));
        var v1Files = (await t.Table.GetSnapshotAsync(1)).Files.Select(f => f.Path).ToHashSet();
        var v4Files = (await t.Table.GetSnapshotAsync(4)).Files.Select(f => f.Path).ToHashSet();

        var result = await t.Table.RestoreAsync(1);
        Assert.Equal(5, result.Version);
        Assert.Equal(before[1], await Rows.OfVersionAsync(t.Table));
        for (long v = 0; v <= 4; v++) Assert.Equal(before[(int)v], await Rows.OfVersionAsync(t.Table, v));

        var actions = CommitLog.Commit(t, 5);
        var adds = actions.OfType<AddFile>().Select(a => a.Path).ToHashSet();
        var removes = actions.OfType<RemoveFile>().Select(r => r.Path).ToHashSet();
        Assert.Equal(v1Files.Except(v4Files).ToHashSet(), adds);
        Assert.Equal(v4Files.Except(v1Files).ToHashSet(), removes);
        Assert.All(actions.OfType<AddFile>(), a => Assert.True(a.DataChange));
        Assert.Equal("RESTORE", CommitLog.Info(t, 5).Operation);
        Assert.Equal("1", (string?)CommitLog.Info(t, 5).OperationParameters!["version"]);
        Assert.Equal(adds.Count, CommitLog.Metric(t, 5, "numRestoredFiles"));
        Assert.Equal(removes.Count, CommitLog.Metric(t, 5, "numRemovedFiles"));
        Assert.Equal(v1Files.Count, CommitLog.Metric(t, 5, "numOfFilesAfterRestore"));
        Assert.Equal((await t.Table.GetSnapshotAsync(1)).TotalBytes, CommitLog.Metric(t, 5, "tableSizeAfterRestore"));
    }

    [Fact]
    public async Task Restore_ByTimestamp_PicksTheVersionInEffect()
    {
        await using var t = await HistoryAsync();
        var times = await t.Table.CommitTimesAsync();
        var result = await t.Table.RestoreAsync(times[2].Timestamp);
        Assert.Equal(await Rows.OfVersionAsync(t.Table, 2), await Rows.OfVersionAsync(t.Table, result.Version));
        Assert.Equal("2", (string?)CommitLog.Info(t, result.Version).OperationParameters!["version"]);
    }

    [Fact]
    public async Task Restore_RestoresTheOldSchema()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 5, 2020))]);
        var wider = new Parquet.Schema(TestRows.Schema.Fields.Append(new Field("extra", DataType.Int32)).ToArray());
        await t.Table.AppendAsync([Rows.Batch(wider, TestRows.Row(9, 2020).Append(1).ToArray())], new WriteOptions { MergeSchema = true });
        var result = await t.Table.RestoreAsync(1);
        Assert.Equal(-1, (await t.Table.GetSnapshotAsync()).Schema.IndexOf("extra"));
        Assert.Single(CommitLog.Commit(t, result.Version).OfType<MetadataAction>());
        Assert.Equal(await Rows.OfVersionAsync(t.Table, 1), await Rows.OfVersionAsync(t.Table));
    }

    [Fact]
    public async Task Restore_AfterVacuumDeletedAFileItNeeds_FailsNamingIt()
    {
        await using var t = await HistoryAsync();
        await t.Table.VacuumAsync(TimeSpan.Zero, force: true);
        long latest = await t.Table.GetLatestVersionAsync();
        var gone = (await t.Table.GetSnapshotAsync(1)).Files.Select(f => f.Path)
            .Except((await t.Table.GetSnapshotAsync()).Files.Select(f => f.Path)).ToList();
        Assert.NotEmpty(gone);
        var e = await Assert.ThrowsAsync<TableOperationException>(() => t.Table.RestoreAsync(1));
        Assert.Contains("vacuumed", e.Message);
        foreach (var g in gone) Assert.Contains(g, e.Message);
        Assert.Equal(latest, await t.Table.GetLatestVersionAsync());
        await Assert.ThrowsAsync<VersionNotFoundException>(() => t.Table.RestoreAsync(latest + 1));
    }
}
