using DeltaLite.Actions;
using DeltaLite.Log;
using DeltaLite.Parquet;
using DeltaLite.Snapshots;
using DeltaLite.Writes;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Tests.Log;

/// <summary>A table in a fresh temporary folder, removed on dispose; helpers to fill it and to compare snapshots.</summary>
internal sealed class TempTable : IAsyncDisposable
{
    public static readonly ParquetSchema Schema = new(
        new Field("id", DataType.Int64), new Field("region", DataType.String), new Field("amount", DataType.Double));

    private TempTable(string path) => Path = path;

    public string Path { get; }

    public string LogFolder => System.IO.Path.Combine(Path, "_delta_log");

    public static TempTable Create(string name = "table")
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deltalite-logtests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        return new TempTable(root);
    }

    /// <summary>Creates the table (partitioned by region) with <paramref name="properties"/>.</summary>
    public async Task<DeltaTable> CreateTableAsync(IReadOnlyDictionary<string, string>? properties = null, bool partitioned = true)
    {
        var table = await DeltaTable.OpenAsync(Path);
        await table.CreateAsync(Schema, new CreateTableOptions
        {
            PartitionColumns = partitioned ? ["region"] : [],
            Properties = properties ?? new Dictionary<string, string>(),
        });
        return table;
    }

    /// <summary><paramref name="rows"/> rows with ids from <paramref name="firstId"/>, in region <paramref name="region"/>.</summary>
    public static RecordBatch Rows(long firstId, int rows, string region)
    {
        var ids = ColumnBuilder.Create(DataType.Int64);
        var regions = ColumnBuilder.Create(DataType.String);
        var amounts = ColumnBuilder.Create(DataType.Double);
        for (int i = 0; i < rows; i++)
        {
            ids.Append(firstId + i);
            regions.Append(region);
            amounts.Append((firstId + i) * 1.5);
        }
        return new RecordBatch(Schema, [ids.Build(), regions.Build(), amounts.Build()], rows);
    }

    /// <summary>A copy of the table folder in which the log keeps only the JSON commits (no checkpoints, no hint).</summary>
    public TempTable CopyWithoutCheckpoints()
    {
        var copy = Create("jsononly");
        foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
        {
            var rel = System.IO.Path.GetRelativePath(Path, file);
            var name = System.IO.Path.GetFileName(file);
            if (rel.StartsWith("_delta_log", StringComparison.Ordinal) && (name.Contains(".checkpoint.", StringComparison.Ordinal) || name == "_last_checkpoint")) continue;
            var target = System.IO.Path.Combine(copy.Path, rel);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

    /// <summary>One action as its JSON line (dataChange set to false: checkpoints store every action without it).</summary>
    public static string Json(DeltaAction action)
    {
        action = action switch
        {
            AddFile a => a with { DataChange = false },
            RemoveFile r => r with { DataChange = false },
            _ => action,
        };
        return System.Text.Encoding.UTF8.GetString(ActionSerializer.WriteCommit([action])).Trim();
    }

    /// <summary>Asserts two snapshots hold the same protocol, metadata, files (with stats), tombstones, txns and domains.</summary>
    public static void AssertSameState(Snapshot expected, Snapshot actual)
    {
        static void Same(string what, IEnumerable<string> e, IEnumerable<string> a)
        {
            var el = e.ToList();
            var al = a.ToList();
            if (el.SequenceEqual(al)) return;
            var onlyE = el.Except(al).FirstOrDefault();
            var onlyA = al.Except(el).FirstOrDefault();
            Assert.Fail($"{what} differ ({el.Count} vs {al.Count}).\n  expected only: {onlyE}\n  actual only:   {onlyA}");
        }
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(Json(expected.Protocol), Json(actual.Protocol));
        Assert.Equal(Json(expected.Metadata), Json(actual.Metadata));
        Same("files", expected.Files.Select(Json), actual.Files.Select(Json));
        Same("tombstones", expected.Tombstones.Select(Json).Order(StringComparer.Ordinal), actual.Tombstones.Select(Json).Order(StringComparer.Ordinal));
        Same("txns", expected.Transactions.Values.Select(Json).Order(StringComparer.Ordinal), actual.Transactions.Values.Select(Json).Order(StringComparer.Ordinal));
        Same("domains", expected.Domains.Values.Select(Json).Order(StringComparer.Ordinal), actual.Domains.Values.Select(Json).Order(StringComparer.Ordinal));
    }

    /// <summary>Sets the file time of a commit (and of its checkpoint and checksum files when present).</summary>
    public void SetCommitTime(long version, DateTimeOffset time)
    {
        foreach (var f in Directory.EnumerateFiles(LogFolder, $"{version:D20}.*"))
            File.SetLastWriteTimeUtc(f, time.UtcDateTime);
    }

    public string CommitFile(long version) => System.IO.Path.Combine(Path, LogFile.CommitPath(version));

    public string CheckpointFile(long version) => System.IO.Path.Combine(Path, LogFile.CheckpointPath(version));
}
