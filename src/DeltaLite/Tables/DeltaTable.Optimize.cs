using System.Diagnostics;
using DeltaLite.Actions;
using DeltaLite.Expressions;
using DeltaLite.Transactions;
using DeltaLite.Writes;

namespace DeltaLite;

/// <summary>What an optimize did.</summary>
/// <param name="Commit">The commit, or null when there was nothing to compact.</param>
/// <param name="NumFilesRemoved">Small files compacted (removed with dataChange=false).</param>
/// <param name="NumFilesAdded">Files written.</param>
/// <param name="BytesRemoved">Total size of the removed files.</param>
/// <param name="BytesAdded">Total size of the written files.</param>
/// <param name="PartitionsOptimized">Partitions with at least one bin rewritten.</param>
/// <param name="NumBatches">Bins rewritten (each becomes one or more target-size files).</param>
/// <param name="TotalConsideredFiles">Live files in the partitions the filter selected.</param>
/// <param name="TotalFilesSkipped">Considered files left as they were.</param>
/// <param name="RowsRewritten">Rows read and written again.</param>
public sealed record OptimizeResult(CommitResult? Commit, long NumFilesRemoved, long NumFilesAdded, long BytesRemoved, long BytesAdded,
    long PartitionsOptimized, long NumBatches, long TotalConsideredFiles, long TotalFilesSkipped, long RowsRewritten);

public sealed partial class DeltaTable
{
    /// <summary>
    /// Compacts small files: per partition (only those matching <paramref name="partitionFilter"/>, which may name
    /// partition columns only), files smaller than the target size are packed into bins of at most the target size
    /// and each bin of two or more files (or one file with a deletion vector) is rewritten as target-size files.
    /// Removes and adds have dataChange=false, so the rows of every version read the same before and after, and
    /// concurrent appends do not conflict. The target is <paramref name="targetSize"/>, else the table's
    /// <c>delta.targetFileSize</c>, else 128 MiB. Nothing is committed when there is nothing to compact.
    /// </summary>
    public async Task<OptimizeResult> OptimizeAsync(Predicate? partitionFilter = null, long? targetSize = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var txn = await BeginTransactionAsync("OPTIMIZE", cancellationToken).ConfigureAwait(false);
        var snapshot = txn.ReadSnapshot!;
        if (partitionFilter is not null)
        {
            var bad = partitionFilter.Columns.Where(c => !snapshot.PartitionColumns.Contains(c)).ToList();
            if (bad.Count > 0)
                throw new ArgumentException($"{Location}: optimize filters may only name partition columns ({string.Join(", ", snapshot.PartitionColumns)}); " +
                    $"the filter names {string.Join(", ", bad)}.", nameof(partitionFilter));
        }
        long target = targetSize ?? (snapshot.Configuration.TryGetValue("delta.targetFileSize", out var t)
            && long.TryParse(t, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ts) && ts > 0 ? ts : 128L << 20);
        if (target <= 0) throw new ArgumentOutOfRangeException(nameof(targetSize), "The target size must be positive.");

        // Group the partition's small files into bins of at most the target size.
        var partitions = new Dictionary<string, List<AddFile>>(StringComparer.Ordinal);
        long considered = 0;
        foreach (var file in snapshot.Files)
        {
            if (partitionFilter is not null)
            {
                var values = snapshot.GetPartitionValues(file);
                if (partitionFilter.Evaluate(c => values.TryGetValue(c, out var v) ? v : Predicate.Unknown) != true) continue;
            }
            considered++;
            if (file.Size >= target && file.DeletionVector is null) continue;
            string key = string.Join("\0", snapshot.GetPartitionValues(file).Values.Select(v => v is null ? "\u0001" : Values.Show(v)));
            if (!partitions.TryGetValue(key, out var list)) partitions[key] = list = [];
            list.Add(file);
        }
        var bins = new List<List<AddFile>>();
        var binPartitions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (partitionKey, files) in partitions)
        {
            var packed = new List<List<AddFile>>();
            var current = new List<AddFile>();
            long size = 0;
            foreach (var f in files.OrderBy(f => f.ModificationTime).ThenBy(f => f.Path, StringComparer.Ordinal))
            {
                if (current.Count > 0 && size + f.Size > target)
                {
                    packed.Add(current);
                    current = [];
                    size = 0;
                }
                current.Add(f);
                size += f.Size;
            }
            if (current.Count > 0) packed.Add(current);
            packed.RemoveAll(b => b.Count == 1 && b[0].DeletionVector is null);
            if (packed.Count > 0) binPartitions.Add(partitionKey);
            bins.AddRange(packed);
        }
        long rewrittenFiles = bins.Sum(b => b.Count);
        if (bins.Count == 0)
            return new OptimizeResult(null, 0, 0, 0, 0, 0, 0, considered, considered, 0);

        var options = new WriteOptions { TargetFileSize = target };
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var added = new List<AddFile>();
        long rows = 0;
        foreach (var bin in bins)
        {
            await using var writer = new DataFileWriter(Store, snapshot.Schema, snapshot.PartitionColumns, snapshot.Configuration, options);
            foreach (var file in bin)
            {
                await foreach (var batch in snapshot.ReadFileAsync(file, snapshot.Schema.Fields, cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    rows += batch.RowCount;
                }
                txn.Add(file.ToRemove(now, dataChange: false));
            }
            added.AddRange((await writer.FinishAsync(cancellationToken).ConfigureAwait(false)).Select(a => a with { DataChange = false }));
        }
        var removed = bins.SelectMany(b => b).ToList();
        txn.ReadFiles(removed);
        txn.AddRange(added);
        long partitionsOptimized = binPartitions.Count;
        var result = new OptimizeResult(null, removed.Count, added.Count, removed.Sum(f => f.Size), added.Sum(f => f.Size),
            partitionsOptimized, bins.Count, considered, considered - rewrittenFiles, rows);

        if (partitionFilter is not null) txn.OperationParameters["predicate"] = new System.Text.Json.Nodes.JsonArray((System.Text.Json.Nodes.JsonNode?)partitionFilter.ToString()).ToJsonString();
        else txn.OperationParameters["predicate"] = "[]";
        txn.OperationParameters["targetSize"] = target.ToString(System.Globalization.CultureInfo.InvariantCulture);
        txn.OperationParameters["zOrderBy"] = "[]";
        txn.OperationMetrics["numFilesAdded"] = result.NumFilesAdded;
        txn.OperationMetrics["numFilesRemoved"] = result.NumFilesRemoved;
        txn.OperationMetrics["numAddedBytes"] = result.BytesAdded;
        txn.OperationMetrics["numRemovedBytes"] = result.BytesRemoved;
        txn.OperationMetrics["partitionsOptimized"] = result.PartitionsOptimized;
        txn.OperationMetrics["numBatches"] = result.NumBatches;
        txn.OperationMetrics["totalConsideredFiles"] = result.TotalConsideredFiles;
        txn.OperationMetrics["totalFilesSkipped"] = result.TotalFilesSkipped;
        txn.OperationMetrics["numRowsRewritten"] = rows;
        txn.OperationMetrics["executionTimeMs"] = clock.ElapsedMilliseconds;
        var commit = await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result with { Commit = commit };
    }
}
