using DeltaLite.Actions;

namespace DeltaLite.Tests.Log;

/// <summary>Time travel by timestamp: commit file times (made monotonic), and in-commit timestamps where enabled.</summary>
public class TimeTravelTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Versions 0..4 committed an hour apart from <see cref="T0"/>.</summary>
    private static async Task<(TempTable, DeltaTable)> BuildAsync(IReadOnlyDictionary<string, string>? properties = null)
    {
        var temp = TempTable.Create("timetravel");
        var table = await temp.CreateTableAsync(properties);
        for (int i = 1; i <= 4; i++) await table.AppendAsync([TempTable.Rows(i, i, "north")]);
        for (int v = 0; v <= 4; v++) temp.SetCommitTime(v, T0.AddHours(v));
        return (temp, table);
    }

    [Fact]
    public async Task TimestampsResolveToTheVersionInEffect()
    {
        var (temp, table) = await BuildAsync();
        await using var _ = temp;
        await using var __ = table;
        for (int v = 0; v <= 4; v++)
        {
            Assert.Equal(v, await table.GetVersionAtAsync(T0.AddHours(v)));                  // exactly at a commit
            Assert.Equal(v, await table.GetVersionAtAsync(T0.AddHours(v).AddMinutes(59)));   // between commits
            var snapshot = await table.GetSnapshotAsOfAsync(T0.AddHours(v).AddMinutes(30));
            Assert.Equal(v, snapshot.Version);
            Assert.Equal(T0.AddHours(v), snapshot.Timestamp);
            Assert.Equal(v * (v + 1) / 2, await snapshot.CountRowsAsync());
        }
        Assert.Equal(3, await table.GetVersionAtAsync(T0.AddHours(4).AddMilliseconds(-1)));
        Assert.Equal(4, await table.GetVersionAtAsync(T0.AddYears(5)));                      // after the last: latest
        var e = await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetVersionAtAsync(T0.AddMilliseconds(-1)));
        Assert.Contains("earliest available version 0", e.Message);
        await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetSnapshotAsOfAsync(T0.AddDays(-1)));
        var times = await table.CommitTimesAsync();
        Assert.Equal(Enumerable.Range(0, 5).Select(v => ((long)v, T0.AddHours(v))), times);
    }

    [Fact]
    public async Task NonMonotonicFileTimesAreMadeMonotonic()
    {
        var (temp, table) = await BuildAsync();
        await using var _ = temp;
        await using var __ = table;
        temp.SetCommitTime(2, T0.AddMinutes(30));  // earlier than version 1 (T0 + 1 h)
        temp.SetCommitTime(3, T0.AddHours(1));     // equal to version 1
        var times = await table.CommitTimesAsync();
        Assert.Equal(T0.AddHours(1).AddMilliseconds(1), times[2].Timestamp);
        Assert.Equal(T0.AddHours(1).AddMilliseconds(2), times[3].Timestamp);
        Assert.Equal(T0.AddHours(4), times[4].Timestamp);
        Assert.Equal(1, await table.GetVersionAtAsync(T0.AddHours(1)));
        Assert.Equal(2, await table.GetVersionAtAsync(T0.AddHours(1).AddMilliseconds(1)));
        Assert.Equal(3, await table.GetVersionAtAsync(T0.AddHours(2)));
        Assert.Equal(0, await table.GetVersionAtAsync(T0.AddMinutes(45)));
    }

    [Fact]
    public async Task InCommitTimestampsAreUsedWhenEnabled()
    {
        await using var temp = TempTable.Create("ict");
        await using var table = await temp.CreateTableAsync(new Dictionary<string, string> { ["delta.enableInCommitTimestamps"] = "true" });
        for (int i = 1; i <= 3; i++) await table.AppendAsync([TempTable.Rows(i, 1, "south")]);
        var snapshot = await table.GetSnapshotAsync();
        Assert.Contains("inCommitTimestamp", snapshot.Protocol.WriterFeatures ?? []);
        Assert.Equal(7, snapshot.Protocol.MinWriterVersion);

        var ict = new List<long>();
        for (int v = 0; v <= 3; v++)
        {
            var actions = ActionSerializer.ParseCommit(File.ReadAllBytes(temp.CommitFile(v)), temp.CommitFile(v));
            Assert.IsType<CommitInfoAction>(actions[0]); // commitInfo first, as the feature requires
            ict.Add(((CommitInfoAction)actions[0]).InCommitTimestamp ?? throw new Xunit.Sdk.XunitException($"version {v} has no inCommitTimestamp"));
        }
        for (int v = 1; v <= 3; v++) Assert.True(ict[v] > ict[v - 1], "in-commit timestamps must increase");

        // File times that disagree (decades off, and out of order) are ignored: the in-commit timestamps rule.
        for (int v = 0; v <= 3; v++) temp.SetCommitTime(v, new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-v));
        var times = await table.CommitTimesAsync();
        Assert.Equal(ict.Select(DateTimeOffset.FromUnixTimeMilliseconds), times.Select(t => t.Timestamp));
        for (int v = 0; v <= 3; v++)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(ict[v]);
            Assert.Equal(v, await table.GetVersionAtAsync(at));
            var s = await table.GetSnapshotAsOfAsync(at);
            Assert.Equal(v, s.Version);
            Assert.Equal(at, s.Timestamp);
        }
        await Assert.ThrowsAsync<VersionNotFoundException>(() => table.GetVersionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(ict[0] - 1)));
        Assert.Equal(3, await table.GetVersionAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(ict[3] + 60_000)));
        var history = new List<long>();
        await foreach (var entry in table.HistoryAsync()) history.Add(entry.Version);
        Assert.Equal([3L, 2L, 1L, 0L], history);
    }
}

/// <summary>Reading a given version lists the log only up to it.</summary>
public class VersionListingTests
{
    [Fact]
    public async Task A_version_is_built_from_the_listing_up_to_it_and_later_versions_are_not_looked_at()
    {
        var temp = TempTable.Create("listing");
        await using var _ = temp;
        await using (var table = await temp.CreateTableAsync())
            for (int i = 1; i <= 5; i++) await table.AppendAsync([TempTable.Rows(i, i, "north")]);
        var store = new DeltaLite.Storage.LocalObjectStore(temp.Path);

        var upTo = await DeltaLite.Log.LogSegment.ListAsync(store, null, CancellationToken.None, untilVersion: 2);
        Assert.Equal([0L, 1, 2], upTo.Select(f => f.Version));
        Assert.Equal(6, (await DeltaLite.Log.LogSegment.ListAsync(store, null, CancellationToken.None)).Count);

        // A later commit that cannot be parsed does not stop an earlier version from being read.
        File.WriteAllText(System.IO.Path.Combine(temp.LogFolder, $"{4:D20}.json"), "{ not json");
        await using var reopened = await DeltaTable.OpenAsync(temp.Path);
        Assert.Equal(1 + 2 + 3, await (await reopened.GetSnapshotAsync(3)).CountRowsAsync());
        await Assert.ThrowsAnyAsync<DeltaLogException>(() => reopened.GetSnapshotAsync(4));
    }
}
