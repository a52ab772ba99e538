using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

/// <summary>Stats we write must never make data skipping drop a file that has matching rows.</summary>
public sealed class StatsTests
{
    [Theory]
    [InlineData("f > 0.1", 1)]                  // 0.1f is 0.100000001490116..., above the double 0.1
    [InlineData("f >= 0.1", 1)]
    [InlineData("f < 0.1", 0)]
    [InlineData("f = 0.1", 0)]
    [InlineData("f = 0.10000000149011612", 1)]
    public async Task FloatBounds_SkipNoFileWithMatchingRows(string filter, int expected)
    {
        await using var t = await TempTable.NewAsync();
        var schema = new Parquet.Schema(new Field("f", DataType.Float), new Field("k", DataType.Int32));
        await t.Table.CreateAsync(schema);
        await t.Table.AppendAsync([Rows.Batch(schema, [0.1f, 1])]);
        var snapshot = await t.Table.GetSnapshotAsync();
        var rows = await snapshot.ReadAllAsync(["k"], PredicateParser.Parse(filter));
        Assert.Equal(expected, rows.Sum(b => b.RowCount));
    }

    [Fact]
    public async Task CreatingWithDeletionVectorsEnabled_DeclaresTheFeature()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned(("delta.enableDeletionVectors", "true")));
        var p = CommitLog.Commit(t, 0).OfType<ProtocolAction>().Single();
        Assert.Equal((3, 7), (p.MinReaderVersion, p.MinWriterVersion));
        Assert.Contains("deletionVectors", p.ReaderFeatures!);
        Assert.Contains("deletionVectors", p.WriterFeatures!);
    }

    [Theory]
    [InlineData("delta.enableChangeDataFeed", "true")]
    [InlineData("delta.constraints.positive", "id > 0")]
    public async Task CreatingWithAFeatureDeltaLiteCannotWrite_IsRefused(string key, string value)
    {
        await using var t = await TempTable.NewAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned((key, value))));
        Assert.Contains(key, e.Message);
        Assert.False(await t.Table.ExistsAsync());
    }
}
