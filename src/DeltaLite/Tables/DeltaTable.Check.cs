using DeltaLite.Actions;
using DeltaLite.Log;
using DeltaLite.Parquet;
using DeltaLite.Snapshots;
using DeltaLite.Storage;

namespace DeltaLite;

/// <summary>One thing wrong with a table, and where.</summary>
public sealed record TableProblem(string Where, string What);

/// <summary>What <see cref="DeltaTable.CheckAsync"/> looked at and found.</summary>
public sealed record TableCheckResult(long? LatestVersion, int CommitsChecked, int CheckpointsChecked, int FilesChecked, IReadOnlyList<TableProblem> Problems)
{
    public bool Healthy => Problems.Count == 0;
}

public sealed partial class DeltaTable
{
    /// <summary>
    /// Verifies the table and changes nothing: the log is contiguous and every commit parses; every checkpoint reads;
    /// <c>_last_checkpoint</c> names a checkpoint that exists; every file of the latest version exists with its
    /// recorded size and a readable footer whose row count (and per-column null counts) match the file's statistics;
    /// every deletion vector file exists.
    /// </summary>
    public async Task<TableCheckResult> CheckAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<TableProblem>();
        var files = await LogSegment.ListAsync(Store, null, cancellationToken).ConfigureAwait(false);
        var commits = files.Where(f => f.Kind == LogFileKind.Commit).OrderBy(f => f.Version).ToList();
        var checkpoints = files.Where(f => f.IsCheckpoint).ToList();
        if (commits.Count == 0 && checkpoints.Count == 0)
            return new TableCheckResult(null, 0, 0, 0, [new TableProblem(Location, "no Delta log here (no commits in _delta_log/)")]);

        for (int i = 1; i < commits.Count; i++)
            if (commits[i].Version != commits[i - 1].Version + 1)
                problems.Add(new TableProblem($"{LogFile.LogFolder}", $"the log jumps from version {commits[i - 1].Version} to {commits[i].Version}: commits {commits[i - 1].Version + 1}..{commits[i].Version - 1} are missing"));
        foreach (var c in commits)
        {
            try
            {
                await SnapshotBuilder.ReadCommitAsync(Store, c, cancellationToken).ConfigureAwait(false);
            }
            catch (DeltaLogException e)
            {
                problems.Add(new TableProblem(c.Path, e.Message));
            }
        }
        int checkpointsChecked = 0;
        foreach (var group in checkpoints.GroupBy(c => (c.Version, c.Kind == LogFileKind.CheckpointPart ? c.Parts : 0)))
        {
            var parts = group.OrderBy(c => c.Part).ToList();
            if (parts[0].Kind == LogFileKind.CheckpointPart && parts.Select(p => p.Part).Distinct().Count() != parts[0].Parts)
            {
                problems.Add(new TableProblem(parts[0].Path, $"multi-part checkpoint of version {group.Key.Version} has {parts.Count} of {parts[0].Parts} parts"));
                continue;
            }
            try
            {
                await CheckpointReader.ReadAsync(Store, parts, cancellationToken).ConfigureAwait(false);
                checkpointsChecked++;
            }
            catch (Exception e) when (e is DeltaLogException or IOException)
            {
                problems.Add(new TableProblem(parts[0].Path, e.Message));
            }
        }
        try
        {
            var bytes = await Store.ReadAllAsync(LastCheckpoint.Path, cancellationToken).ConfigureAwait(false);
            var hint = LastCheckpoint.TryParse(bytes);
            if (hint is null) problems.Add(new TableProblem(LastCheckpoint.Path, "unreadable (readers ignore it and list the whole log)"));
            else if (!checkpoints.Any(c => c.Version == hint.Version))
                problems.Add(new TableProblem(LastCheckpoint.Path, $"names checkpoint version {hint.Version}, which does not exist (readers fall back to listing)"));
        }
        catch (ObjectNotFoundException)
        {
            // Optional.
        }

        Snapshot snapshot;
        try
        {
            snapshot = await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (DeltaLogException e)
        {
            problems.Add(new TableProblem(Location, $"the latest version cannot be read: {e.Message}"));
            return new TableCheckResult(null, commits.Count, checkpointsChecked, 0, problems);
        }
        int checkedFiles = 0;
        foreach (var add in snapshot.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path;
            try
            {
                path = snapshot.ResolveDataPath(add.Path);
            }
            catch (DeltaLogException e)
            {
                problems.Add(new TableProblem(add.Path, e.Message));
                continue;
            }
            var info = await Store.GetInfoAsync(path, cancellationToken).ConfigureAwait(false);
            checkedFiles++;
            if (info is null) { problems.Add(new TableProblem(path, $"missing (version {snapshot.Version} references it)")); continue; }
            if (info.Size != add.Size) problems.Add(new TableProblem(path, $"is {info.Size} bytes; the log records {add.Size}"));
            try
            {
                await using var reader = await StoreParquet.OpenAsync(Store, path, info.Size, cancellationToken).ConfigureAwait(false);
                var stats = snapshot.GetStatistics(add);
                if (stats?.NumRecords is long n && n != reader.RowCount)
                    problems.Add(new TableProblem(path, $"holds {reader.RowCount} rows; its statistics say {n}"));
                if (stats is not null) CheckNullCounts(snapshot, reader, stats, path, problems);
            }
            catch (ParquetFormatException e)
            {
                problems.Add(new TableProblem(path, $"unreadable: {e.Message}"));
            }
            if (add.DeletionVector is { IsInline: false } dv)
            {
                try
                {
                    await DeletionVectors.DeletionVectorReader.ReadAsync(Store, dv, cancellationToken).ConfigureAwait(false);
                }
                catch (DeletionVectors.DeletionVectorException e)
                {
                    problems.Add(new TableProblem(path, $"deletion vector: {e.Message}"));
                }
            }
        }
        return new TableCheckResult(snapshot.Version, commits.Count, checkpointsChecked, checkedFiles, problems);
    }

    /// <summary>Top-level, non-partition columns: the footer's summed null counts must equal the file statistics'.</summary>
    private static void CheckNullCounts(Snapshot snapshot, ParquetReader reader, FileStatistics stats, string path, List<TableProblem> problems)
    {
        var mode = snapshot.ColumnMapping;
        foreach (var field in snapshot.Schema.Fields)
        {
            if (!field.Type.IsPrimitive || snapshot.PartitionColumns.Contains(field.Name)) continue;
            if (stats.NullCount(field.Name) is not long expected) continue;
            string physical = Schema.DeltaSchema.PhysicalName(field, mode);
            if (!reader.LeafPaths.Contains(physical)) continue;
            long actual = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                if (reader.GetStatistics(g, physical)?.NullCount is not long nc) return;
                actual += nc;
            }
            if (actual != expected) problems.Add(new TableProblem(path, $"column '{field.Name}' has {actual} nulls; its statistics say {expected}"));
        }
    }
}
