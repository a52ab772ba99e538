namespace DeltaLite.Tests.Log;

/// <summary>
/// Expired log cleanup (PROTOCOL.md "Metadata Cleanup"): with backdated file times, versions before the kept
/// checkpoint become unreadable with the named error; every version from it on reads as before.
/// </summary>
public class LogCleanupTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Versions 0..12 with checkpoints at 5 and 10; version v is dated <paramref name="ageOf"/>(v) before now.</summary>
    private static async Task<(TempTable Temp, DeltaTable Table, List<(long Version, int Files, long Rows)> Before)> BuildAsync(Func<long, TimeSpan> ageOf,
        Dictionary<string, string>? extra = null)
    {
        var temp = TempTable.Create("cleanup");
        var properties = new Dictionary<string, string> { ["delta.checkpointInterval"] = "5", ["delta.enableExpiredLogCleanup"] = "false" };
        foreach (var kv in extra ?? []) properties[kv.Key] = kv.Value;
        var table = await temp.CreateTableAsync(properties);
        for (int i = 0; i < 12; i++) await table.AppendAsync([TempTable.Rows(i * 10, 2, i % 3 == 0 ? "east" : "west")]);
        Assert.True(File.Exists(temp.CheckpointFile(5)) && File.Exists(temp.CheckpointFile(10)));
        for (long v = 0; v <= 12; v++) temp.SetCommitTime(v, Now - ageOf(v));
        var before = new List<(long, int, long)>();
        for (long v = 0; v <= 12; v++)
        {
            var s = await table.GetSnapshotAsync(v);
            before.Add((v, s.Files.Count, await s.CountRowsAsync()));
        }
        return (temp, table, before);
    }

    private static async Task AssertReadableFromAsync(DeltaTable table, long earliest, List<(long Version, int Files, long Rows)> before)
    {
        foreach (var (v, files, rows) in before)
        {
            if (v < earliest)
            {
                var e = await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetSnapshotAsync(v));
                Assert.Contains($"version {v}", e.Message);
                Assert.Contains($"earliest version that can be read is {earliest}", e.Message);
                continue;
            }
            var s = await table.GetSnapshotAsync(v);
            Assert.Equal(files, s.Files.Count);
            Assert.Equal(rows, await s.CountRowsAsync());
            Assert.Equal(rows, (await s.ReadAllAsync(["id"])).Sum(b => b.RowCount));
        }
    }

    [Fact]
    public async Task KeepsTheNewestCheckpointBeforeTheCutoffAndEverythingAfter()
    {
        // Versions 0..7 are 40 days old (a minute apart), 8..12 are recent: the cutoff commit is 7, the kept checkpoint 5.
        var (temp, table, before) = await BuildAsync(v => v <= 7 ? TimeSpan.FromDays(40) - TimeSpan.FromMinutes(v) : TimeSpan.FromMinutes(20 - v));
        await using var _ = temp;
        await using var __ = table;
        var expected = Enumerable.Range(0, 5).Select(v => $"_delta_log/{v:D20}.json").ToList();

        var dry = await table.CleanupLogAsync(Now, dryRun: true);
        Assert.True(dry.DryRun);
        Assert.Equal(5, dry.KeptCheckpointVersion);
        Assert.Equal(expected, dry.Deleted);
        Assert.True(File.Exists(temp.CommitFile(0)), "a dry run deleted a file");
        await AssertReadableFromAsync(table, 0, before);

        var result = await table.CleanupLogAsync(Now);
        Assert.False(result.DryRun);
        Assert.Equal(5, result.KeptCheckpointVersion);
        Assert.Equal(expected, result.Deleted);
        Assert.Equal(Now - TimeSpan.FromDays(30), result.Cutoff);
        Assert.All(expected, p => Assert.False(File.Exists(Path.Combine(temp.Path, p))));
        Assert.True(File.Exists(temp.CommitFile(5)), "the commit at the kept checkpoint must stay (it holds the commitInfo)");
        Assert.True(File.Exists(temp.CheckpointFile(5)));
        await AssertReadableFromAsync(table, 5, before);
        var e = await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetVersionAtAsync(Now - TimeSpan.FromDays(41)));
        Assert.Contains("earliest available version 5", e.Message);

        // Running it again deletes nothing more.
        Assert.Empty((await table.CleanupLogAsync(Now)).Deleted);
    }

    [Fact]
    public async Task NeverDeletesTheLatestCheckpointOrAnythingAfterIt()
    {
        var (temp, table, before) = await BuildAsync(v => TimeSpan.FromDays(100) - TimeSpan.FromMinutes(v));
        await using var _ = temp;
        await using var __ = table;
        var result = await table.CleanupLogAsync(Now);
        Assert.Equal(10, result.KeptCheckpointVersion);
        Assert.Contains($"_delta_log/{5:D20}.checkpoint.parquet", result.Deleted);
        Assert.Equal(11, result.Deleted.Count); // commits 0..9 and the checkpoint at 5
        Assert.True(File.Exists(temp.CheckpointFile(10)));
        foreach (long v in new long[] { 10, 11, 12 }) Assert.True(File.Exists(temp.CommitFile(v)));
        await AssertReadableFromAsync(table, 10, before);
    }

    [Fact]
    public async Task NothingIsDeletedWithoutACheckpointBeforeTheCutoff()
    {
        // Only versions 0..3 are old; the first checkpoint (5) is recent.
        var (temp, table, before) = await BuildAsync(v => v <= 3 ? TimeSpan.FromDays(60) - TimeSpan.FromMinutes(v) : TimeSpan.FromMinutes(20 - v));
        await using var _ = temp;
        await using var __ = table;
        var result = await table.CleanupLogAsync(Now);
        Assert.Null(result.KeptCheckpointVersion);
        Assert.Empty(result.Deleted);
        await AssertReadableFromAsync(table, 0, before);
    }

    [Fact]
    public async Task ARecentCommitAmongOldOnesProtectsEverythingAfterIt()
    {
        // Version 3 is recent although 4..12 look old: with monotonic times every later commit counts as recent too.
        var (temp, table, before) = await BuildAsync(v => v == 3 ? TimeSpan.FromMinutes(1) : TimeSpan.FromDays(90) - TimeSpan.FromMinutes(v));
        await using var _ = temp;
        await using var __ = table;
        var result = await table.CleanupLogAsync(Now);
        Assert.Null(result.KeptCheckpointVersion);
        Assert.Empty(result.Deleted);
        await AssertReadableFromAsync(table, 0, before);
    }

    [Fact]
    public async Task TheRetentionPropertyIsHonoured()
    {
        var (temp, table, before) = await BuildAsync(v => TimeSpan.FromDays(3) - TimeSpan.FromMinutes(v),
            new Dictionary<string, string> { ["delta.logRetentionDuration"] = "interval 2 days" });
        await using var _ = temp;
        await using var __ = table;
        var result = await table.CleanupLogAsync(Now);
        Assert.Equal(Now - TimeSpan.FromDays(2), result.Cutoff);
        Assert.Equal(10, result.KeptCheckpointVersion);
        await AssertReadableFromAsync(table, 10, before);
    }

    [Fact]
    public async Task ACheckpointingCommitCleansUpExpiredLogFiles()
    {
        await using var temp = TempTable.Create("autocleanup");
        await using var table = await temp.CreateTableAsync(new Dictionary<string, string>
        {
            ["delta.checkpointInterval"] = "5",
            ["delta.logRetentionDuration"] = "interval 1 days",
        });
        for (int i = 1; i <= 9; i++) await table.AppendAsync([TempTable.Rows(i, 1, "north")]);
        Assert.True(File.Exists(temp.CommitFile(0)), "nothing is old yet, so nothing may be cleaned up");
        for (long v = 0; v <= 9; v++) temp.SetCommitTime(v, DateTimeOffset.UtcNow.AddDays(-3).AddMinutes(v));
        var result = await table.AppendAsync([TempTable.Rows(10, 1, "north")]);
        Assert.Equal(10, result.Version);
        Assert.True(result.CheckpointWritten);
        for (long v = 0; v < 5; v++) Assert.False(File.Exists(temp.CommitFile(v)), $"commit {v} should have been cleaned up");
        Assert.True(File.Exists(temp.CommitFile(5)));
        var e = await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetSnapshotAsync(3));
        Assert.Contains("earliest version that can be read is 5", e.Message);
        Assert.Equal(10, await (await table.GetSnapshotAsync()).CountRowsAsync());
        Assert.Equal(5, await (await table.GetSnapshotAsync(5)).CountRowsAsync());
    }

    [Fact]
    public async Task ExpiredLogCleanupCanBeTurnedOff()
    {
        await using var temp = TempTable.Create("nocleanup");
        await using var table = await temp.CreateTableAsync(new Dictionary<string, string>
        {
            ["delta.checkpointInterval"] = "5",
            ["delta.logRetentionDuration"] = "interval 1 days",
            ["delta.enableExpiredLogCleanup"] = "false",
        });
        for (int i = 1; i <= 9; i++) await table.AppendAsync([TempTable.Rows(i, 1, "north")]);
        for (long v = 0; v <= 9; v++) temp.SetCommitTime(v, DateTimeOffset.UtcNow.AddDays(-3).AddMinutes(v));
        Assert.True((await table.AppendAsync([TempTable.Rows(10, 1, "north")])).CheckpointWritten);
        Assert.True(File.Exists(temp.CommitFile(0)));
        Assert.Equal(0, (await table.GetSnapshotAsync(0)).Version);
    }
}
