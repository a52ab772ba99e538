using System.Text.Json;

namespace DeltaLite.Reliability.Tests.Concurrency;

/// <summary>One `deltalite vacuum` run: when it ran and what it deleted (store paths).</summary>
internal sealed record VacuumRun(DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<string> Deleted);

/// <summary>What the audit of a table found.</summary>
/// <param name="LongestInFlight">
/// The longest time a data file waited between being written (its add's modificationTime) and its commit: a vacuum
/// meeting such a file before its commit may delete it once it is older than the retention, so this must stay well
/// under the retention for the run to say anything (Delta's rule for safe vacuums).
/// </param>
internal sealed record AuditResult(long LatestVersion, int VersionsRead, int VersionsVacuumedAway, int FilesVacuumed, long Checkpoints, TimeSpan LongestInFlight);

/// <summary>
/// Checks a table after concurrent writers and vacuums: its commit files are 0..latest with no gap; every version's
/// snapshot builds; every data file a version needs either exists or was deleted by a vacuum whose retention had
/// expired for it (the file was removed from the table before that vacuum's cutoff), so no vacuum broke a version
/// it had to keep; every version whose files all exist reads in full; and the latest version holds exactly
/// <c>expected</c>.
/// </summary>
internal static class TableAudit
{
    public static async Task<AuditResult> RunAsync(TableTarget target, IReadOnlyDictionary<long, Row> expected, TimeSpan retention, IReadOnlyList<VacuumRun> vacuums)
    {
        var versions = await target.CommitVersionsAsync();
        Assert.True(versions.Count > 0, $"{target.Location}: no commit file in _delta_log");
        long latest = versions[^1];
        var gaps = Enumerable.Range(0, (int)latest + 1).Select(v => (long)v).Except(versions).ToList();
        Assert.True(gaps.Count == 0, $"{target.Location}: the log is not contiguous: versions {string.Join(", ", gaps)} of 0..{latest} have no commit file");

        await using var store = target.OpenStore();
        // When each file left the table: the earliest remove action naming it (its deletionTimestamp).
        var removedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        long checkpoints = 0, longestInFlightMs = 0;
        await foreach (var info in store.ListAsync("_delta_log/"))
            if (info.Path.EndsWith(".checkpoint.parquet", StringComparison.Ordinal)) checkpoints++;
        foreach (long v in versions)
        {
            var bytes = await store.ReadAllAsync($"_delta_log/{v:D20}.json");
            long committedAt = 0;
            foreach (var line in System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("commitInfo", out var info)) committedAt = info.GetProperty("timestamp").GetInt64();
                if (doc.RootElement.TryGetProperty("add", out var add) && committedAt > 0)
                    longestInFlightMs = Math.Max(longestInFlightMs, committedAt - add.GetProperty("modificationTime").GetInt64());
                if (!doc.RootElement.TryGetProperty("remove", out var remove)) continue;
                string path = Uri.UnescapeDataString(remove.GetProperty("path").GetString()!);
                long at = remove.TryGetProperty("deletionTimestamp", out var ts) && ts.ValueKind == JsonValueKind.Number ? ts.GetInt64() : long.MaxValue;
                if (!removedAt.TryGetValue(path, out long seen) || at < seen) removedAt[path] = at;
            }
        }
        var vacuumedBy = new Dictionary<string, VacuumRun>(StringComparer.Ordinal);
        foreach (var run in vacuums)
            foreach (var path in run.Deleted)
                vacuumedBy.TryAdd(path, run);

        string inFlight = $"(the longest a data file waited for its commit: {longestInFlightMs / 1000.0:0.0} s; retention {retention.TotalSeconds:0} s)";
        await using var table = await target.OpenAsync();
        var exists = new Dictionary<string, bool>(StringComparer.Ordinal);
        int read = 0, vacuumedAway = 0;
        for (long v = 0; v <= latest; v++)
        {
            var snapshot = await table.GetSnapshotAsync(v);
            var missing = new List<string>();
            foreach (var file in snapshot.Files)
            {
                string path = snapshot.ResolveDataPath(file.Path);
                if (!exists.TryGetValue(path, out bool there)) exists[path] = there = await store.GetInfoAsync(path) is not null;
                if (there) continue;
                missing.Add(path);
                Assert.True(vacuumedBy.TryGetValue(path, out var run),
                    $"{target.Location}: version {v} needs {path}, which is gone, and no vacuum deleted it");
                Assert.True(removedAt.TryGetValue(path, out long at),
                    $"{target.Location}: a vacuum (started {run!.Start:O}) deleted {path}, which version {v} needs and no later version removed: the table lost a live file {inFlight}");
                // The vacuum's cutoff is its start minus the retention, and it started before it ended.
                long cutoffBound = (run!.End - retention).ToUnixTimeMilliseconds();
                Assert.True(at < cutoffBound,
                    $"{target.Location}: the vacuum that ran {run.Start:O} .. {run.End:O} deleted {path}, removed from the table at " +
                    $"{DateTimeOffset.FromUnixTimeMilliseconds(at):O}, less than the retention ({retention.TotalSeconds:0} s) before it: version {v} should still read");
            }
            if (missing.Count > 0)
            {
                Assert.True(v < latest, $"{target.Location}: the latest version {v} lost {missing.Count} file(s) {inFlight}: {string.Join(", ", missing.Take(3))}");
                vacuumedAway++;
                continue;
            }
            long rows = 0;
            await foreach (var batch in snapshot.ReadAsync()) rows += batch.RowCount;
            Assert.Equal(snapshot.Files.Sum(f => Statistics(snapshot, f)), rows);
            read++;
        }

        var actual = await TableContent.ReadAsync(await table.GetSnapshotAsync(latest));
        TableContent.AssertEqual(expected, actual, $"{target.Location} version {latest}");
        return new AuditResult(latest, read, vacuumedAway, vacuumedBy.Count, checkpoints, TimeSpan.FromMilliseconds(longestInFlightMs));
    }

    /// <summary>The row count recorded for a file (its statistics): what a read of it must return.</summary>
    private static long Statistics(Snapshots.Snapshot snapshot, Actions.AddFile file) =>
        snapshot.GetStatistics(file)?.NumRecords ?? throw new InvalidOperationException($"{file.Path}: no statistics (every file DeltaLite writes has them)");
}
