using System.Text.Json;
using DeltaLite.Cli.Tests;
using DeltaLite.Parquet.Tests.Peers;
using DeltaLite.Partitions;

namespace DeltaLite.Reliability.Tests.Hostile;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// Partition values with <c>/</c>, <c>..</c>, <c>%</c>, <c>=</c>, spaces, Unicode, empty and NULL, loaded through the
/// CLI: every file stays inside the table folder, our reader gives every value back (the empty string reads as NULL,
/// as the Delta protocol defines), the folder names decode to the add actions' partition values, and DuckDB reads each
/// data file with the rows the table says it holds.
/// </summary>
public sealed class PartitionValueTests
{
    private static readonly string?[] s_values =
    [
        "a/b", "..", ".", "../../escape", "/abs", "%", "100%", "%2e%2e", "%2F", "k=v", "=", " spaced ", "tab\tin", "日本語 é 😀",
        "a\\b", "C:\\temp", "~", "__HIVE_DEFAULT_PARTITION__x", "line\nbreak", "", null,
    ];

    [Fact]
    public async Task Hostile_partition_values_stay_inside_the_table_and_round_trip()
    {
        using var t = HostileTable.Create("partitions");
        string db = Path.Combine(t.Root, "source.db");
        Sources.SqliteExecute(db, "CREATE TABLE src (id INTEGER NOT NULL, p TEXT, v TEXT)");
        for (int i = 0; i < s_values.Length; i++)
            Sources.SqliteExecute(db, "INSERT INTO src VALUES ($id, $p, $v)", ("$id", i), ("$p", s_values[i]), ("$v", $"value {i}"));

        Cli.Run("ingest", t.Path, "--source", "sqlite", "--connection", Sources.Sqlite(db), "--source-table", "src", "--partition-by", "p").Ok();

        // Nothing was written outside the table folder (the source database is the only other file).
        var outside = Directory.EnumerateFiles(t.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(t.Path + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !f.StartsWith(db, StringComparison.Ordinal)).ToList();
        Assert.Empty(outside);
        Assert.DoesNotContain(Directory.EnumerateDirectories(t.Path, "*", SearchOption.AllDirectories), d => Path.GetFileName(d) is "." or ".." or "");

        // Our reader: every value back (empty reads as NULL).
        var rows = (await t.ReadRowsAsync()).Select(r => JsonDocument.Parse(r).RootElement).ToList();
        Assert.Equal(s_values.Length, rows.Count);
        foreach (var row in rows)
        {
            int id = row.GetProperty("id").GetInt32();
            string? expected = string.IsNullOrEmpty(s_values[id]) ? null : s_values[id];
            var p = row.GetProperty("p");
            Assert.Equal(expected, p.ValueKind == JsonValueKind.Null ? null : p.GetString());
            Assert.Equal($"value {id}", row.GetProperty("v").GetString());
        }

        // The files: each inside the table, its folder name decoding to its add action's value, and DuckDB reading
        // from it exactly the rows whose p is that value.
        await using var table = await DeltaTable.OpenAsync(t.Path);
        var snapshot = await table.GetSnapshotAsync();
        var files = snapshot.Files.Select(f => (Add: f, Full: Path.GetFullPath(Path.Combine(t.Path, PartitionValues.FromUriPath(f.Path))))).ToList();
        var dumped = DuckDbPeer.Dump(files.Select(f => f.Full).ToList());
        int seen = 0;
        foreach (var (add, full) in files)
        {
            Assert.StartsWith(t.Path + Path.DirectorySeparatorChar, full);
            Assert.True(File.Exists(full), full);
            string folder = Path.GetRelativePath(t.Path, Path.GetDirectoryName(full)!);
            var (column, fromFolder) = PartitionValues.ParseFolderName(folder);
            Assert.Equal("p", column);
            Assert.Equal(add.PartitionValues["p"] is { Length: > 0 } v ? v : null, fromFolder);
            var file = dumped[full];
            Assert.Null(file.Error);
            foreach (var row in file.Rows)
            {
                int id = row.GetProperty("id").GetInt32();
                Assert.Equal(string.IsNullOrEmpty(s_values[id]) ? null : s_values[id], fromFolder);
                Assert.Equal($"value {id}", row.GetProperty("v").GetString());
                seen++;
            }
        }
        Assert.Equal(s_values.Length, seen);
    }
}
