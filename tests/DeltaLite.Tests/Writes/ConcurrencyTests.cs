using DeltaLite.Actions;
using DeltaLite.Parquet;
using DeltaLite.Transactions;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

/// <summary>
/// A writer commits while a merge is in flight (the merge's source runs the other writer before yielding its rows, so
/// the merge has read its version and the other commit lands before the merge commits). The commit rules must hold:
/// a conflicting merge fails, a compatible one lands after the other, and no update is ever lost.
/// </summary>
public sealed class ConcurrencyTests
{
    private static object?[][] Ids(long from, long to, int year, int version = 0) =>
        Enumerable.Range(0, (int)(to - from)).Select(i => TestRows.Row(from + i, year, version)).ToArray();

    private static async Task<(TempTable, TestRows)> TableAsync()
    {
        var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        var model = new TestRows();
        for (int block = 0; block < 4; block++)
        {
            var rows = Ids(block * 100 + 1, block * 100 + 101, 2020 + block % 2);
            await t.Table.AppendAsync([TestRows.Batch(rows)]);
            model.Put(rows);
        }
        return (t, model);
    }

    private static async IAsyncEnumerable<RecordBatch> After(Func<Task> concurrent, RecordBatch batch)
    {
        await concurrent();
        yield return batch;
    }

    [Fact]
    public async Task Append_OfAKeyTheMergeCouldMatch_DuringTheMerge_MakesTheMergeFail()
    {
        var (t, model) = await TableAsync();
        await using var _ = t;
        await using var other = await t.OpenAgainAsync();
        var appended = new[] { TestRows.Row(55, 2020, 9) }; // a second row with key 55, inside the merge's key range
        var source = TestRows.Batch(Ids(50, 60, 2020, 1));
        var e = await Assert.ThrowsAsync<CommitConflictException>(() =>
            t.Table.MergeAsync(After(() => other.AppendAsync([TestRows.Batch(appended)]), source), ["id"]));
        Assert.Equal(ConflictKind.ConcurrentAppend, e.Kind);
        Assert.Equal(5, e.WinningVersion);
        Assert.Equal(5, await t.Table.GetLatestVersionAsync());
        var rows = await Rows.OfVersionAsync(t.Table);
        Assert.Contains(Rows.Json([TestRows.Batch(appended)])[0], rows);
    }

    [Fact]
    public async Task Append_OutsideTheMergesKeys_DuringTheMerge_BothLand()
    {
        var (t, model) = await TableAsync();
        await using var _ = t;
        await using var other = await t.OpenAgainAsync();
        var appended = Ids(5000, 5010, 2021);
        var source = Ids(50, 60, 2020, 1);
        var result = await t.Table.MergeAsync(After(() => other.AppendAsync([TestRows.Batch(appended)]), TestRows.Batch(source)), ["id"]);
        Assert.Equal(6, result.Version);
        Assert.Equal(2, result.Attempts);
        model.Put(appended);
        model.Put(source);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
    }

    [Fact]
    public async Task TwoMerges_TouchingTheSameFile_TheSecondConflicts_NoUpdateIsLost()
    {
        var (t, model) = await TableAsync();
        await using var _ = t;
        await using var other = await t.OpenAgainAsync();
        var theirs = Ids(10, 15, 2020, 2);
        var ours = Ids(20, 25, 2020, 1); // same file (ids 1-100), other keys
        var e = await Assert.ThrowsAsync<CommitConflictException>(() =>
            t.Table.MergeAsync(After(() => other.MergeAsync([TestRows.Batch(theirs)], ["id"]), TestRows.Batch(ours)), ["id"]));
        Assert.True(e.Kind is ConflictKind.ConcurrentDeleteRead or ConflictKind.ConcurrentDeleteDelete, e.Kind.ToString());
        model.Put(theirs);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));

        // Retried on the new version, ours lands and keeps theirs.
        await t.Table.MergeAsync([TestRows.Batch(ours)], ["id"]);
        model.Put(ours);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
    }

    [Fact]
    public async Task TwoMerges_InDisjointFiles_BothLand()
    {
        var (t, model) = await TableAsync();
        await using var _ = t;
        await using var other = await t.OpenAgainAsync();
        var theirs = Ids(110, 115, 2021, 2); // file of ids 101-200
        var ours = Ids(210, 215, 2020, 1);   // file of ids 201-300
        var result = await t.Table.MergeAsync(After(() => other.MergeAsync([TestRows.Batch(theirs)], ["id"]), TestRows.Batch(ours)), ["id"]);
        Assert.Equal(2, result.Attempts);
        model.Put(theirs);
        model.Put(ours);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
    }

    [Fact]
    public async Task Optimize_DuringAMergeOfTheSameFiles_MakesTheMergeConflict()
    {
        var (t, model) = await TableAsync();
        await using var _ = t;
        await using var other = await t.OpenAgainAsync();
        var ours = Ids(20, 25, 2020, 1);
        var e = await Assert.ThrowsAsync<CommitConflictException>(() =>
            t.Table.MergeAsync(After(() => other.OptimizeAsync(), TestRows.Batch(ours)), ["id"]));
        Assert.Equal(ConflictKind.ConcurrentDeleteDelete, e.Kind);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
    }
}
