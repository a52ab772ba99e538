using DeltaLite.Actions;
using DeltaLite.Storage;

namespace DeltaLite.Log;

/// <summary>What a log cleanup removed (or, in a dry run, would remove).</summary>
/// <param name="Cutoff">Log files older than this (by file time) were eligible: now minus delta.logRetentionDuration.</param>
/// <param name="KeptCheckpointVersion">The checkpoint the log now starts at (the oldest readable version); null when
/// nothing could be cleaned up because no checkpoint is old enough.</param>
/// <param name="Deleted">Store paths of the deleted files, oldest version first.</param>
/// <param name="DryRun">True when nothing was deleted.</param>
public sealed record LogCleanupResult(DateTimeOffset Cutoff, long? KeptCheckpointVersion, IReadOnlyList<string> Deleted, bool DryRun)
{
    /// <summary>The tag whose version kept older log files that the retention would otherwise have dropped.</summary>
    public string? HeldByTag { get; init; }
}

/// <summary>
/// Expired-log cleanup, following PROTOCOL.md "Metadata Cleanup": the newest commit whose (monotonic) file time is at
/// or before the cutoff is the cutoff commit; the newest complete checkpoint at or before it is kept with its commit
/// file and everything after it; every commit, checkpoint, checksum and compacted-commit file before it is deleted,
/// then the v2 sidecar files no remaining checkpoint references (and older than a day). The latest checkpoint and
/// anything after it are never deleted, since the kept checkpoint is at or before it.
/// </summary>
internal static class LogCleanup
{
    public static async Task<LogCleanupResult> RunAsync(IObjectStore store, IReadOnlyDictionary<string, string> configuration, DateTimeOffset now,
        bool dryRun, CancellationToken ct, IReadOnlyDictionary<string, Tags.TableTag>? tags = null)
    {
        var cutoff = now - Retention.LogRetention(configuration);
        var files = await LogSegment.ListAsync(store, null, ct).ConfigureAwait(false);

        // The cutoff commit: file times made monotonic (a time at or before its predecessor's counts as 1 ms after it),
        // so a commit counts as expired only when every commit before it is too.
        long? cutoffCommit = null;
        var previous = DateTimeOffset.MinValue;
        foreach (var c in files.Where(f => f.Kind == LogFileKind.Commit).OrderBy(f => f.Version))
        {
            var t = c.Info.LastModified <= previous ? previous.AddMilliseconds(1) : c.Info.LastModified;
            if (t > cutoff) break;
            cutoffCommit = c.Version;
            previous = t;
        }
        // A tagged version stays readable: the log is kept from the newest checkpoint at or before the oldest tag on.
        string? heldBy = null;
        var oldestTag = tags?.Values.MinBy(t => t.Version);
        if (oldestTag is not null && cutoffCommit is long c0 && oldestTag.Version < c0)
        {
            cutoffCommit = oldestTag.Version;
            heldBy = oldestTag.Name;
        }
        long? kept = cutoffCommit is long limit ? NewestCompleteCheckpoint(files, limit) : null;
        if (kept is not long keep) return new LogCleanupResult(cutoff, null, [], dryRun) { HeldByTag = heldBy };

        var doomed = files.Where(f => f.Kind switch
            {
                LogFileKind.Commit or LogFileKind.Checksum or LogFileKind.Checkpoint or LogFileKind.CheckpointPart or LogFileKind.CheckpointV2 => f.Version < keep,
                LogFileKind.CompactedCommits => f.Version <= keep,
                _ => false,
            })
            .OrderBy(f => f.Version).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => f.Path).ToList();

        // Sidecars: keep those a remaining v2 checkpoint names, and any younger than a day (a checkpoint in progress).
        var remainingV2 = files.Where(f => f.Kind == LogFileKind.CheckpointV2 && f.Version >= keep).ToList();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v2 in remainingV2)
            foreach (var s in (await CheckpointReader.ReadTopLevelAsync(store, [v2], ct).ConfigureAwait(false)).OfType<SidecarAction>())
                referenced.Add(CheckpointReader.SidecarPath(store, s));
        await foreach (var info in store.ListAsync(LogFile.LogFolder + "_sidecars/", null, ct).ConfigureAwait(false))
            if (!referenced.Contains(info.Path) && info.LastModified < now.AddDays(-1)) doomed.Add(info.Path);

        if (!dryRun)
            foreach (var path in doomed) await store.DeleteAsync(path, ct).ConfigureAwait(false);
        return new LogCleanupResult(cutoff, keep, doomed, dryRun) { HeldByTag = heldBy };
    }

    /// <summary>The newest version at or below <paramref name="limit"/> with a complete checkpoint (single, v2 or all parts).</summary>
    private static long? NewestCompleteCheckpoint(List<LogFile> files, long limit)
    {
        foreach (var group in files.Where(f => f.IsCheckpoint && f.Version <= limit).GroupBy(f => f.Version).OrderByDescending(g => g.Key))
        {
            if (group.Any(f => f.Kind is LogFileKind.Checkpoint or LogFileKind.CheckpointV2)) return group.Key;
            if (group.Where(f => f.Kind == LogFileKind.CheckpointPart).GroupBy(f => f.Parts).Any(p => p.Select(f => f.Part).Distinct().Count() == p.Key))
                return group.Key;
        }
        return null;
    }
}
