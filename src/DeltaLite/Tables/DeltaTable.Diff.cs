using DeltaLite.Actions;
using DeltaLite.Diff;
using DeltaLite.Parquet;
using DeltaLite.Schema;
using DeltaLite.Snapshots;

namespace DeltaLite;

public sealed partial class DeltaTable
{
    /// <summary>
    /// The rows added and removed between <paramref name="fromVersion"/> and <paramref name="toVersion"/> (either may be
    /// the larger): rows of the files live at one version and not the other, read with their deletion vectors, with
    /// rows present on both sides cancelled (so a compaction or a rewrite that kept a row shows nothing for it). With
    /// <paramref name="keyColumns"/>, a removed and an added row with the same key are one change (old and new values);
    /// rows with a null key never pair. The rows of the differing files are held in memory while the diff is built.
    /// </summary>
    public async Task<TableDiff> DiffAsync(long fromVersion, long toVersion, IReadOnlyList<string>? keyColumns = null, CancellationToken cancellationToken = default)
    {
        var from = await GetSnapshotAsync(fromVersion, cancellationToken).ConfigureAwait(false);
        var to = await GetSnapshotAsync(toVersion, cancellationToken).ConfigureAwait(false);
        keyColumns ??= [];
        foreach (var k in keyColumns)
        {
            if (to.Schema.IndexOf(k) < 0 || from.Schema.IndexOf(k) < 0)
                throw new ArgumentException($"{Location}: key column '{k}' is not in the table at both version {fromVersion} and version {toVersion}.", nameof(keyColumns));
        }

        var fromKeys = from.Files.Select(f => f.Key).ToHashSet();
        var toKeys = to.Files.Select(f => f.Key).ToHashSet();
        var filesRemoved = from.Files.Where(f => !toKeys.Contains(f.Key)).ToList();
        var filesAdded = to.Files.Where(f => !fromKeys.Contains(f.Key)).ToList();

        // The output schema: the "to" columns, then columns only the "from" version has.
        var fields = to.Schema.Fields.ToList();
        foreach (var f in from.Schema.Fields)
            if (to.Schema.IndexOf(f.Name) < 0) fields.Add(f with { Nullable = true });
        var schema = new Parquet.Schema(fields.Select(f => f with { Nullable = true }).ToArray());

        var removedBatches = await ReadAlignedAsync(from, filesRemoved, schema, cancellationToken).ConfigureAwait(false);
        var addedBatches = await ReadAlignedAsync(to, filesAdded, schema, cancellationToken).ConfigureAwait(false);

        // Cancel identical rows: index the removed side by row content, then walk the added side.
        var removedIndex = new Dictionary<string, Stack<(int, int)>>(StringComparer.Ordinal);
        for (int b = 0; b < removedBatches.Count; b++)
            for (int r = 0; r < removedBatches[b].RowCount; r++)
            {
                string row = CanonicalJson.RowToString(removedBatches[b], r);
                if (!removedIndex.TryGetValue(row, out var stack)) removedIndex[row] = stack = new Stack<(int, int)>();
                stack.Push((b, r));
            }
        var addedLeft = new List<(int Batch, int Row)>();
        long cancelled = 0;
        for (int b = 0; b < addedBatches.Count; b++)
            for (int r = 0; r < addedBatches[b].RowCount; r++)
            {
                string row = CanonicalJson.RowToString(addedBatches[b], r);
                if (removedIndex.TryGetValue(row, out var stack) && stack.Count > 0) { stack.Pop(); cancelled++; }
                else addedLeft.Add((b, r));
            }
        var removedLeft = removedIndex.Values.SelectMany(s => s).OrderBy(x => x.Item1).ThenBy(x => x.Item2).ToList();

        var changedOld = new List<(int, int)>();
        var changedNew = new List<(int, int)>();
        if (keyColumns.Count > 0)
        {
            var removedKeys = removedBatches.Select(b => b.Select(keyColumns)).ToList();
            var addedKeys = addedBatches.Select(b => b.Select(keyColumns)).ToList();
            var byKey = new Dictionary<string, Queue<(int, int)>>(StringComparer.Ordinal);
            var removedUnpaired = new List<(int, int)>();
            foreach (var (b, r) in removedLeft)
            {
                if (KeyText(removedKeys[b], r) is not string key) { removedUnpaired.Add((b, r)); continue; }
                if (!byKey.TryGetValue(key, out var q)) byKey[key] = q = new Queue<(int, int)>();
                q.Enqueue((b, r));
            }
            var addedUnpaired = new List<(int, int)>();
            foreach (var (b, r) in addedLeft)
            {
                if (KeyText(addedKeys[b], r) is string key && byKey.TryGetValue(key, out var q) && q.Count > 0)
                {
                    changedOld.Add(q.Dequeue());
                    changedNew.Add((b, r));
                }
                else addedUnpaired.Add((b, r));
            }
            removedUnpaired.AddRange(byKey.Values.SelectMany(q => q));
            removedLeft = removedUnpaired.OrderBy(x => x.Item1).ThenBy(x => x.Item2).ToList();
            addedLeft = addedUnpaired;
        }

        return new TableDiff(fromVersion, toVersion, keyColumns.ToList(), schema, filesRemoved, filesAdded,
            TableDiff.Gather(schema, removedBatches, removedLeft), TableDiff.Gather(schema, addedBatches, addedLeft),
            TableDiff.Gather(schema, removedBatches, changedOld), TableDiff.Gather(schema, addedBatches, changedNew), cancelled);
    }

    private static string? KeyText(RecordBatch keys, int row)
    {
        foreach (var v in keys.Columns) if (v.IsNull(row)) return null;
        return CanonicalJson.RowToString(keys, row);
    }

    /// <summary>Reads files of <paramref name="snapshot"/> as batches of <paramref name="schema"/> (missing columns null, types cast).</summary>
    private static async Task<List<RecordBatch>> ReadAlignedAsync(Snapshot snapshot, IReadOnlyList<AddFile> files, Parquet.Schema schema, CancellationToken ct)
    {
        var result = new List<RecordBatch>();
        foreach (var file in files)
        {
            await foreach (var b in snapshot.ReadFileAsync(file, snapshot.Schema.Fields, ct).ConfigureAwait(false))
            {
                if (b.RowCount == 0) continue;
                var columns = new ColumnVector[schema.Count];
                for (int c = 0; c < schema.Count; c++)
                {
                    var field = schema[c];
                    int i = b.Schema.IndexOf(field.Name);
                    if (i < 0) columns[c] = ConstantVectors.Nulls(field.Type, b.RowCount);
                    else if (b.Schema[i].Type.Equals(field.Type)) columns[c] = b.Columns[i];
                    else columns[c] = ColumnCast.Cast(b.Columns[i], field.Type, field.Name);
                }
                result.Add(new RecordBatch(schema, columns, b.RowCount));
            }
        }
        return result;
    }
}
