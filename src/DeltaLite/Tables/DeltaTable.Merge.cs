using System.Diagnostics;
using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Parquet;
using DeltaLite.Snapshots;
using DeltaLite.Transactions;
using DeltaLite.Writes;

namespace DeltaLite;

public sealed partial class DeltaTable
{
    /// <summary>
    /// Upserts <paramref name="source"/> by <paramref name="keyColumns"/>, as one commit: a source row whose key is in the
    /// table replaces the table's row(s) with that key, a source row with a new key is inserted, every other row stays.
    /// Copy-on-write: only files that can hold a source key (by partition values and key min/max statistics) are read,
    /// and only those that do hold one are rewritten. Source rows are written as they arrive; only the source keys are
    /// kept in memory (see <see cref="MergeKeys"/>: 12-32 bytes a row for an integer key, 100-200 for others). A source with
    /// two rows of one key is an error naming it; rows with a null key never match and are inserted.
    /// Deletion vectors of target files are honoured (deleted rows are neither matched nor copied).
    /// </summary>
    /// <exception cref="ArgumentException">No key columns, an unknown or non-primitive key column, or a duplicated source key.</exception>
    /// <exception cref="TableOperationException">The merge would replace rows of an append-only table.</exception>
    public async Task<CommitResult> MergeAsync(IAsyncEnumerable<RecordBatch> source, IReadOnlyList<string> keyColumns, MergeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new MergeOptions();
        var writeOptions = options.ToWriteOptions();
        if (keyColumns is null || keyColumns.Count == 0) throw new ArgumentException("A merge needs at least one key column.", nameof(keyColumns));
        if (keyColumns.Distinct(StringComparer.Ordinal).Count() != keyColumns.Count) throw new ArgumentException("A key column is listed twice.", nameof(keyColumns));
        var clock = Stopwatch.StartNew();
        var txn = await BeginTransactionAsync("MERGE", cancellationToken).ConfigureAwait(false);
        var snapshot = txn.ReadSnapshot!;
        if (options.ApplicationTransaction is var (appId, appVersion) && snapshot.GetTransactionVersion(appId) is long done && done >= appVersion)
            return new CommitResult(snapshot.Version, 0, snapshot.Timestamp, false) { Skipped = true };
        var keyFields = new List<Field>();
        foreach (var k in keyColumns)
        {
            int i = snapshot.Schema.IndexOf(k);
            if (i < 0)
                throw new ArgumentException($"{Location}: key column '{k}' is not in the table; its columns are {string.Join(", ", snapshot.Schema.Fields.Select(f => f.Name))}.", nameof(keyColumns));
            if (!snapshot.Schema[i].Type.IsPrimitive)
                throw new ArgumentException($"{Location}: key column '{k}' is {Schema.DeltaSchema.TypeName(snapshot.Schema[i].Type)}; key columns must be primitive.", nameof(keyColumns));
            keyFields.Add(snapshot.Schema[i]);
        }
        var keys = new MergeKeys(keyColumns, keyFields.Select(f => f.Type).ToList());

        SchemaAlignment? alignment = null;
        DataFileWriter? writer = null;
        try
        {
            // 1. Source rows go straight to new files (each one is either an update or an insert); keep only the keys.
            long sourceRows = 0;
            int[]? keyIndexes = null;
            await foreach (var batch in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (alignment is null)
                {
                    alignment = SchemaAlignment.Create(Location, snapshot.Schema, batch.Schema, options.MergeSchema, snapshot.PartitionColumns, snapshot.Configuration);
                    foreach (var k in keyColumns)
                        if (batch.Schema.IndexOf(k) < 0) throw new ArgumentException($"{Location}: the merge source has no key column '{k}'.", nameof(source));
                    writer = new DataFileWriter(Store, alignment.Target, snapshot.PartitionColumns, snapshot.Configuration, writeOptions);
                    keyIndexes = keyColumns.Select(k => alignment.Target.IndexOf(k)).ToArray();
                }
                if (batch.RowCount == 0) continue;
                foreach (var k in keyColumns)
                    if (batch.Schema.IndexOf(k) < 0) throw new ArgumentException($"{Location}: a batch of the merge source has no key column '{k}'.", nameof(source));
                var aligned = alignment.Apply(batch);
                keys.AddSource(keyIndexes!.Select(i => aligned.Columns[i]).ToArray(), aligned.RowCount);
                await writer!.WriteAsync(aligned, cancellationToken).ConfigureAwait(false);
                sourceRows += batch.RowCount;
            }
            var targetSchema = alignment?.Target ?? snapshot.Schema;
            writer ??= new DataFileWriter(Store, targetSchema, snapshot.PartitionColumns, snapshot.Configuration, writeOptions);

            // 2. Which files can hold a source key: partition values and key statistics against the sorted source keys.
            var candidates = new List<AddFile>();
            foreach (var file in snapshot.Files)
                if (MightHoldKey(snapshot, file, keys)) candidates.Add(file);
            txn.ReadFiles(candidates);
            if (keys.CoveringPredicate() is { } covering) txn.ReadRows(covering);

            // 3. Per candidate: find matching rows by reading the key columns only; rewrite the file without them.
            var toTarget = alignment?.SchemaChanged == true
                ? SchemaAlignment.Create(Location, targetSchema, snapshot.Schema, mergeSchema: false, snapshot.PartitionColumns)
                : null;
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long updated = 0, copied = 0, removedFiles = 0, removedBytes = 0;
            var matchedBuffer = Array.Empty<bool>();
            foreach (var file in candidates)
            {
                int matches = 0;
                await foreach (var b in snapshot.ReadFileAsync(file, keyFields, cancellationToken).ConfigureAwait(false))
                    matches += keys.CountMatches(b.Columns, b.RowCount);
                if (matches == 0) continue;
                CheckNotAppendOnly(snapshot);
                txn.Add(file.ToRemove(now));
                removedFiles++;
                removedBytes += file.Size;
                await foreach (var b in snapshot.ReadFileAsync(file, snapshot.Schema.Fields, cancellationToken).ConfigureAwait(false))
                {
                    if (matchedBuffer.Length < b.RowCount) matchedBuffer = new bool[b.RowCount];
                    var keyVectors = keyFields.Select(f => b.Columns[b.Schema.IndexOf(f.Name)]).ToArray();
                    int m = keys.MatchTarget(keyVectors, b.RowCount, matchedBuffer);
                    updated += m;
                    if (m == b.RowCount) continue;
                    var keep = new bool[b.RowCount];
                    for (int r = 0; r < keep.Length; r++) keep[r] = !matchedBuffer[r];
                    var rest = m == 0 ? b : VectorOps.Filter(b, keep);
                    copied += rest.RowCount;
                    await writer.WriteAsync(toTarget is null ? rest : toTarget.Apply(rest), cancellationToken).ConfigureAwait(false);
                }
            }

            var added = await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
            txn.AddRange(added);
            if (alignment?.SchemaChanged == true) txn.Add(alignment.UpdateMetadata(snapshot.Metadata));
            AddApplicationState(txn, snapshot, writeOptions);
            long inserted = sourceRows - keys.MatchedKeys;
            txn.OperationParameters["predicate"] = new JsonArray(keyColumns.Select(k => (JsonNode?)$"target.{k} = source.{k}").ToArray()).ToJsonString();
            txn.OperationParameters["matchedPredicates"] = """[{"actionType":"update"}]""";
            txn.OperationParameters["notMatchedPredicates"] = """[{"actionType":"insert"}]""";
            txn.OperationParameters["notMatchedBySourcePredicates"] = "[]";
            txn.OperationMetrics["numSourceRows"] = sourceRows;
            txn.OperationMetrics["numTargetRowsInserted"] = inserted;
            txn.OperationMetrics["numTargetRowsUpdated"] = updated;
            txn.OperationMetrics["numTargetRowsMatchedUpdated"] = updated;
            txn.OperationMetrics["numTargetRowsDeleted"] = 0;
            txn.OperationMetrics["numTargetRowsCopied"] = copied;
            txn.OperationMetrics["numOutputRows"] = sourceRows + copied;
            txn.OperationMetrics["numTargetFilesAdded"] = added.Count;
            txn.OperationMetrics["numTargetFilesRemoved"] = removedFiles;
            txn.OperationMetrics["numTargetBytesAdded"] = added.Sum(a => a.Size);
            txn.OperationMetrics["numTargetBytesRemoved"] = removedBytes;
            txn.OperationMetrics["numTargetFilesBeforeSkipping"] = snapshot.Files.Count;
            txn.OperationMetrics["numTargetFilesAfterSkipping"] = candidates.Count;
            txn.OperationMetrics["executionTimeMs"] = clock.ElapsedMilliseconds;
            if (writeOptions.CommitInfo is not null) foreach (var kv in writeOptions.CommitInfo) txn.ExtraCommitInfo[kv.Key] = kv.Value?.DeepClone();
            return await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="MergeAsync(IAsyncEnumerable{RecordBatch}, IReadOnlyList{string}, MergeOptions?, CancellationToken)"/>
    public Task<CommitResult> MergeAsync(IEnumerable<RecordBatch> source, IReadOnlyList<string> keyColumns, MergeOptions? options = null,
        CancellationToken cancellationToken = default) =>
        MergeAsync(source.ToAsyncEnumerable(), keyColumns, options, cancellationToken);

    private static bool MightHoldKey(Snapshot snapshot, AddFile file, MergeKeys keys)
    {
        if (keys.Count == 0) return false;
        var partition = snapshot.PartitionColumns.Count > 0 ? snapshot.GetPartitionValues(file) : null;
        var stats = snapshot.GetStatistics(file);
        return keys.MightContain(column =>
        {
            if (partition is not null && partition.TryGetValue(column, out var value))
                return value is null ? (true, null, null, true) : (true, value, value, false);
            if (stats is null) return (false, null, null, false);
            if (stats.NumRecords is long n && stats.NullCount(column) is long nulls && nulls >= n) return (true, null, null, true);
            var (min, max) = stats.Bounds(column);
            return (min is not null || max is not null, min, max, false);
        });
    }
}
