using System.Globalization;
using DeltaLite.Ingest;
using DeltaLite.Reliability.Tests.Concurrency;
using Xunit.Abstractions;

namespace DeltaLite.Reliability.Tests.Faults;

/// <summary>
/// An ingestion into a local table whose disk fills up: at every stage of the run (the first data file, the middle
/// of the data, the commit file) the run fails with the operating system's "No space left on device" naming the
/// file, the table keeps its version and shows no partial commit or temp file, and the run after space returns
/// loads the rows exactly once. When the disk fills only after the commit, while the checkpoint is written, the
/// commit stands, the run succeeds and the table stays healthy. The disk is a write hook under the real local store
/// (<see cref="DiskFullStore"/>), so the runs are in-process through the public ingestion API.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("deltalite-diskfull-");
    private readonly Dictionary<long, Row> _expected = [];
    private static readonly Dictionary<string, string> Properties = new() { ["delta.checkpointInterval"] = "1" };

    [Fact]
    public async Task A_full_disk_fails_the_run_clearly_commits_nothing_and_the_next_run_loads_every_row_once()
    {
        string folder = Path.Combine(_dir.FullName, "table");
        var disk = new Disk();
        string location = DiskFullStore.Mount(disk, folder);
        var source = new Source("d", SourceShape.SqliteMerge, n => n, Path.Combine(_dir.FullName, "src"));

        source.AddRound(0, 6_000, _expected);
        var first = await IngestRunner.RunAsync(source.Job(location, Properties) with { BatchSize = 1_000 });
        Assert.Equal(IngestOutcome.Committed, first.Outcome);

        // Round 1: new rows and updates (a merge that rewrites files). What a successful run writes, in order, on a copy.
        source.AddRound(1, 6_000, _expected);
        var plan = await MeasureAsync(source, folder);
        output.WriteLine(plan.Describe());
        var budgets = new (string Stage, long Free)[]
        {
            ("nothing", 0), ("the first data file", plan.DataBytes / 4), ("the middle of the data", plan.DataBytes * 3 / 4),
            ("the commit file", plan.DataBytes + plan.CommitBytes / 2),
        };
        foreach (var (stage, free) in budgets)
        {
            disk.Free = free;
            var e = await Assert.ThrowsAnyAsync<IOException>(() => IngestRunner.RunAsync(source.Job(location)));
            output.WriteLine($"full at {stage} ({free:N0} bytes free): {e.GetType().Name}: {e.Message}");
            Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
            Assert.Contains(folder, e.Message, StringComparison.Ordinal);
            await AssertNothingCommittedAsync(folder, expectedLatest: 0, stage);
        }

        // Space returns: the next run loads round 1 exactly once.
        disk.Free = long.MaxValue;
        var next = await IngestRunner.RunAsync(source.Job(location));
        Assert.Equal(IngestOutcome.Committed, next.Outcome);
        Assert.Equal(1, next.Version);
        await AssertTableAsync(folder, 1);

        // Round 2 fills the disk after the commit, in the checkpoint: the commit stands and the table stays healthy.
        source.AddRound(2, 6_000, _expected);
        plan = await MeasureAsync(source, folder);
        output.WriteLine(plan.Describe());
        Assert.True(plan.CheckpointBytes > 0, "the measured run wrote no checkpoint (delta.checkpointInterval is 1)");
        disk.Free = plan.DataBytes + plan.CommitBytes + plan.CheckpointBytes / 2;
        disk.Clear();
        var late = await IngestRunner.RunAsync(source.Job(location));
        Assert.Equal(IngestOutcome.Committed, late.Outcome);
        Assert.True(disk.Refusals > 0, "the checkpoint was expected to run out of space");
        Assert.DoesNotContain(disk.Writes, w => w.Path.EndsWith(".checkpoint.parquet", StringComparison.Ordinal));
        await AssertTableAsync(folder, 2);

        // And with space again, the next commit checkpoints as usual.
        disk.Free = long.MaxValue;
        source.AddRound(3, 2_000, _expected);
        var after = await IngestRunner.RunAsync(source.Job(location));
        Assert.Equal(3, after.Version);
        Assert.True(File.Exists(Path.Combine(folder, "_delta_log", $"{3:D20}.checkpoint.parquet")), "no checkpoint at version 3");
        await AssertTableAsync(folder, 3);
    }

    /// <summary>Runs the job on a copy of the table on a disk with room, and sorts what it wrote by stage.</summary>
    private async Task<WritePlan> MeasureAsync(Source source, string folder)
    {
        string copy = Path.Combine(_dir.FullName, "measure-" + Guid.NewGuid().ToString("N")[..8]);
        CopyFolder(folder, copy);
        var disk = new Disk();
        var result = await IngestRunner.RunAsync(source.Job(DiskFullStore.Mount(disk, copy)));
        Assert.Equal(IngestOutcome.Committed, result.Outcome);
        long data = 0, commit = 0, checkpoint = 0;
        bool committed = false;
        foreach (var (path, bytes) in disk.Writes)
        {
            if (path == $"_delta_log/{result.Version:D20}.json") { commit += bytes; committed = true; }
            else if (!committed) data += bytes;
            else checkpoint += bytes;
        }
        Directory.Delete(copy, recursive: true);
        return new WritePlan(data, commit, checkpoint, disk.Writes.Count);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task AssertNothingCommittedAsync(string folder, long expectedLatest, string stage)
    {
        var log = Directory.EnumerateFiles(Path.Combine(folder, "_delta_log")).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain($"{expectedLatest + 1:D20}.json", log);
        var temps = Directory.EnumerateFiles(folder, ".deltalite-tmp-*", SearchOption.AllDirectories).ToList();
        Assert.True(temps.Count == 0, $"full at {stage}: temp files left behind: {string.Join(", ", temps)}");
        await using var table = await DeltaTable.OpenAsync(folder);
        Assert.Equal(expectedLatest, (await table.GetSnapshotAsync()).Version);
    }

    /// <summary>The table is at <paramref name="version"/>, healthy, and holds exactly the expected rows.</summary>
    private async Task AssertTableAsync(string folder, long version)
    {
        await using var table = await DeltaTable.OpenAsync(folder);
        var check = await table.CheckAsync();
        Assert.True(check.Healthy, string.Join("; ", check.Problems.Select(p => $"{p.Where}: {p.What}")));
        var snapshot = await table.GetSnapshotAsync();
        Assert.Equal(version, snapshot.Version);
        TableContent.AssertEqual(_expected, await TableContent.ReadAsync(snapshot), $"{folder} version {version}");
    }

    public void Dispose()
    {
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    private sealed record WritePlan(long DataBytes, long CommitBytes, long CheckpointBytes, int Writes)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"a successful run writes {Writes} objects: {DataBytes:N0} bytes of data, a {CommitBytes:N0}-byte commit, {CheckpointBytes:N0} bytes of checkpoint");
    }
}
