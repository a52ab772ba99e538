using DeltaLite.Actions;
using DeltaLite.Diff;
using DeltaLite.Expressions;
using DeltaLite.Parquet;

namespace DeltaLite.Tests.Writes;

public sealed class OptimizeTests
{
    private static object?[][] Ids(long from, long to, int year, int version = 0) =>
        Enumerable.Range(0, (int)(to - from)).Select(i => TestRows.Row(from + i, year, version)).ToArray();

    /// <summary>12 small appends over 3 years, then a delete that rewrites some files.</summary>
    private static async Task<TempTable> SmallFilesAsync()
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        for (int i = 0; i < 12; i++)
            await t.Table.AppendAsync([TestRows.Batch(Ids(i * 20 + 1, i * 20 + 21, 2020 + i % 3))]);
        await t.Table.DeleteAsync(PredicateParser.Parse("id >= 30 AND id < 45"));
        return t;
    }

    [Fact]
    public async Task Optimize_CompactsEachPartition_DataChangeFalse_EveryVersionReadsTheSame()
    {
        await using var t = await SmallFilesAsync();
        long latest = await t.Table.GetLatestVersionAsync();
        var before = new List<List<string>>();
        for (long v = 0; v <= latest; v++) before.Add(await Rows.OfVersionAsync(t.Table, v));
        var snapshot = await t.Table.GetSnapshotAsync();
        int filesBefore = snapshot.Files.Count;

        var result = await t.Table.OptimizeAsync();
        Assert.NotNull(result.Commit);
        Assert.Equal(latest + 1, result.Commit!.Version);
        for (long v = 0; v <= latest; v++) Assert.Equal(before[(int)v], await Rows.OfVersionAsync(t.Table, v));
        Assert.Equal(before[^1], await Rows.OfVersionAsync(t.Table));

        var after = await t.Table.GetSnapshotAsync();
        Assert.Equal(3, after.Files.Count); // one file per year
        Assert.Equal(3, after.Files.Select(f => f.PartitionValues["year"]).Distinct().Count());
        var actions = CommitLog.Commit(t, result.Commit.Version);
        Assert.All(actions.OfType<RemoveFile>(), r => Assert.False(r.DataChange));
        Assert.All(actions.OfType<AddFile>(), a => Assert.False(a.DataChange));
        Assert.Equal(filesBefore, actions.OfType<RemoveFile>().Count());
        Assert.Equal(filesBefore, CommitLog.Metric(t, result.Commit.Version, "numFilesRemoved"));
        Assert.Equal(3, CommitLog.Metric(t, result.Commit.Version, "numFilesAdded"));
        Assert.Equal(3, CommitLog.Metric(t, result.Commit.Version, "partitionsOptimized"));
        Assert.Equal(snapshot.TotalBytes, CommitLog.Metric(t, result.Commit.Version, "numRemovedBytes"));
        Assert.Equal(after.TotalBytes, result.BytesAdded);
        Assert.Equal("OPTIMIZE", CommitLog.Info(t, result.Commit.Version).Operation);
        Assert.Equal(before[^1].Count, result.RowsRewritten);

        // Nothing left to compact: no commit.
        var again = await t.Table.OptimizeAsync();
        Assert.Null(again.Commit);
        Assert.Equal(result.Commit.Version, await t.Table.GetLatestVersionAsync());

        // A compaction is no change of data.
        var diff = await t.Table.DiffAsync(latest, result.Commit.Version, ["id"]);
        Assert.True(diff.IsEmpty);
        Assert.Equal(before[^1].Count, diff.RowsCancelled);
        Assert.True(await DuckDbCheck.AllFilesAsync(t) >= 3);
    }

    [Fact]
    public async Task Optimize_WithAPartitionFilter_CompactsOnlyThosePartitions()
    {
        await using var t = await SmallFilesAsync();
        var before = await t.Table.GetSnapshotAsync();
        var result = await t.Table.OptimizeAsync(PredicateParser.Parse("year = 2021"));
        var actions = CommitLog.Commit(t, result.Commit!.Version);
        Assert.All(actions.OfType<RemoveFile>(), r => Assert.Equal("2021", r.PartitionValues!["year"]));
        Assert.Single(actions.OfType<AddFile>());
        Assert.Equal(before.Files.Count(f => f.PartitionValues["year"] != "2021"), (await t.Table.GetSnapshotAsync()).Files.Count - 1);
        await Assert.ThrowsAsync<ArgumentException>(() => t.Table.OptimizeAsync(PredicateParser.Parse("id > 3")));
    }

    [Fact]
    public async Task Optimize_SkipsFilesAtTheTargetSize()
    {
        await using var t = await SmallFilesAsync();
        var snapshot = await t.Table.GetSnapshotAsync();
        long smallest = snapshot.Files.Min(f => f.Size);
        var result = await t.Table.OptimizeAsync(targetSize: smallest);
        Assert.Null(result.Commit); // every file is at least the target: nothing to do
        Assert.Equal(snapshot.Files.Count, result.TotalFilesSkipped);
    }

    [Fact]
    public async Task Optimize_RewritesAFileWithADeletionVector_WithoutTheDeletedRows()
    {
        await using var t = await TempTable.NewAsync(global::DeltaLite.Tests.TestData.DeltaRsTable("table-with-dv-small"));
        var before = await Rows.OfVersionAsync(t.Table);
        var result = await t.Table.OptimizeAsync();
        Assert.NotNull(result.Commit);
        Assert.Equal(before, await Rows.OfVersionAsync(t.Table));
        var add = CommitLog.Commit(t, result.Commit!.Version).OfType<AddFile>().Single();
        Assert.Null(add.DeletionVector);
        Assert.Contains("\"numRecords\":8", add.Stats);
        var diff = await t.Table.DiffAsync(result.Commit.Version - 1, result.Commit.Version);
        Assert.True(diff.IsEmpty);
    }
}

public sealed class DiffTests
{
    private static object?[][] Ids(long from, long to, int year, int version = 0) =>
        Enumerable.Range(0, (int)(to - from)).Select(i => TestRows.Row(from + i, year, version)).ToArray();

    [Fact]
    public async Task Diff_ByKey_ClassifiesAddedRemovedChanged_ByRowsOnlyAddedAndRemoved()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 100, 2020).Concat(Ids(100, 200, 2021)))]); // v1
        await t.Table.MergeAsync([TestRows.Batch(Ids(10, 13, 2020, 1).Concat(Ids(300, 302, 2022)))], ["id"]); // v2
        await t.Table.DeleteAsync(PredicateParser.Parse("id = 150 OR id = 151"));  // v3

        var diff = await t.Table.DiffAsync(1, 3, ["id"]);
        Assert.Equal(Rows.Sorted([TestRows.Batch(Ids(300, 302, 2022))]), Rows.Sorted(diff.Added));
        Assert.Equal(Rows.Sorted([TestRows.Batch(Ids(150, 152, 2021))]), Rows.Sorted(diff.Removed));
        Assert.Equal(Rows.Sorted([TestRows.Batch(Ids(10, 13, 2020))]), Rows.Sorted(diff.ChangedOld));
        Assert.Equal(Rows.Sorted([TestRows.Batch(Ids(10, 13, 2020, 1))]), Rows.Sorted(diff.ChangedNew));
        // Old and new values are paired row by row.
        var olds = Rows.Json(diff.ChangedOld);
        var news = Rows.Json(diff.ChangedNew);
        for (int i = 0; i < olds.Count; i++)
            Assert.Equal(olds[i][..olds[i].IndexOf(',')], news[i][..news[i].IndexOf(',')]);

        var changes = Rows.Json(diff.ToChangeBatches());
        Assert.Equal(2 + 3 * 2 + 2, changes.Count);
        Assert.Equal(2, changes.Count(c => c.StartsWith("{\"_change_type\":\"delete\"")));
        Assert.Equal(3, changes.Count(c => c.StartsWith("{\"_change_type\":\"update_preimage\"")));
        Assert.Equal(3, changes.Count(c => c.StartsWith("{\"_change_type\":\"update_postimage\"")));
        Assert.Equal(2, changes.Count(c => c.StartsWith("{\"_change_type\":\"insert\"")));

        // Without keys: a change is a removed row and an added row.
        var byRows = await t.Table.DiffAsync(1, 3);
        Assert.Equal(5, byRows.AddedRows);
        Assert.Equal(5, byRows.RemovedRows);
        Assert.Equal(0, byRows.ChangedRows);
        Assert.True(byRows.RowsCancelled > 0); // copied rows of rewritten files cancel

        // Backwards is the mirror image.
        var back = await t.Table.DiffAsync(3, 1, ["id"]);
        Assert.Equal(Rows.Sorted(diff.Added), Rows.Sorted(back.Removed));
        Assert.Equal(Rows.Sorted(diff.ChangedNew), Rows.Sorted(back.ChangedOld));
        Assert.True((await t.Table.DiffAsync(2, 2)).IsEmpty);
    }

    [Fact]
    public async Task Diff_AcrossASchemaChange_ShowsTheNewColumn()
    {
        await using var t = await TempTable.NewAsync();
        var schema = new Parquet.Schema(new Field("k", DataType.Int64), new Field("v", DataType.String));
        await t.Table.CreateAsync(schema);
        await t.Table.AppendAsync([Rows.Batch(schema, [1L, "a"], [2L, "b"])]);
        var wider = new Parquet.Schema(new Field("k", DataType.Int64), new Field("v", DataType.String), new Field("w", DataType.Int32));
        await t.Table.MergeAsync([Rows.Batch(wider, [2L, "b", 7])], ["k"], new DeltaLite.Writes.MergeOptions { MergeSchema = true });
        var diff = await t.Table.DiffAsync(1, 2, ["k"]);
        Assert.Equal(["{\"k\":2,\"v\":\"b\",\"w\":null}"], Rows.Json(diff.ChangedOld));
        Assert.Equal(["{\"k\":2,\"v\":\"b\",\"w\":7}"], Rows.Json(diff.ChangedNew));
        Assert.Equal(0, diff.AddedRows + diff.RemovedRows);
        Assert.Equal(TableDiff.ChangeTypeColumn, diff.ToChangeBatches().First().Schema[0].Name);
    }
}
