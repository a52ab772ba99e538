using System.Runtime.CompilerServices;
using DeltaLite.Actions;
using DeltaLite.Log;
using DeltaLite.Snapshots;
using DeltaLite.Storage;

namespace DeltaLite;

/// <summary>
/// A Delta table at a location. Cheap to open; every read goes through an immutable <see cref="Snapshot"/> of one
/// version, so a reader never sees a half-written version.
/// <code>
/// await using var table = await DeltaTable.OpenAsync("/data/loans");
/// var v3 = await table.GetSnapshotAsync(version: 3);
/// await foreach (var batch in v3.ReadAsync(["id", "loan_amnt"])) { ... }
/// </code>
/// </summary>
public sealed partial class DeltaTable : IAsyncDisposable
{
    private readonly bool _ownsStore;

    private DeltaTable(IObjectStore store, string location, bool ownsStore)
    {
        Store = store;
        Location = location;
        _ownsStore = ownsStore;
    }

    /// <summary>The table's storage (root = table folder).</summary>
    public IObjectStore Store { get; }

    /// <summary>The location as given (without credentials).</summary>
    public string Location { get; }

    /// <summary>Opens the table at a path or URI. The table need not exist yet (creating one is a write).</summary>
    public static Task<DeltaTable> OpenAsync(string location, IReadOnlyDictionary<string, string>? storageOptions = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var store = ObjectStores.Open(location, storageOptions);
        return Task.FromResult(new DeltaTable(store, store.DisplayRoot, ownsStore: true));
    }

    /// <summary>A table over an existing store (the caller keeps ownership).</summary>
    public static DeltaTable ForStore(IObjectStore store) => new(store, store.DisplayRoot, ownsStore: false);

    /// <summary>True when the location holds a Delta log.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var info in Store.ListAsync(LogFile.LogFolder, null, cancellationToken).ConfigureAwait(false))
            if (LogFile.TryParse(info) is { Kind: LogFileKind.Commit or LogFileKind.Checkpoint or LogFileKind.CheckpointPart or LogFileKind.CheckpointV2 }) return true;
        return false;
    }

    /// <summary>The snapshot at <paramref name="version"/>, or the latest when null.</summary>
    public async Task<Snapshot> GetSnapshotAsync(long? version = null, CancellationToken cancellationToken = default)
    {
        if (version < 0) throw new VersionNotFoundException($"{Location}: version {version} does not exist; versions are numbered from 0.");
        var segment = await LogSegment.BuildAsync(Store, version, cancellationToken).ConfigureAwait(false);
        return await SnapshotBuilder.BuildAsync(Store, segment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The snapshot of the newest version committed at or before <paramref name="timestamp"/>. A time after the
    /// latest commit gives the latest version; a time before the first commit is an error naming the first commit's time.
    /// </summary>
    public async Task<Snapshot> GetSnapshotAsOfAsync(DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        var version = await GetVersionAtAsync(timestamp, cancellationToken).ConfigureAwait(false);
        return await GetSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest version, without replaying it.</summary>
    public async Task<long> GetLatestVersionAsync(CancellationToken cancellationToken = default)
    {
        var hint = await LogSegment.TryReadLastCheckpointAsync(Store, cancellationToken).ConfigureAwait(false);
        var files = await LogSegment.ListAsync(Store, hint?.Version, cancellationToken).ConfigureAwait(false);
        if (files.Count == 0 && hint is not null) files = await LogSegment.ListAsync(Store, null, cancellationToken).ConfigureAwait(false);
        if (files.Count == 0) throw new TableNotFoundException($"{Location}: no Delta table here (no commits in _delta_log/).");
        return files.Where(f => f.Kind == LogFileKind.Commit || f.IsCheckpoint).Max(f => f.Version);
    }

    /// <summary>The version in effect at <paramref name="timestamp"/>.</summary>
    public async Task<long> GetVersionAtAsync(DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        var commits = await CommitTimesAsync(cancellationToken).ConfigureAwait(false);
        if (commits.Count == 0) throw new TableNotFoundException($"{Location}: no Delta table here (no commits in _delta_log/).");
        if (timestamp < commits[0].Timestamp)
            throw new VersionNotFoundException($"{Location}: no version exists at {timestamp:O}; the earliest available version {commits[0].Version} was committed at {commits[0].Timestamp:O}.");
        int lo = 0, hi = commits.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (commits[mid].Timestamp <= timestamp) lo = mid; else hi = mid - 1;
        }
        return commits[lo].Version;
    }

    /// <summary>
    /// Each available commit's version and timestamp, oldest first. Timestamps are in-commit timestamps where the
    /// table enables them, else commit file times made monotonic (a time earlier than its predecessor's counts as
    /// one millisecond after it), as Delta readers do.
    /// </summary>
    public async Task<IReadOnlyList<(long Version, DateTimeOffset Timestamp)>> CommitTimesAsync(CancellationToken cancellationToken = default)
    {
        var files = await LogSegment.ListAsync(Store, null, cancellationToken).ConfigureAwait(false);
        var commits = files.Where(f => f.Kind == LogFileKind.Commit).OrderBy(f => f.Version).ToList();
        var latest = commits.Count == 0 ? null : await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        long? ictFrom = latest?.InCommitTimestampEnablementVersion;
        var result = new List<(long, DateTimeOffset)>(commits.Count);
        DateTimeOffset previous = DateTimeOffset.MinValue;
        foreach (var c in commits)
        {
            DateTimeOffset t = c.Info.LastModified;
            if (ictFrom is long from && c.Version >= from)
            {
                var info = await ReadCommitInfoAsync(c, cancellationToken).ConfigureAwait(false);
                if (info?.InCommitTimestamp is long ict) t = DateTimeOffset.FromUnixTimeMilliseconds(ict);
            }
            if (t <= previous) t = previous.AddMilliseconds(1);
            result.Add((c.Version, t));
            previous = t;
        }
        return result;
    }

    /// <summary>The table's history, newest first: each version's time and commitInfo.</summary>
    public async IAsyncEnumerable<CommitEntry> HistoryAsync(int? limit = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var times = await CommitTimesAsync(cancellationToken).ConfigureAwait(false);
        int count = 0;
        var files = (await LogSegment.ListAsync(Store, null, cancellationToken).ConfigureAwait(false))
            .Where(f => f.Kind == LogFileKind.Commit).ToDictionary(f => f.Version);
        for (int i = times.Count - 1; i >= 0 && (limit is null || count < limit); i--, count++)
        {
            var (version, timestamp) = times[i];
            var info = await ReadCommitInfoAsync(files[version], cancellationToken).ConfigureAwait(false);
            yield return new CommitEntry(version, timestamp, info);
        }
    }

    private async Task<CommitInfoAction?> ReadCommitInfoAsync(LogFile commit, CancellationToken ct)
    {
        var actions = await SnapshotBuilder.ReadCommitAsync(Store, commit, ct).ConfigureAwait(false);
        return actions.OfType<CommitInfoAction>().FirstOrDefault();
    }

    public ValueTask DisposeAsync() => _ownsStore ? Store.DisposeAsync() : ValueTask.CompletedTask;
}
