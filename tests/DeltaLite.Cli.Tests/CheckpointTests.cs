using DeltaLite.Parquet.Tests.Peers;

namespace DeltaLite.Cli.Tests;

/// <summary>`deltalite checkpoint` writes a checkpoint that readers then start from, with the same rows.</summary>
public sealed class CheckpointTests
{
    [Fact]
    public async Task Checkpoint_of_the_latest_version_is_written_and_reads_the_same()
    {
        using var dir = new TempDir();
        var table = await TestTables.CreateLoansAsync(dir, partitioned: true);
        var before = Cli.Run("export", table).Ok().JsonLines();

        var summary = Cli.Run("checkpoint", table, "--json").Ok().Json();
        Assert.Equal(2, summary.GetProperty("version").GetInt64());
        Assert.Equal(2, summary.GetProperty("numFiles").GetInt64());
        string checkpoint = Path.Combine(table, "_delta_log", "00000000000000000002.checkpoint.parquet");
        Assert.True(File.Exists(checkpoint));
        Assert.Contains("\"version\":2", File.ReadAllText(Path.Combine(table, "_delta_log", "_last_checkpoint")));

        // readers no longer need the commits before the checkpoint
        File.Delete(Path.Combine(table, "_delta_log", "00000000000000000000.json"));
        File.Delete(Path.Combine(table, "_delta_log", "00000000000000000001.json"));
        var after = Cli.Run("export", table).Ok().JsonLines();
        JsonRowComparer.AssertEqual(before.OrderBy(r => r.GetProperty("id").GetInt64()).ToList(), after.OrderBy(r => r.GetProperty("id").GetInt64()).ToList(), "before", "after");

        // DuckDB reads the checkpoint: one protocol, one metaData, two adds
        var actions = DuckDbPeer.Rows(checkpoint, ["add"]);
        Assert.Equal(2, actions.Count(a => a.GetProperty("add").ValueKind == System.Text.Json.JsonValueKind.Object));

        var text = Cli.Run("checkpoint", table).Ok().Stdout;
        Assert.Contains("checkpoint of version 2 written", text);
    }
}
