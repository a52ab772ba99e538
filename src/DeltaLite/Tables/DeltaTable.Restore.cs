using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Snapshots;
using DeltaLite.Transactions;
using DeltaLite.Writes;

namespace DeltaLite;

public sealed partial class DeltaTable
{
    /// <summary>
    /// Restores the table to <paramref name="version"/> as a new version: files live now but not then are removed,
    /// files live then but not now are added again (dataChange=true), and the schema and properties of that version
    /// come back (the protocol is never lowered). Every file to re-add must still exist: when vacuum (or anyone) has
    /// deleted one, nothing is committed and the error names the missing files.
    /// Metrics as Delta's RESTORE: numRestoredFiles, numRemovedFiles, restoredFilesSize, removedFilesSize,
    /// numOfFilesAfterRestore, tableSizeAfterRestore.
    /// </summary>
    public Task<CommitResult> RestoreAsync(long version, CancellationToken cancellationToken = default) =>
        RestoreCoreAsync(version, null, cancellationToken);

    /// <summary>Restores the table to the version in effect at <paramref name="timestamp"/>.</summary>
    public async Task<CommitResult> RestoreAsync(DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        long version = await GetVersionAtAsync(timestamp, cancellationToken).ConfigureAwait(false);
        return await RestoreCoreAsync(version, timestamp, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CommitResult> RestoreCoreAsync(long version, DateTimeOffset? timestamp, CancellationToken ct)
    {
        var txn = await BeginTransactionAsync("RESTORE", ct).ConfigureAwait(false);
        var current = txn.ReadSnapshot!;
        if (version < 0 || version > current.Version)
            throw new VersionNotFoundException($"{Location}: cannot restore to version {version}; the versions are 0 to {current.Version}.");
        Snapshot target;
        try
        {
            target = await GetSnapshotAsync(version, ct).ConfigureAwait(false);
        }
        catch (DeltaLogException e) when (e is not VersionNotFoundException)
        {
            throw new VersionNotFoundException($"{Location}: version {version} can no longer be read to restore it ({e.Message}).");
        }

        var now = current.Files.ToDictionary(f => f.Key);
        var then = target.Files.ToDictionary(f => f.Key);
        var toRemove = current.Files.Where(f => !then.ContainsKey(f.Key)).ToList();
        var toAdd = target.Files.Where(f => !now.ContainsKey(f.Key)).ToList();

        // Every file to bring back (and its deletion vector file) must still be there.
        var missing = new List<string>();
        await Parallel.ForEachAsync(toAdd, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (f, token) =>
        {
            foreach (var path in ReferencedPaths(target, f))
            {
                if (await Store.GetInfoAsync(path, token).ConfigureAwait(false) is null)
                    lock (missing) missing.Add(path);
            }
        }).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            missing.Sort(StringComparer.Ordinal);
            throw new TableOperationException(
                $"{Location}: cannot restore version {version}: {missing.Count} file{(missing.Count == 1 ? "" : "s")} it needs {(missing.Count == 1 ? "is" : "are")} gone " +
                $"(vacuumed or deleted): {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}.");
        }
        if (toRemove.Count > 0) CheckNotAppendOnly(current);

        txn.ReadWholeTable();
        txn.ReadFiles(current.Files);
        long ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var f in toRemove) txn.Add(f.ToRemove(ts));
        foreach (var f in toAdd) txn.Add(f with { DataChange = true, ModificationTime = ts });
        if (target.Metadata != current.Metadata && !SameMetadata(target.Metadata, current.Metadata))
            txn.Add(target.Metadata with { Id = current.Metadata.Id });
        var protocol = MaxProtocol(current.Protocol, target.Protocol);
        if (protocol != current.Protocol) txn.Add(protocol);

        txn.OperationParameters["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (timestamp is not null) txn.OperationParameters["timestamp"] = timestamp.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        txn.OperationMetrics["numRestoredFiles"] = toAdd.Count;
        txn.OperationMetrics["numRemovedFiles"] = toRemove.Count;
        txn.OperationMetrics["restoredFilesSize"] = toAdd.Sum(f => f.Size);
        txn.OperationMetrics["removedFilesSize"] = toRemove.Sum(f => f.Size);
        txn.OperationMetrics["numOfFilesAfterRestore"] = target.Files.Count;
        txn.OperationMetrics["tableSizeAfterRestore"] = target.Files.Sum(f => f.Size);
        return await txn.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The store paths a live file needs: the data file and, when on disk, its deletion vector file.</summary>
    internal static IEnumerable<string> ReferencedPaths(Snapshot snapshot, AddFile file)
    {
        yield return snapshot.ResolveDataPath(file.Path);
        if (file.DeletionVector is { IsInline: false } dv) yield return DeletionVectorPath(snapshot, dv);
    }

    internal static string DeletionVectorPath(Snapshot snapshot, DeletionVectors.DeletionVectorDescriptor dv) =>
        dv.IsAbsolutePath ? snapshot.ResolveDataPath(dv.PathOrInlineDv) : dv.RelativePath();

    private static bool SameMetadata(MetadataAction a, MetadataAction b) =>
        a.SchemaString == b.SchemaString && a.Name == b.Name && a.Description == b.Description
        && a.PartitionColumns.SequenceEqual(b.PartitionColumns)
        && a.Configuration.Count == b.Configuration.Count && a.Configuration.All(kv => b.Configuration.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The protocol that satisfies both (a restore never lowers the protocol).</summary>
    private static ProtocolAction MaxProtocol(ProtocolAction current, ProtocolAction target)
    {
        if (target.MinReaderVersion <= current.MinReaderVersion && target.MinWriterVersion <= current.MinWriterVersion
            && (target.ReaderFeatures ?? []).All(f => current.ReaderFeatures?.Contains(f) == true)
            && (target.WriterFeatures ?? []).All(f => current.WriterFeatures?.Contains(f) == true))
            return current;
        var p = current;
        foreach (var f in target.WriterFeatures ?? []) if (!TableFeaturesHasWriter(p, f)) p = WithWriterFeature(p, f);
        if (target.ReaderFeatures is { Count: > 0 } rf)
        {
            var readers = (p.ReaderFeatures ?? []).Concat(rf).Distinct().ToList();
            p = p with { MinReaderVersion = Math.Max(3, p.MinReaderVersion), ReaderFeatures = readers };
        }
        if (target.MinReaderVersion > p.MinReaderVersion && target.ReaderFeatures is null) p = p with { MinReaderVersion = target.MinReaderVersion };
        if (target.MinWriterVersion > p.MinWriterVersion) p = p with { MinWriterVersion = target.MinWriterVersion };
        return p;
    }

    private static bool TableFeaturesHasWriter(ProtocolAction p, string feature) => p.WriterFeatures?.Contains(feature) == true;
}
