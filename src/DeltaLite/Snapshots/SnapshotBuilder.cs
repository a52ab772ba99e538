using DeltaLite.Actions;
using DeltaLite.Log;
using DeltaLite.Protocol;
using DeltaLite.Storage;

namespace DeltaLite.Snapshots;

/// <summary>Replays a log segment into a <see cref="Snapshot"/>: checkpoint first, then each commit in order.</summary>
internal static class SnapshotBuilder
{
    private const int ParallelReads = 16;

    public static async Task<Snapshot> BuildAsync(IObjectStore store, LogSegment segment, CancellationToken ct)
    {
        string table = store.DisplayRoot;
        var files = new Dictionary<(string, string?), AddFile>();
        var tombstones = new Dictionary<(string, string?), RemoveFile>();
        var txns = new Dictionary<string, SetTransaction>(StringComparer.Ordinal);
        var domains = new Dictionary<string, DomainMetadataAction>(StringComparer.Ordinal);
        ProtocolAction? protocol = null;
        MetadataAction? metadata = null;
        CommitInfoAction? lastCommitInfo = null;
        // Where the protocol and metadata in force came from, for errors about them.
        string? metadataSource = null;
        string current = "";

        void Apply(DeltaAction a)
        {
            switch (a)
            {
                case AddFile add:
                    files[add.Key] = add;
                    tombstones.Remove(add.Key);
                    break;
                case RemoveFile rm:
                    files.Remove(rm.Key);
                    tombstones[rm.Key] = rm;
                    break;
                case SetTransaction t:
                    txns[t.AppId] = t;
                    break;
                case DomainMetadataAction d:
                    if (d.Removed) domains.Remove(d.Domain);
                    else domains[d.Domain] = d;
                    break;
                case ProtocolAction p:
                    protocol = p;
                    break;
                case MetadataAction m:
                    metadata = m;
                    metadataSource = current;
                    break;
            }
        }

        string? checkpointName = segment.Checkpoint.Count > 0 ? System.IO.Path.GetFileName(segment.Checkpoint[0].Path) : null;
        if (segment.Checkpoint.Count > 0)
        {
            current = $"checkpoint {checkpointName}";
            foreach (var a in await CheckpointReader.ReadAsync(store, segment.Checkpoint, ct).ConfigureAwait(false)) Apply(a);
        }

        var commits = segment.Commits;
        for (int start = 0; start < commits.Count; start += ParallelReads)
        {
            var batch = commits.Skip(start).Take(ParallelReads).Select(c => ReadCommitAsync(store, c, ct)).ToArray();
            var results = await Task.WhenAll(batch).ConfigureAwait(false);
            for (int k = 0; k < results.Length; k++)
            {
                var actions = results[k];
                current = $"commit {System.IO.Path.GetFileName(commits[start + k].Path)}";
                CommitInfoAction? info = null;
                foreach (var a in actions)
                {
                    if (a is CommitInfoAction ci) info = ci;
                    else Apply(a);
                }
                lastCommitInfo = info;
            }
        }

        // A checkpoint must hold the protocol and metadata: when replay finds none, a damaged checkpoint is the likely cause.
        string where = checkpointName is not null ? $" (checkpoint {checkpointName} holds none; it may be damaged)"
            : commits.Count > 0 && commits[0].Version == 0 ? $" (commit {System.IO.Path.GetFileName(commits[0].Path)}, which created the table, holds none; it may be damaged)"
            : "";
        if (protocol is null) throw new DeltaLogException($"{table}: no protocol action up to version {segment.Version}{where}; the log is incomplete.");
        if (metadata is null) throw new DeltaLogException($"{table}: no metaData action up to version {segment.Version}{where}; the log is incomplete.");
        TableFeatures.CheckReadable(protocol, table);

        long? ictVersion = null;
        if (metadata.Configuration.TryGetValue("delta.enableInCommitTimestamps", out var ict) && ict.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            ictVersion = metadata.Configuration.TryGetValue("delta.inCommitTimestampEnablementVersion", out var ev)
                && long.TryParse(ev, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var evl) ? evl : 0;
        }
        DateTimeOffset timestamp;
        if (ictVersion is not null && lastCommitInfo?.InCommitTimestamp is long ts && segment.Commits.Count > 0 && segment.Commits[^1].Version == segment.Version)
            timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ts);
        else if (segment.LastCommit is not null)
            timestamp = segment.LastCommit.Info.LastModified;
        else
            timestamp = segment.Checkpoint[0].Info.LastModified;

        var live = files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.DeletionVector?.UniqueId, StringComparer.Ordinal).ToList();
        var snapshot = new Snapshot(store, segment, timestamp, protocol, metadata, live, tombstones.Values.ToList(), txns, domains, ictVersion);
        try
        {
            _ = snapshot.Schema; // parsed once here (and cached), so that a damaged schema is reported with where it came from
            _ = snapshot.TypeChanges; // type widening: every recorded change must be one this reader converts
        }
        catch (UnsupportedTableFeatureException e)
        {
            throw new UnsupportedTableFeatureException($"{table}: the table schema in force at version {segment.Version} (from {metadataSource}): {e.Message}", e.Features);
        }
        catch (Schema.DeltaSchemaException e)
        {
            throw new DeltaLogException($"{table}: the table schema in force at version {segment.Version} (from {metadataSource}) is invalid: {e.Message}", e);
        }
        foreach (var column in metadata.PartitionColumns)
        {
            if (snapshot.Schema.IndexOf(column) < 0)
                throw new DeltaLogException($"{table}: partition column '{column}' at version {segment.Version} (from {metadataSource}) is not in the table schema.");
        }
        return snapshot;
    }

    internal static async Task<List<DeltaAction>> ReadCommitAsync(IObjectStore store, LogFile commit, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllAsync(commit.Path, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            throw new DeltaLogException($"{store.DisplayRoot}: commit {commit.Version} ({commit.Path}) disappeared while it was read (was the log cleaned up?).", e);
        }
        return ActionSerializer.ParseCommit(bytes, $"{store.DisplayRoot}/{commit.Path} (version {commit.Version})");
    }
}
