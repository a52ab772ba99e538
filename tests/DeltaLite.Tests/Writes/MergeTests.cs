using DeltaLite.Actions;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

public sealed class MergeTests
{
    private static object?[][] Ids(long from, long to, int year, int version = 0) =>
        Enumerable.Range(0, (int)(to - from)).Select(i => TestRows.Row(from + i, year, version)).ToArray();

    /// <summary>A table with one file per (year, block of 100 ids): ids 1-1000, 2 years.</summary>
    private static async Task<(TempTable, TestRows)> TenFilesAsync()
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        var model = new TestRows();
        for (int block = 0; block < 10; block++)
        {
            var rows = Ids(block * 100 + 1, block * 100 + 101, block < 5 ? 2020 : 2021);
            await t.Table.AppendAsync([TestRows.Batch(rows)]);
            model.Put(rows);
        }
        return (t, model);
    }

    [Fact]
    public async Task Merge_ReplacesMatchedRows_InsertsNewKeys_KeepsTheRest_RewritingOnlyFilesWithKeys()
    {
        var (t, model) = await TenFilesAsync();
        await using var _ = t;
        long before = await t.Table.GetLatestVersionAsync();
        var previous = new List<List<string>>();
        for (long v = 0; v <= before; v++) previous.Add(await Rows.OfVersionAsync(t.Table, v));

        // Updates in blocks 2 (ids 150-160) and 8 (ids 750, 760), inserts 2001-2005 (2021).
        var updates = Ids(150, 161, 2020, version: 1).Concat([TestRows.Row(750, 2021, 1), TestRows.Row(760, 2021, 1)]).ToList();
        var inserts = Ids(2001, 2006, 2021, version: 1);
        var source = updates.Concat(inserts).ToList();
        var result = await t.Table.MergeAsync(Rows.Async([TestRows.Batch(source.Take(7)), TestRows.Batch(source.Skip(7))]), ["id"]);
        model.Put(source);

        Assert.Equal(before + 1, result.Version);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
        for (long v = 0; v <= before; v++) Assert.Equal(previous[(int)v], await Rows.OfVersionAsync(t.Table, v));

        var actions = CommitLog.Commit(t, result.Version);
        var removed = actions.OfType<RemoveFile>().ToList();
        var oldSnapshot = await t.Table.GetSnapshotAsync(before);
        var expectedRemoved = oldSnapshot.Files.Where(f =>
        {
            var s = oldSnapshot.GetStatistics(f)!;
            var (min, max) = s.Bounds("id");
            return updates.Any(u => (long)u[0]! >= (long)min! && (long)u[0]! <= (long)max!);
        }).Select(f => f.Path).Order().ToList();
        Assert.Equal(2, expectedRemoved.Count);
        Assert.Equal(expectedRemoved, removed.Select(r => r.Path).Order().ToList());
        Assert.All(removed, r => Assert.True(r.DataChange));
        Assert.Equal("MERGE", CommitLog.Info(t, result.Version).Operation);
        Assert.Equal(13, CommitLog.Metric(t, result.Version, "numTargetRowsUpdated"));
        Assert.Equal(5, CommitLog.Metric(t, result.Version, "numTargetRowsInserted"));
        Assert.Equal(18, CommitLog.Metric(t, result.Version, "numSourceRows"));
        Assert.Equal(200 - 13, CommitLog.Metric(t, result.Version, "numTargetRowsCopied"));
        Assert.Equal(2, CommitLog.Metric(t, result.Version, "numTargetFilesRemoved"));
        Assert.Equal(actions.OfType<AddFile>().Count(), CommitLog.Metric(t, result.Version, "numTargetFilesAdded"));
        Assert.Equal(2, CommitLog.Metric(t, result.Version, "numTargetFilesAfterSkipping"));
        Assert.Equal(2, actions.OfType<AddFile>().Count()); // one file per touched partition
        Assert.False(CommitLog.Info(t, result.Version).IsBlindAppend);
        Assert.True(await DuckDbCheck.AllFilesAsync(t) >= 12);
    }

    [Fact]
    public async Task Merge_SourceWithADuplicateKey_FailsNamingIt_AndCommitsNothing()
    {
        var (t, model) = await TenFilesAsync();
        await using var _ = t;
        long before = await t.Table.GetLatestVersionAsync();
        var source = Ids(10, 20, 2020, 1).Append(TestRows.Row(15, 2020, 2)).ToArray();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => t.Table.MergeAsync([TestRows.Batch(source.Take(5)), TestRows.Batch(source.Skip(5))], ["id"]));
        Assert.Contains("id = 15", e.Message);
        Assert.Equal(before, await t.Table.GetLatestVersionAsync());
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
    }

    [Fact]
    public async Task Merge_ByACompositeKeyWithThePartitionColumn_PrunesByPartition()
    {
        var (t, model) = await TenFilesAsync();
        await using var _ = t;
        // id 150 exists in 2020; (150, 2021) is a new key; (700, 2021) exists.
        var source = new[] { TestRows.Row(150, 2021, 1), TestRows.Row(700, 2021, 1) };
        var result = await t.Table.MergeAsync([TestRows.Batch(source)], ["id", "year"]);
        model.ById.Remove(700);
        var expected = model.Expected();
        expected.AddRange(Rows.Json([TestRows.Batch(source)]));
        expected.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, await Rows.OfVersionAsync(t.Table));
        Assert.Equal(1, CommitLog.Metric(t, result.Version, "numTargetRowsUpdated"));
        Assert.Equal(1, CommitLog.Metric(t, result.Version, "numTargetRowsInserted"));
        Assert.Equal(1, CommitLog.Metric(t, result.Version, "numTargetFilesAfterSkipping"));
        Assert.All(CommitLog.Commit(t, result.Version).OfType<RemoveFile>(), r => Assert.StartsWith("year=2021/", r.Path));
    }

    [Fact]
    public async Task Merge_HonoursDeletionVectorsOfTargetFiles()
    {
        // delta-rs' table-with-dv-small: values 0-9 in one file, 0 and 9 deleted by a deletion vector.
        await using var t = await TempTable.NewAsync(global::DeltaLite.Tests.TestData.DeltaRsTable("table-with-dv-small"));
        var schema = new Parquet.Schema(new Field("value", DataType.Int32));
        var result = await t.Table.MergeAsync([Rows.Batch(schema, [5], [9], [42])], ["value"]);
        var expected = new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 42 }.Select(v => $"{{\"value\":{v}}}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await Rows.OfVersionAsync(t.Table));
        Assert.Equal(1, CommitLog.Metric(t, result.Version, "numTargetRowsUpdated"));
        Assert.Equal(2, CommitLog.Metric(t, result.Version, "numTargetRowsInserted"));
        Assert.Equal(7, CommitLog.Metric(t, result.Version, "numTargetRowsCopied"));
        var removed = CommitLog.Commit(t, result.Version).OfType<RemoveFile>().Single();
        Assert.NotNull(removed.DeletionVector);
        Assert.True(await DuckDbCheck.AllFilesAsync(t) >= 1);
    }

    [Fact]
    public async Task Merge_WithMergeSchema_AddsTheColumn_OldRowsReadNull()
    {
        var (t, model) = await TenFilesAsync();
        await using var _ = t;
        var wider = new Parquet.Schema(TestRows.Schema.Fields.Append(new Field("flag", DataType.Boolean)).ToArray());
        var source = new[] { TestRows.Row(5, 2020, 1).Append(true).ToArray(), TestRows.Row(5000, 2021, 1).Append(false).ToArray() };
        await Assert.ThrowsAsync<SchemaMismatchException>(() => t.Table.MergeAsync([Rows.Batch(wider, source)], ["id"]));
        var result = await t.Table.MergeAsync([Rows.Batch(wider, source)], ["id"], new MergeOptions { MergeSchema = true });
        Assert.Single(CommitLog.Commit(t, result.Version).OfType<MetadataAction>());
        var snapshot = await t.Table.GetSnapshotAsync();
        var flags = Rows.Json(await snapshot.ReadAllAsync(["id", "flag"]));
        Assert.Equal(1000 + 1, flags.Count);
        Assert.Contains("{\"id\":5,\"flag\":true}", flags);
        Assert.Contains("{\"id\":5000,\"flag\":false}", flags);
        Assert.Contains("{\"id\":6,\"flag\":null}", flags);
    }

    [Fact]
    public async Task Merge_ApplicationTransaction_IsAppliedOnce()
    {
        var (t, model) = await TenFilesAsync();
        await using var _ = t;
        var options = new MergeOptions { ApplicationTransaction = ("ingest", 3), DomainMetadata = [new DomainMetadataAction("ingest.watermark", "{\"w\":3}", false)] };
        var first = await t.Table.MergeAsync([TestRows.Batch([TestRows.Row(1, 2020, 1)])], ["id"], options);
        var again = await t.Table.MergeAsync([TestRows.Batch([TestRows.Row(1, 2020, 2)])], ["id"], options);
        Assert.True(again.Skipped);
        Assert.Equal(first.Version, await t.Table.GetLatestVersionAsync());
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal(3, snapshot.GetTransactionVersion("ingest"));
        Assert.Equal("{\"w\":3}", snapshot.GetDomainConfiguration("ingest.watermark"));
        model.Put([TestRows.Row(1, 2020, 1)]);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
    }

    [Fact]
    public async Task Merge_NullKeysNeverMatch_AndAreInserted()
    {
        await using var t = await TempTable.NewAsync();
        var schema = new Parquet.Schema(new Field("k", DataType.String), new Field("v", DataType.Int32));
        await t.Table.CreateAsync(schema);
        await t.Table.AppendAsync([Rows.Batch(schema, ["a", 1], [null, 2])]);
        var result = await t.Table.MergeAsync([Rows.Batch(schema, ["a", 10], [null, 20], [null, 30], ["b", 40])], ["k"]);
        Assert.Equal(Rows.Sorted([Rows.Batch(schema, ["a", 10], [null, 2], [null, 20], [null, 30], ["b", 40])]), await Rows.OfVersionAsync(t.Table));
        Assert.Equal(3, CommitLog.Metric(t, result.Version, "numTargetRowsInserted"));
        Assert.Equal(1, CommitLog.Metric(t, result.Version, "numTargetRowsUpdated"));
    }

    [Fact]
    public async Task Merge_UnknownKeyColumn_IsAClearError()
    {
        var (t, _) = await TenFilesAsync();
        await using var __ = t;
        var e = await Assert.ThrowsAsync<ArgumentException>(() => t.Table.MergeAsync([TestRows.Batch([TestRows.Row(1, 2020)])], ["nope"]));
        Assert.Contains("'nope'", e.Message);
    }
}
