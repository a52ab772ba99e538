using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

/// <summary>
/// Bounded row groups: a write closes a row group at the byte budget, and a merge over files of many row groups (read
/// and rewritten a row group at a time) gives the same table as over files of one row group.
/// </summary>
public sealed class RowGroupTests
{
    private static object?[][] Ids(long from, long count, int version = 0) =>
        Enumerable.Range(0, (int)count).Select(i => TestRows.Row(from + i, 2020, version)).ToArray();

    private static async Task<int[]> RowGroupsPerFileAsync(TempTable t)
    {
        var snapshot = await t.Table.GetSnapshotAsync();
        var counts = new List<int>();
        foreach (var file in snapshot.Files)
        {
            using var reader = ParquetReader.Open(Path.Combine(t.Path, snapshot.ResolveDataPath(file.Path)));
            counts.Add(reader.RowGroupCount);
        }
        return counts.ToArray();
    }

    [Fact]
    public async Task Merge_OverFilesOfManyRowGroups_GivesTheSameTableAsOverOneRowGroupFiles()
    {
        var rows = Ids(1, 3000);
        // Updates spread over the whole id range (so every row group of the file holds some), plus new keys.
        var source = Enumerable.Range(0, 60).Select(i => TestRows.Row(7 + i * 49, 2020, version: 1))
            .Concat(Ids(5001, 40, version: 1)).ToList();
        var model = new TestRows();
        model.Put(rows);
        model.Put(source);

        var results = new List<(List<string> Rows, long Updated, long Copied, int[] Groups)>();
        foreach (int rowsPerGroup in new[] { 1 << 20, 128 })
        {
            await using var t = await TempTable.NewAsync();
            await t.Table.CreateAsync(TestRows.Schema);
            await t.Table.AppendAsync([TestRows.Batch(rows)], new WriteOptions { RowGroupMaxRows = rowsPerGroup });
            var groups = await RowGroupsPerFileAsync(t);
            var merge = await t.Table.MergeAsync(Rows.Async([TestRows.Batch(source.Take(30)), TestRows.Batch(source.Skip(30))]), ["id"],
                new MergeOptions { RowGroupMaxRows = rowsPerGroup });
            results.Add((await Rows.OfVersionAsync(t.Table), CommitLog.Metric(t, merge.Version, "numTargetRowsUpdated"),
                CommitLog.Metric(t, merge.Version, "numTargetRowsCopied"), groups));
        }
        Assert.Equal([1], results[0].Groups);
        Assert.Equal([24], results[1].Groups); // 3,000 rows in groups of 128
        Assert.Equal(model.Expected(), results[0].Rows);
        Assert.Equal(results[0].Rows, results[1].Rows);
        Assert.Equal((60L, 2940L), (results[0].Updated, results[0].Copied));
        Assert.Equal((results[0].Updated, results[0].Copied), (results[1].Updated, results[1].Copied));
    }

    [Fact]
    public async Task RowGroupMaxBytes_ClosesRowGroupsAtTheBudget()
    {
        // About 4 MiB of text in 16 batches: a 1 MiB budget closes a row group every 4 batches; all rows come back.
        var schema = new Parquet.Schema(new Field("id", DataType.Int64, false), new Field("text", DataType.String));
        var batches = Enumerable.Range(0, 16).Select(b => Rows.Batch(schema, Enumerable.Range(b * 256, 256)
            .Select(i => new object?[] { (long)i, new string((char)('a' + i % 26), 1000) }).ToArray())).ToList();
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(schema);
        await t.Table.AppendAsync(batches, new WriteOptions { RowGroupMaxBytes = 1 << 20 });
        int groups = Assert.Single(await RowGroupsPerFileAsync(t));
        Assert.InRange(groups, 3, 6);
        Assert.Equal(Rows.Sorted(batches), await Rows.OfVersionAsync(t.Table));
    }
}
