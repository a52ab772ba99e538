using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DeltaLite.Parquet;
using DeltaLite.Writes;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Reliability.Tests.Hostile;

/// <summary>
/// A small Delta table in a fresh temporary folder for the hostile-input suite: built through the public API, then
/// damaged by the test; helpers to prove that a failed operation changed nothing and to read every row back.
/// </summary>
internal sealed class HostileTable : IDisposable
{
    public static readonly ParquetSchema Schema = new(
        new Field("id", DataType.Int64, Nullable: false), new Field("region", DataType.String, Nullable: false), new Field("note", DataType.String, Nullable: false));

    private HostileTable(string root)
    {
        Root = root;
        Path = System.IO.Path.Combine(root, "table");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The scratch folder; the table is its <c>table</c> subfolder, so files planted beside it are outside the table.</summary>
    public string Root { get; }

    public string Path { get; }

    public string LogFolder => System.IO.Path.Combine(Path, "_delta_log");

    public static HostileTable Create(string name) =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deltalite-hostile", $"{name}-{Guid.NewGuid():N}"));

    /// <summary>
    /// Creates the table and appends <paramref name="commits"/> versions of <paramref name="rowsPerCommit"/> rows each
    /// (uncompressed data files, so tests can find pages by offset).
    /// </summary>
    public async Task BuildAsync(int commits, int rowsPerCommit = 40, bool partitioned = false, int checkpointInterval = 1000)
    {
        await using var table = await DeltaTable.OpenAsync(Path);
        await table.CreateAsync(Schema, new CreateTableOptions
        {
            PartitionColumns = partitioned ? ["region"] : [],
            Properties = new Dictionary<string, string>
            {
                ["delta.checkpointInterval"] = checkpointInterval.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["delta.enableExpiredLogCleanup"] = "false",
            },
        });
        for (int c = 0; c < commits; c++)
            await table.AppendAsync([Rows(c * rowsPerCommit, rowsPerCommit)], new WriteOptions { Compression = DeltaLite.Parquet.Metadata.CompressionCodec.Uncompressed });
    }

    /// <summary>Rows with ids from <paramref name="firstId"/>; regions repeat (three values), so string columns get dictionaries.</summary>
    public static RecordBatch Rows(long firstId, int count)
    {
        var ids = ColumnBuilder.Create(DataType.Int64);
        var regions = ColumnBuilder.Create(DataType.String);
        var notes = ColumnBuilder.Create(DataType.String);
        string[] names = ["north", "south", "east"];
        for (int i = 0; i < count; i++)
        {
            ids.Append(firstId + i);
            regions.Append(names[(firstId + i) % 3]);
            notes.Append($"row {firstId + i}");
        }
        return new RecordBatch(Schema, [ids.Build(), regions.Build(), notes.Build()], count);
    }

    /// <summary>Every row of a version as canonical JSON lines, sorted.</summary>
    public async Task<List<string>> ReadRowsAsync(long? version = null)
    {
        await using var table = await DeltaTable.OpenAsync(Path);
        var snapshot = await table.GetSnapshotAsync(version);
        return await ReadRowsAsync(snapshot);
    }

    public static async Task<List<string>> ReadRowsAsync(Snapshots.Snapshot snapshot)
    {
        var rows = new List<string>();
        await foreach (var batch in snapshot.ReadAsync())
            for (int i = 0; i < batch.RowCount; i++) rows.Add(CanonicalJson.RowToString(batch, i));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>The data files of the latest version, as absolute paths.</summary>
    public async Task<List<string>> DataFilesAsync()
    {
        await using var table = await DeltaTable.OpenAsync(Path);
        var snapshot = await table.GetSnapshotAsync();
        return snapshot.Files.Select(f => System.IO.Path.Combine(Path, Partitions.PartitionValues.FromUriPath(f.Path))).ToList();
    }

    public string CommitFile(long version) => System.IO.Path.Combine(LogFolder, $"{version:D20}.json");

    public string CheckpointFile(long version) => System.IO.Path.Combine(LogFolder, $"{version:D20}.checkpoint.parquet");

    /// <summary>Rewrites every add action of commit <paramref name="version"/> through <paramref name="change"/>.</summary>
    public void EditAdds(long version, Action<JsonObject> change)
    {
        var lines = File.ReadAllLines(CommitFile(version));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var node = JsonNode.Parse(lines[i])!.AsObject();
            if (node["add"] is JsonObject add)
            {
                change(add);
                lines[i] = node.ToJsonString();
            }
        }
        File.WriteAllText(CommitFile(version), string.Join('\n', lines) + "\n", new UTF8Encoding(false));
    }

    /// <summary>Replaces a data file with <paramref name="bytes"/> and makes the add action that names it say the new size.</summary>
    public void ReplaceDataFile(string file, byte[] bytes, long version)
    {
        File.WriteAllBytes(file, bytes);
        string name = System.IO.Path.GetFileName(file);
        EditAdds(version, add =>
        {
            if (add["path"]!.GetValue<string>().EndsWith(name, StringComparison.Ordinal)) add["size"] = bytes.Length;
        });
    }

    /// <summary>Every file under the scratch folder (table and neighbours) with its hash: equal before and after means untouched.</summary>
    public SortedDictionary<string, string> State()
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            state[System.IO.Path.GetRelativePath(Root, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        return state;
    }

    public static void AssertSameState(SortedDictionary<string, string> before, SortedDictionary<string, string> after, string what)
    {
        var added = after.Keys.Except(before.Keys).ToList();
        var removed = before.Keys.Except(after.Keys).ToList();
        var changed = before.Keys.Intersect(after.Keys).Where(k => before[k] != after[k]).ToList();
        Assert.True(added.Count + removed.Count + changed.Count == 0,
            $"{what} changed the folder: added [{string.Join(", ", added)}], removed [{string.Join(", ", removed)}], changed [{string.Join(", ", changed)}]");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
