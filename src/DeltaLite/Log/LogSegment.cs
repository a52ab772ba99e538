using DeltaLite.Storage;

namespace DeltaLite.Log;

/// <summary>
/// The files that rebuild one version: the newest complete checkpoint at or below it (if any) and every commit
/// after that checkpoint up to the version, contiguous.
/// </summary>
public sealed class LogSegment
{
    private LogSegment(long version, IReadOnlyList<LogFile> checkpoint, IReadOnlyList<LogFile> commits, LogFile? lastCommit)
    {
        Version = version;
        Checkpoint = checkpoint;
        Commits = commits;
        LastCommit = lastCommit;
    }

    public long Version { get; }

    /// <summary>The checkpoint's files (one, several parts, or one v2 top-level file); empty when replaying from version 0.</summary>
    public IReadOnlyList<LogFile> Checkpoint { get; }

    public long? CheckpointVersion => Checkpoint.Count == 0 ? null : Checkpoint[0].Version;

    /// <summary>Commits after the checkpoint, oldest first.</summary>
    public IReadOnlyList<LogFile> Commits { get; }

    /// <summary>The commit file of <see cref="Version"/> itself (for its timestamp), when it exists.</summary>
    public LogFile? LastCommit { get; }

    /// <summary>Lists the log and builds the segment for <paramref name="version"/> (null: the latest).</summary>
    public static async Task<LogSegment> BuildAsync(IObjectStore store, long? version, CancellationToken ct)
    {
        long? startHint = null;
        if (version is null || version > 0)
        {
            var hint = await TryReadLastCheckpointAsync(store, ct).ConfigureAwait(false);
            if (hint is not null && (version is null || hint.Version <= version)) startHint = hint.Version;
        }
        if (startHint is not null)
        {
            var hinted = await ListAsync(store, startHint, ct).ConfigureAwait(false);
            // The hint helps only when the listing from it holds a complete checkpoint to start from; a stale, wrong
            // or incomplete one (e.g. a multi-part checkpoint missing a part) means listing everything instead.
            if (hinted.Any(f => f.IsCheckpoint && f.Version == startHint))
            {
                try
                {
                    var segment = Build(store.DisplayRoot, hinted, version);
                    if (segment.CheckpointVersion is not null) return segment;
                }
                catch (DeltaLogException)
                {
                    // Decided below on the full listing, which gives the right error if there is one.
                }
            }
        }
        if (version is long wanted)
        {
            // A given version needs no file of a later one: the listing stops there (names sort by version).
            try
            {
                var upTo = await ListAsync(store, null, ct, untilVersion: wanted).ConfigureAwait(false);
                return Build(store.DisplayRoot, upTo, version);
            }
            catch (DeltaLogException)
            {
                // The error (a cleaned-up version, the earliest readable one...) is decided on the whole log below.
            }
        }
        var files = await ListAsync(store, null, ct).ConfigureAwait(false);
        return Build(store.DisplayRoot, files, version);
    }

    internal static async Task<LastCheckpoint?> TryReadLastCheckpointAsync(IObjectStore store, CancellationToken ct)
    {
        try
        {
            var bytes = await store.ReadAllAsync(LastCheckpoint.Path, ct).ConfigureAwait(false);
            return LastCheckpoint.TryParse(bytes);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every log file, parsed; from the hinted checkpoint version on when given, and up to <paramref name="untilVersion"/>
    /// when given (the listing is in name order, which is version order: it stops at the first later file).
    /// </summary>
    internal static async Task<List<LogFile>> ListAsync(IObjectStore store, long? fromVersion, CancellationToken ct, long? untilVersion = null)
    {
        string? startAfter = fromVersion is long v && v > 0 ? $"{LogFile.LogFolder}{v - 1:D20}.zzz" : null;
        var list = new List<LogFile>();
        await foreach (var info in store.ListAsync(LogFile.LogFolder, startAfter, ct).ConfigureAwait(false))
        {
            var f = LogFile.TryParse(info);
            if (f is null) continue;
            if (f.Version > untilVersion) break;
            list.Add(f);
        }
        return list;
    }

    /// <summary>The oldest version with a checkpoint whose following commits are all present (or 0 with commit 0).</summary>
    private static long EarliestRecoverable(SortedDictionary<long, LogFile> commits, List<LogFile> checkpoints)
    {
        if (commits.ContainsKey(0)) return 0;
        return checkpoints.Count == 0 ? (commits.Count > 0 ? commits.Keys.Last() : 0) : checkpoints.Min(c => c.Version);
    }

    internal static LogSegment Build(string table, List<LogFile> files, long? version)
    {
        var commits = new SortedDictionary<long, LogFile>();
        foreach (var f in files) if (f.Kind == LogFileKind.Commit) commits[f.Version] = f;
        var checkpoints = files.Where(f => f.IsCheckpoint).ToList();
        if (commits.Count == 0 && checkpoints.Count == 0)
            throw new TableNotFoundException($"{table}: no Delta table here (no commits in _delta_log/).");

        long latest = Math.Max(commits.Count > 0 ? commits.Keys.Last() : -1, checkpoints.Count > 0 ? checkpoints.Max(c => c.Version) : -1);
        long target = version ?? latest;
        if (target < 0) throw new VersionNotFoundException($"{table}: version {target} does not exist; versions are numbered from 0.");
        if (target > latest) throw new VersionNotFoundException($"{table}: version {target} does not exist; the latest version is {latest}.");

        // Newest complete checkpoint at or below the target.
        IReadOnlyList<LogFile> checkpoint = [];
        foreach (var group in checkpoints.Where(c => c.Version <= target).GroupBy(c => c.Version).OrderByDescending(g => g.Key))
        {
            var v2 = group.Where(c => c.Kind == LogFileKind.CheckpointV2).OrderBy(c => c.Path, StringComparer.Ordinal).FirstOrDefault();
            var single = group.FirstOrDefault(c => c.Kind == LogFileKind.Checkpoint);
            if (v2 is not null) { checkpoint = [v2]; break; }
            if (single is not null) { checkpoint = [single]; break; }
            // Multi-part: complete when every part 1..n of one part count is present.
            var complete = group.Where(c => c.Kind == LogFileKind.CheckpointPart).GroupBy(c => c.Parts)
                .Select(g => g.GroupBy(c => c.Part).Select(p => p.First()).OrderBy(c => c.Part).ToList())
                .FirstOrDefault(parts => parts.Count == parts[0].Parts);
            if (complete is not null) { checkpoint = complete; break; }
        }

        long from = checkpoint.Count > 0 ? checkpoint[0].Version + 1 : 0;
        var needed = new List<LogFile>();
        for (long v = from; v <= target; v++)
        {
            if (!commits.TryGetValue(v, out var c))
            {
                if (checkpoint.Count == 0 && v == 0)
                {
                    long earliest = EarliestRecoverable(commits, checkpoints);
                    throw new VersionNotFoundException($"{table}: version {target} can no longer be read: its log was cleaned up. The earliest version that can be read is {earliest}.");
                }
                throw new DeltaLogException($"{table}: the log is missing commit {v} ({LogFile.CommitPath(v)}), needed to read version {target}.");
            }
            needed.Add(c);
        }
        commits.TryGetValue(target, out var last);
        return new LogSegment(target, checkpoint, needed, last);
    }
}
