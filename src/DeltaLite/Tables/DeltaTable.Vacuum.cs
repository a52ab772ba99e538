using System.Globalization;
using DeltaLite.Log;
using DeltaLite.Snapshots;
using DeltaLite.Writes;

namespace DeltaLite;

/// <summary>What a vacuum deleted (or, in a dry run, would delete).</summary>
/// <param name="Files">Store paths, relative to the table root, in ascending order.</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="DryRun">True when nothing was deleted.</param>
/// <param name="Retention">The retention used.</param>
/// <param name="Cutoff">Files older than this and not referenced by a retained version were chosen.</param>
/// <param name="FilesScanned">Objects listed under the table root (outside the log and hidden folders).</param>
public sealed record VacuumResult(IReadOnlyList<string> Files, long Bytes, bool DryRun, TimeSpan Retention, DateTimeOffset Cutoff, long FilesScanned)
{
    /// <summary>Per tag, how many files the vacuum kept only because the tagged version needs them.</summary>
    public IReadOnlyDictionary<string, int> KeptForTags { get; init; } = new Dictionary<string, int>();
}

public sealed partial class DeltaTable
{
    /// <summary>
    /// Deletes the files under the table root that no version within the retention references and that were last
    /// modified before the retention began: data files removed more than <paramref name="retention"/> ago, and orphans
    /// of failed writes (on a local store also the temp files of writes killed before they were moved into place,
    /// wherever they are, _delta_log/ included). Kept: live files and their deletion vectors, files of tombstones younger than the retention,
    /// and everything in hidden folders (a path segment starting with '_' or '.', such as _delta_log/, except
    /// partition folders such as _col=1/ and _change_data/). The retention defaults to the table's
    /// <c>delta.deletedFileRetentionDuration</c> (7 days); a shorter one is refused unless <paramref name="force"/>,
    /// because it can break time travel and concurrent writers. Unless a dry run, the vacuum is recorded as two
    /// commits with only commitInfo (VACUUM START and VACUUM END), as Delta does.
    /// </summary>
    public async Task<VacuumResult> VacuumAsync(TimeSpan? retention = null, bool dryRun = false, bool force = false, CancellationToken cancellationToken = default)
    {
        var snapshot = await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        Protocol.TableFeatures.CheckWritable(snapshot.Protocol, snapshot.Metadata, Location);
        var tableRetention = Retention.DeletedFileRetention(snapshot.Configuration);
        var effective = retention ?? tableRetention;
        if (effective < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retention), "The retention must not be negative.");
        if (effective < tableRetention && !force)
            throw new TableOperationException(
                $"{Location}: a retention of {Hours(effective)} hours is shorter than the table's delta.deletedFileRetentionDuration ({Hours(tableRetention)} hours). " +
                "Vacuuming it could delete files that readers of older versions and writers in progress still need; pass force to do it anyway.");
        var start = DateTimeOffset.UtcNow;
        var cutoff = start - effective;
        long cutoffMs = cutoff.ToUnixTimeMilliseconds();

        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in snapshot.Files) keep.UnionWith(ReferencedPaths(snapshot, f));
        foreach (var t in snapshot.Tombstones)
        {
            if (t.DeletionTimestamp is long removedAt && removedAt < cutoffMs) continue;
            keep.Add(snapshot.ResolveDataPath(t.Path));
            if (t.DeletionVector is { IsInline: false } dv) keep.Add(DeletionVectorPath(snapshot, dv));
        }
        // Tagged versions stay readable: their files are kept whatever their age.
        var keptForTags = new Dictionary<string, int>(StringComparer.Ordinal);
        var tagged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in Tags.TableTags.Parse(snapshot.GetDomainConfiguration(Tags.TableTags.Domain)).Values)
        {
            var old = await GetSnapshotAsync(tag.Version, cancellationToken).ConfigureAwait(false);
            int only = 0;
            foreach (var f in old.Files)
                foreach (var path in ReferencedPaths(old, f))
                    if (!keep.Contains(path) && tagged.Add(path)) only++;
            keptForTags[tag.Name] = only;
        }
        keep.UnionWith(tagged);
        var partitionPrefixes = snapshot.Schema.Fields.Where(f => snapshot.PartitionColumns.Contains(f.Name))
            .Select(f => Schema.DeltaSchema.PhysicalName(f, snapshot.ColumnMapping) + "=").ToList();

        var delete = new List<Storage.ObjectInfo>();
        long scanned = 0;
        await foreach (var info in Store.ListAsync("", null, cancellationToken).ConfigureAwait(false))
        {
            if (IsHidden(info.Path, partitionPrefixes)) continue;
            scanned++;
            if (keep.Contains(info.Path)) continue;
            if (info.LastModified >= cutoff) continue;
            delete.Add(info);
        }
        // Temp files of local writes killed before they were moved into place (data files, commits, checkpoints): no
        // listing shows them, so nothing else would ever remove them. Only those older than the retention, as a write
        // in progress has a young one.
        if (Store is Storage.LocalObjectStore localStore)
        {
            delete.AddRange(localStore.ListTempFiles().Where(t => t.LastModified < cutoff));
            delete.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        }
        var files = delete.Select(d => d.Path).ToList();
        long bytes = delete.Sum(d => d.Size);
        var result = new VacuumResult(files, bytes, dryRun, effective, cutoff, scanned) { KeptForTags = keptForTags };
        if (dryRun) return result;

        var begin = await BeginTransactionAsync("VACUUM START", cancellationToken).ConfigureAwait(false);
        begin.OperationParameters["retentionCheckEnabled"] = (!force).ToString().ToLowerInvariant();
        begin.OperationParameters["defaultRetentionMillis"] = ((long)tableRetention.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        begin.OperationParameters["specifiedRetentionMillis"] = ((long)effective.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        begin.OperationMetrics["numFilesToDelete"] = files.Count;
        begin.OperationMetrics["sizeOfDataToDelete"] = bytes;
        await begin.CommitAsync(cancellationToken).ConfigureAwait(false);

        long deleted = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (path, token) =>
        {
            await Store.DeleteAsync(path, token).ConfigureAwait(false);
            Interlocked.Increment(ref deleted);
            Diagnostics.FaultPoints.Reach("mid-vacuum");
        }).ConfigureAwait(false);
        RemoveEmptyFolders(files);

        var end = await BeginTransactionAsync("VACUUM END", cancellationToken).ConfigureAwait(false);
        end.OperationParameters["status"] = "COMPLETED";
        end.OperationMetrics["numDeletedFiles"] = deleted;
        end.OperationMetrics["numVacuumedDirectories"] = files.Select(p => p.Contains('/') ? p[..p.LastIndexOf('/')] : "").Distinct().Count();
        await end.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static string Hours(TimeSpan t) => t.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Delta's rule: a segment starting with '.' or '_' hides what is below it, except partition folders and _change_data.</summary>
    private static bool IsHidden(string path, IReadOnlyList<string> partitionPrefixes)
    {
        var segments = path.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            if (s.Length == 0 || (s[0] != '.' && s[0] != '_')) continue;
            bool last = i == segments.Length - 1;
            if (!last && s.StartsWith("_change_data", StringComparison.Ordinal)) continue;
            if (!last && partitionPrefixes.Any(p => s.StartsWith(p, StringComparison.Ordinal))) continue;
            return true;
        }
        return false;
    }

    /// <summary>On a local store, removes partition folders left empty (object stores have no folders).</summary>
    private void RemoveEmptyFolders(IEnumerable<string> deleted)
    {
        if (Store is not Storage.LocalObjectStore local) return;
        foreach (var folder in deleted.Where(p => p.Contains('/')).Select(p => p[..p.LastIndexOf('/')]).Distinct().OrderByDescending(p => p.Length))
        {
            for (string? f = folder; !string.IsNullOrEmpty(f); f = f.Contains('/') ? f[..f.LastIndexOf('/')] : null)
            {
                string full = local.FullPath(f);
                try
                {
                    if (!Directory.Exists(full) || Directory.EnumerateFileSystemEntries(full).Any()) break;
                    Directory.Delete(full);
                }
                catch (IOException) { break; }
                catch (UnauthorizedAccessException) { break; }
            }
        }
    }
}
