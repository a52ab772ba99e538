using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

/// <summary>Create, append, overwrite (whole and replaceWhere), delete: every version read back, the log checked, DuckDB reads every file.</summary>
public sealed class WriteTests
{
    private static object?[][] Ids(long from, long to, int year, int version = 0) =>
        Enumerable.Range(0, (int)(to - from)).Select(i => TestRows.Row(from + i, year, version)).ToArray();

    [Fact]
    public async Task EveryOperation_EveryVersionReadsAsTheModel_AndDuckDbReadsEveryFile()
    {
        await using var t = await TempTable.NewAsync();
        var table = t.Table;
        var versions = new List<List<string>>();
        var model = new TestRows();

        var created = await table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        Assert.Equal(0, created.Version);
        var v0 = CommitLog.Commit(t, 0);
        var protocol = v0.OfType<ProtocolAction>().Single();
        Assert.Equal((1, 2), (protocol.MinReaderVersion, protocol.MinWriterVersion));
        Assert.Equal(["year"], v0.OfType<MetadataAction>().Single().PartitionColumns);
        versions.Add(model.Expected());

        // v1: append 3 years.
        var first = Ids(1, 200, 2020).Concat(Ids(200, 400, 2021)).Concat(Ids(400, 600, 2022)).ToArray();
        await table.AppendAsync([TestRows.Batch(first)]);
        model.Put(first);
        versions.Add(model.Expected());
        var v1 = CommitLog.Commit(t, 1);
        Assert.Equal(3, v1.OfType<AddFile>().Count());
        Assert.All(v1.OfType<AddFile>(), a => Assert.Matches(@"^year=202[012]/part-[0-9a-f-]{36}\.snappy\.parquet$", a.Path));
        Assert.Equal("Append", (string?)CommitLog.Info(t, 1).OperationParameters!["mode"]);
        Assert.True(CommitLog.Info(t, 1).IsBlindAppend);
        Assert.Equal(599, CommitLog.Metric(t, 1, "numOutputRows"));

        // v2: another append.
        var second = Ids(600, 700, 2022);
        await table.AppendAsync([TestRows.Batch(second)]);
        model.Put(second);
        versions.Add(model.Expected());

        // v3: replace 2021 only.
        var replacement = Ids(200, 250, 2021, version: 1);
        await table.OverwriteAsync([TestRows.Batch(replacement)], PredicateParser.Parse("year = 2021"));
        foreach (var id in model.ById.Keys.Where(k => (int)model.ById[k][6]! == 2021).ToList()) model.ById.Remove(id);
        model.Put(replacement);
        versions.Add(model.Expected());
        var v3 = CommitLog.Commit(t, 3);
        Assert.All(v3.OfType<RemoveFile>(), r => Assert.StartsWith("year=2021/", r.Path));
        Assert.Single(v3.OfType<RemoveFile>());
        Assert.Equal(1, CommitLog.Metric(t, 3, "numRemovedFiles"));

        // v4: delete by a data predicate (files rewritten) and by partition (files just removed).
        await table.DeleteAsync(PredicateParser.Parse("(year = 2022 AND amount >= 700) OR year = 2020"));
        foreach (var id in model.ById.Keys.ToList())
        {
            var r = model.ById[id];
            if ((int)r[6]! == 2020 || ((int)r[6]! == 2022 && (decimal)r[2]! >= 700m)) model.ById.Remove(id);
        }
        versions.Add(model.Expected());
        var v4 = CommitLog.Commit(t, 4);
        Assert.Equal(3, v4.OfType<RemoveFile>().Count()); // 2020, and both 2022 files
        Assert.Single(v4.OfType<AddFile>());               // the kept 2022 rows
        long deleted = versions[3].Count - versions[4].Count;
        Assert.Equal(deleted, CommitLog.Metric(t, 4, "numDeletedRows"));
        Assert.Equal(versions[4].Count - 50, CommitLog.Metric(t, 4, "numCopiedRows"));

        // v5: overwrite everything.
        var all = Ids(1000, 1100, 2023);
        await table.OverwriteAsync([TestRows.Batch(all)]);
        model.ById.Clear();
        model.Put(all);
        versions.Add(model.Expected());
        var v5 = CommitLog.Commit(t, 5);
        Assert.Equal((await table.GetSnapshotAsync(4)).Files.Count, v5.OfType<RemoveFile>().Count());

        for (int v = 0; v < versions.Count; v++)
            Assert.Equal(versions[v], await Rows.OfVersionAsync(table, v));
        Assert.True(await DuckDbCheck.AllFilesAsync(t) >= 7);
    }

    [Fact]
    public async Task ReplaceWhere_DataWithANonMatchingRow_FailsAndCommitsNothing()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 10, 2020))]);
        var data = Ids(1, 5, 2020).Append(TestRows.Row(99, 2021)).ToArray();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => t.Table.OverwriteAsync([TestRows.Batch(data)], PredicateParser.Parse("year = 2020")));
        Assert.Contains("year = 2020", e.Message);
        Assert.Equal(1, await t.Table.GetLatestVersionAsync());
    }

    [Fact]
    public async Task SchemaMismatch_ListsEachDifferingColumn()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        var bad = new Parquet.Schema(
            new Field("name", DataType.Int32),                 // wrong type
            new Field("Amount", new DecimalType(10, 2)),       // differs in case
            new Field("extra", DataType.String),               // not in the table
            new Field("year", DataType.Int32));                // id (not nullable) missing
        var e = await Assert.ThrowsAsync<SchemaMismatchException>(() =>
            t.Table.AppendAsync([Rows.Batch(bad, [1, 2.5m, "x", 2020])]));
        Assert.Equal(4, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("'name'") && p.Contains("integer") && p.Contains("string"));
        Assert.Contains(e.Problems, p => p.Contains("'Amount'") && p.Contains("case"));
        Assert.Contains(e.Problems, p => p.Contains("'extra'"));
        Assert.Contains(e.Problems, p => p.Contains("'id'") && p.Contains("missing"));
        Assert.Equal(0, await t.Table.GetLatestVersionAsync());
    }

    [Fact]
    public async Task MergeSchema_AddsANullableColumnInTheSameCommit()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 4, 2020))]);
        var wider = new Parquet.Schema(TestRows.Schema.Fields.Append(new Field("note", DataType.String, false)).ToArray());
        var rows = Ids(10, 12, 2020).Select(r => r.Append("hello").ToArray()).ToArray();
        await Assert.ThrowsAsync<SchemaMismatchException>(() => t.Table.AppendAsync([Rows.Batch(wider, rows)]));
        await t.Table.AppendAsync([Rows.Batch(wider, rows)], new WriteOptions { MergeSchema = true });
        var v2 = CommitLog.Commit(t, 2);
        var meta = v2.OfType<MetadataAction>().Single();
        Assert.Contains("\"note\"", meta.SchemaString);
        Assert.Single(v2.OfType<AddFile>());
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.True(snapshot.Schema[snapshot.Schema.IndexOf("note")].Nullable);
        var notes = Rows.Json(await snapshot.ReadAllAsync(["id", "note"])).Order(StringComparer.Ordinal).ToList();
        string[] expected = ["{\"id\":1,\"note\":null}", "{\"id\":2,\"note\":null}", "{\"id\":3,\"note\":null}", "{\"id\":10,\"note\":\"hello\"}", "{\"id\":11,\"note\":\"hello\"}"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), notes);
    }

    [Fact]
    public async Task MergeSchema_OnAColumnMappedTable_GivesTheNewColumnAnIdAndPhysicalName()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned(("delta.columnMapping.mode", "name")));
        var wider = new Parquet.Schema(TestRows.Schema.Fields.Append(new Field("note", DataType.String)).ToArray());
        await t.Table.AppendAsync([Rows.Batch(wider, TestRows.Row(1, 2020).Append("x").ToArray())], new WriteOptions { MergeSchema = true });
        var meta = CommitLog.Commit(t, 1).OfType<MetadataAction>().Single();
        Assert.Equal("8", meta.Configuration["delta.columnMapping.maxColumnId"]);
        var snapshot = await t.Table.GetSnapshotAsync();
        var note = snapshot.Schema[snapshot.Schema.IndexOf("note")];
        Assert.Equal(8, DeltaLite.Schema.DeltaSchema.GetColumnMappingId(note));
        Assert.StartsWith("col-", snapshot.PhysicalName("note"));
        Assert.Equal(["{\"id\":1,\"note\":\"x\"}"], Rows.Json(await snapshot.ReadAllAsync(["id", "note"])));
    }

    [Fact]
    public async Task Batches_WithColumnsInAnotherOrder_AreAlignedByName()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        var reversed = new Parquet.Schema(TestRows.Schema.Fields.Reverse().ToArray());
        var a = TestRows.Batch([TestRows.Row(1, 2020)]);
        var b = Rows.Batch(reversed, TestRows.Row(2, 2020).Reverse().ToArray());
        await t.Table.AppendAsync([a, b]);
        var model = new TestRows();
        model.Put([TestRows.Row(1, 2020), TestRows.Row(2, 2020)]);
        Assert.Equal(model.Expected(), await Rows.OfVersionAsync(t.Table));
    }

    [Fact]
    public async Task AppendOnlyTable_RefusesDeleteAndOverwrite_ButAppends()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned(("delta.appendOnly", "true")));
        await t.Table.AppendAsync([TestRows.Batch(Ids(1, 5, 2020))]);
        var e = await Assert.ThrowsAsync<TableOperationException>(() => t.Table.DeleteAsync(PredicateParser.Parse("id = 1")));
        Assert.Contains("append-only", e.Message);
        await Assert.ThrowsAsync<TableOperationException>(() => t.Table.OverwriteAsync([TestRows.Batch(Ids(1, 2, 2020))]));
        await Assert.ThrowsAsync<TableOperationException>(() => t.Table.MergeAsync([TestRows.Batch(Ids(1, 2, 2020, 1))], ["id"]));
        await t.Table.MergeAsync([TestRows.Batch(Ids(50, 52, 2020))], ["id"]); // inserts only: allowed
        Assert.Equal(2, await t.Table.GetLatestVersionAsync());
        Assert.Equal(6, (await Rows.OfVersionAsync(t.Table)).Count);
    }

    [Fact]
    public async Task ApplicationTransaction_SkipsARetriedWrite_AndDomainMetadataCommitsWithTheData()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, TestRows.Partitioned());
        var options = new WriteOptions
        {
            ApplicationTransaction = ("loader", 7),
            DomainMetadata = [new DomainMetadataAction("loader.watermark", "{\"upTo\":42}", false)],
            CommitInfo = new Dictionary<string, JsonNode?> { ["source"] = "test" },
        };
        var first = await t.Table.AppendAsync([TestRows.Batch(Ids(1, 3, 2020))], options);
        var again = await t.Table.AppendAsync([TestRows.Batch(Ids(1, 3, 2020))], options);
        Assert.False(first.Skipped);
        Assert.True(again.Skipped);
        Assert.Equal(1, await t.Table.GetLatestVersionAsync());
        var v1 = CommitLog.Commit(t, 1);
        Assert.Equal(("loader", 7L), v1.OfType<SetTransaction>().Select(x => (x.AppId, x.Version)).Single());
        Assert.Contains("domainMetadata", v1.OfType<ProtocolAction>().Single().WriterFeatures!);
        Assert.Equal("test", (string?)CommitLog.Info(t, 1).Values["source"]);
        var snapshot = await t.Table.GetSnapshotAsync();
        Assert.Equal("{\"upTo\":42}", snapshot.GetDomainConfiguration("loader.watermark"));
        Assert.Equal(2, (await Rows.OfVersionAsync(t.Table)).Count);
    }

    [Fact]
    public async Task SmallTargetFileSize_SplitsFiles_AndStatsStillMatchDuckDb()
    {
        await using var t = await TempTable.NewAsync();
        await t.Table.CreateAsync(TestRows.Schema, new CreateTableOptions { Properties = new Dictionary<string, string> { ["delta.targetFileSize"] = "1000" } });
        var batches = Enumerable.Range(0, 4).Select(i => TestRows.Batch(Ids(i * 100 + 1, i * 100 + 101, 2020 + i))).ToList();
        await t.Table.AppendAsync(batches);
        var adds = CommitLog.Commit(t, 1).OfType<AddFile>().ToList();
        Assert.Equal(4, adds.Count);
        Assert.All(adds, a => Assert.DoesNotContain("/", a.Path));
        Assert.Equal(4, await DuckDbCheck.AllFilesAsync(t));
    }
}
