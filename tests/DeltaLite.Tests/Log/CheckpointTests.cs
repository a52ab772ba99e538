using System.Text.Json;
using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Log;
using DeltaLite.Parquet;
using DeltaLite.Parquet.Tests.Peers;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Log;

/// <summary>
/// Checkpoints DeltaLite writes: DuckDB reads them with the schema PROTOCOL.md's "Checkpoint Schema" requires, and
/// a snapshot rebuilt from one equals the snapshot rebuilt from the JSON commits alone. Also multi-part and v2
/// checkpoints on the read side.
/// </summary>
public class CheckpointTests
{
    private static readonly string[] Regions = ["north", "south", "east", "west"];

    /// <summary>
    /// A table with 4 partitions: 12 appends (two with an application txn, one with domain metadata), then two
    /// deletes (one removing a whole partition, one rewriting files), with a checkpoint interval that is never hit.
    /// </summary>
    private static async Task<(TempTable Temp, DeltaTable Table)> BuildAsync()
    {
        var temp = TempTable.Create("checkpoint");
        var table = await temp.CreateTableAsync(new Dictionary<string, string> { ["delta.checkpointInterval"] = "1000" });
        long id = 0;
        for (int i = 0; i < 12; i++)
        {
            var options = new WriteOptions
            {
                ApplicationTransaction = i % 5 == 0 ? ($"app-{i % 2}", i) : null,
                DomainMetadata = i == 3 ? [new DomainMetadataAction("test.watermark", "{\"hw\":3}", false)] : null,
            };
            var batches = Regions.Take(1 + i % 4).Select((r, k) => TempTable.Rows(id + k * 100, 5, r)).ToList();
            await table.AppendAsync(batches, options);
            id += 1000;
        }
        await table.DeleteAsync(PredicateParser.Parse("region = 'east'"));
        await table.DeleteAsync(PredicateParser.Parse("id < 2003"));
        return (temp, table);
    }

    [Fact]
    public async Task DuckDbReadsOurCheckpointWithTheSchemaTheSpecRequires()
    {
        var (temp, table) = await BuildAsync();
        await using var _ = temp;
        await using var __ = table;
        var snapshot = await table.GetSnapshotAsync();
        Assert.NotEmpty(snapshot.Tombstones);
        Assert.NotEmpty(snapshot.Transactions);
        Assert.NotEmpty(snapshot.Domains);
        var last = await CheckpointWriter.WriteAsync(snapshot, DateTimeOffset.UtcNow, default);
        Assert.Equal(snapshot.Version, last.Version);
        string file = temp.CheckpointFile(snapshot.Version);
        Assert.True(File.Exists(file));

        (string Column, string Type)[] required =
        [
            ("add.path", "VARCHAR"), ("add.partitionValues", "MAP(VARCHAR, VARCHAR)"), ("add.size", "BIGINT"), ("add.modificationTime", "BIGINT"),
            ("add.dataChange", "BOOLEAN"), ("add.stats", "VARCHAR"), ("add.tags", "MAP(VARCHAR, VARCHAR)"),
            ("add.deletionVector.storageType", "VARCHAR"), ("add.deletionVector.pathOrInlineDv", "VARCHAR"), ("add.deletionVector.offset", "INTEGER"),
            ("add.deletionVector.sizeInBytes", "INTEGER"), ("add.deletionVector.cardinality", "BIGINT"),
            ("remove.path", "VARCHAR"), ("remove.deletionTimestamp", "BIGINT"), ("remove.dataChange", "BOOLEAN"),
            ("remove.extendedFileMetadata", "BOOLEAN"), ("remove.partitionValues", "MAP(VARCHAR, VARCHAR)"), ("remove.size", "BIGINT"),
            ("metaData.id", "VARCHAR"), ("metaData.name", "VARCHAR"), ("metaData.description", "VARCHAR"), ("metaData.format.provider", "VARCHAR"),
            ("metaData.format.options", "MAP(VARCHAR, VARCHAR)"), ("metaData.schemaString", "VARCHAR"), ("metaData.partitionColumns", "VARCHAR[]"),
            ("metaData.createdTime", "BIGINT"), ("metaData.configuration", "MAP(VARCHAR, VARCHAR)"),
            ("protocol.minReaderVersion", "INTEGER"), ("protocol.minWriterVersion", "INTEGER"),
            ("protocol.readerFeatures", "VARCHAR[]"), ("protocol.writerFeatures", "VARCHAR[]"),
            ("txn.appId", "VARCHAR"), ("txn.version", "BIGINT"), ("txn.lastUpdated", "BIGINT"),
            ("domainMetadata.domain", "VARCHAR"), ("domainMetadata.configuration", "VARCHAR"), ("domainMetadata.removed", "BOOLEAN"),
        ];
        string select = string.Join(", ", required.Select((r, i) => $"{Quote(r.Column)} AS c{i}"));
        var described = DuckDbPeer.Sql($"DESCRIBE SELECT {select} FROM read_parquet('{file}')");
        Assert.Equal(required.Length, described.Count);
        for (int i = 0; i < required.Length; i++)
            Assert.True(required[i].Type == described[i].GetProperty("column_type").GetString(),
                $"{required[i].Column}: DuckDB reads {described[i].GetProperty("column_type").GetString()}, the spec requires {required[i].Type}");

        // Exactly one action per row, and the rows DuckDB reads are our snapshot's state.
        var rows = DuckDbPeer.Sql(
            $"SELECT (add IS NOT NULL)::INT + (remove IS NOT NULL)::INT + (metaData IS NOT NULL)::INT + (protocol IS NOT NULL)::INT + (txn IS NOT NULL)::INT + (domainMetadata IS NOT NULL)::INT AS n, " +
            $"add.path AS add_path, add.stats AS stats, remove.path AS remove_path, txn.appId AS app, txn.version AS txn_version, domainMetadata.domain AS domain, metaData.id AS id " +
            $"FROM read_parquet('{file}')");
        Assert.All(rows, r => Assert.Equal(1, r.GetProperty("n").GetInt32()));
        Assert.Equal(snapshot.Files.Select(f => f.Path).Order(StringComparer.Ordinal),
            rows.Where(r => r.GetProperty("add_path").ValueKind == JsonValueKind.String).Select(r => r.GetProperty("add_path").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(snapshot.Files.ToDictionary(f => f.Path, f => f.Stats), rows.Where(r => r.GetProperty("add_path").ValueKind == JsonValueKind.String)
            .ToDictionary(r => r.GetProperty("add_path").GetString()!, r => r.GetProperty("stats").GetString()));
        Assert.Equal(snapshot.Tombstones.Select(f => f.Path).Order(StringComparer.Ordinal),
            rows.Where(r => r.GetProperty("remove_path").ValueKind == JsonValueKind.String).Select(r => r.GetProperty("remove_path").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(snapshot.Transactions.ToDictionary(t => t.Key, t => t.Value.Version),
            rows.Where(r => r.GetProperty("app").ValueKind == JsonValueKind.String).ToDictionary(r => r.GetProperty("app").GetString()!, r => r.GetProperty("txn_version").GetInt64()));
        Assert.Equal(["test.watermark"], rows.Where(r => r.GetProperty("domain").ValueKind == JsonValueKind.String).Select(r => r.GetProperty("domain").GetString()!));
        Assert.Single(rows, r => r.GetProperty("id").ValueKind == JsonValueKind.String);
    }

    private static string Quote(string dotted) => string.Join('.', dotted.Split('.').Select(p => $"\"{p}\""));

    [Fact]
    public async Task SnapshotFromOurCheckpointEqualsSnapshotFromJsonAlone()
    {
        var (temp, table) = await BuildAsync();
        await using var _ = temp;
        await using var __ = table;
        var latest = await table.GetSnapshotAsync();
        await CheckpointWriter.WriteAsync(latest, DateTimeOffset.UtcNow, default);
        // One more commit after the checkpoint: replay is checkpoint + JSON.
        await table.AppendAsync([TempTable.Rows(90_000, 3, "north")]);

        await using var jsonOnly = temp.CopyWithoutCheckpoints();
        await using var plain = await DeltaTable.OpenAsync(jsonOnly.Path);
        foreach (long v in new[] { latest.Version, latest.Version + 1 })
        {
            var fromCheckpoint = await table.GetSnapshotAsync(v);
            Assert.Equal(latest.Version, fromCheckpoint.Segment.CheckpointVersion);
            var fromJson = await plain.GetSnapshotAsync(v);
            Assert.Null(fromJson.Segment.CheckpointVersion);
            TempTable.AssertSameState(fromJson, fromCheckpoint);
            Assert.Equal(await fromJson.CountRowsAsync(), await fromCheckpoint.CountRowsAsync());
        }
    }

    [Fact]
    public async Task CommitsCrossingTheIntervalWriteCheckpointsAndTheHint()
    {
        await using var temp = TempTable.Create("interval");
        await using var table = await temp.CreateTableAsync(new Dictionary<string, string> { ["delta.checkpointInterval"] = "4" });
        var written = new List<long>();
        for (int i = 0; i < 9; i++)
        {
            var result = await table.AppendAsync([TempTable.Rows(i * 10, 2, Regions[i % 4])]);
            if (result.CheckpointWritten) written.Add(result.Version);
        }
        Assert.Equal([4L, 8L], written);
        Assert.True(File.Exists(temp.CheckpointFile(4)));
        Assert.True(File.Exists(temp.CheckpointFile(8)));
        Assert.False(File.Exists(temp.CheckpointFile(9)));
        var hint = LastCheckpoint.TryParse(File.ReadAllBytes(Path.Combine(temp.LogFolder, "_last_checkpoint")));
        Assert.NotNull(hint);
        Assert.Equal(8, hint!.Version);
        var snapshot = await table.GetSnapshotAsync();
        Assert.Equal(9, snapshot.Version);
        Assert.Equal(8, snapshot.Segment.CheckpointVersion);
        Assert.Single(snapshot.Segment.Commits);
        Assert.Equal(hint.NumOfAddFiles, (await table.GetSnapshotAsync(8)).Files.Count);
        Assert.Equal(18, await snapshot.CountRowsAsync());
    }

    [Fact]
    public async Task MultiPartCheckpointIsReadLikeTheSingleFileOne()
    {
        var (temp, table) = await BuildAsync();
        await using var _ = temp;
        await using var __ = table;
        var latest = await table.GetSnapshotAsync();
        await CheckpointWriter.WriteAsync(latest, DateTimeOffset.UtcNow, default);
        long v = latest.Version;

        // Split our single-file checkpoint into two parts (rows 0..k-1 and k..n-1), then drop the single file.
        string single = temp.CheckpointFile(v);
        List<RecordBatch> batches;
        Parquet.Schema schema;
        using (var reader = ParquetReader.Open(single))
        {
            schema = reader.Schema;
            batches = await reader.ReadAllAsync();
        }
        var all = batches.Count == 1 ? batches[0] : throw new InvalidOperationException("expected one row group");
        int k = all.RowCount / 2;
        string Part(int part) => Path.Combine(temp.LogFolder, $"{v:D20}.checkpoint.{part:D10}.{2:D10}.parquet");
        foreach (var (part, start, count) in new[] { (1, 0, k), (2, k, all.RowCount - k) })
        {
            var mask = Enumerable.Range(0, all.RowCount).Select(r => r >= start && r < start + count).ToArray();
            using var w = ParquetWriter.Create(Part(part), schema);
            w.Write(VectorOps.Filter(all, mask));
        }
        File.Delete(single);
        File.WriteAllText(Path.Combine(temp.LogFolder, "_last_checkpoint"), $"{{\"version\":{v},\"size\":{all.RowCount},\"parts\":2}}");

        var fromParts = await table.GetSnapshotAsync();
        Assert.Equal(2, fromParts.Segment.Checkpoint.Count);
        Assert.Empty(fromParts.Segment.Commits);
        await using var jsonOnly = temp.CopyWithoutCheckpoints();
        await using var plain = await DeltaTable.OpenAsync(jsonOnly.Path);
        TempTable.AssertSameState(await plain.GetSnapshotAsync(), fromParts);

        // An incomplete multi-part checkpoint (a part missing) is not used: the JSON commits are.
        File.Delete(Part(2));
        var incomplete = await table.GetSnapshotAsync();
        Assert.Null(incomplete.Segment.CheckpointVersion);
        TempTable.AssertSameState(await plain.GetSnapshotAsync(), incomplete);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public async Task V2CheckpointWithSidecarsEqualsJsonReplay(long version)
    {
        string source = Path.Combine(TestData.ConformanceRoot, "delta-rs", "checkpoint-v2-table");
        await using var table = await DeltaTable.OpenAsync(source);
        var fromCheckpoint = await table.GetSnapshotAsync(version);
        Assert.Equal(version >= 8 ? 8 : 6, fromCheckpoint.Segment.CheckpointVersion);
        Assert.Equal(LogFileKind.CheckpointV2, fromCheckpoint.Segment.Checkpoint.Single().Kind);
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(source, "_delta_log", "_sidecars")));
        Assert.NotEmpty(fromCheckpoint.Files);

        // The same table with only its JSON commits.
        var copy = TempTable.Create("v2");
        await using var _ = copy;
        Directory.CreateDirectory(copy.LogFolder);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(source, "_delta_log"), "*.json"))
            if (Path.GetFileName(f).Length == 25) File.Copy(f, Path.Combine(copy.LogFolder, Path.GetFileName(f)));
        await using var plain = await DeltaTable.OpenAsync(copy.Path);
        var fromJson = await plain.GetSnapshotAsync(version);
        Assert.Null(fromJson.Segment.CheckpointVersion);
        // The checkpoint keeps the protocol, metadata, files (with stats) and txns of the JSON replay; tombstones may
        // be dropped by a checkpoint writer once expired, so only those it kept are compared.
        Assert.Equal(TempTable.Json(fromJson.Protocol), TempTable.Json(fromCheckpoint.Protocol));
        Assert.Equal(TempTable.Json(fromJson.Metadata), TempTable.Json(fromCheckpoint.Metadata));
        Assert.Equal(fromJson.Files.Select(TempTable.Json), fromCheckpoint.Files.Select(TempTable.Json));
        Assert.Equal(fromJson.Transactions.Keys.Order(), fromCheckpoint.Transactions.Keys.Order());
        Assert.Equal(fromJson.Domains.Keys.Order(), fromCheckpoint.Domains.Keys.Order());
    }
}
