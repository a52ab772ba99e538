using DeltaLite.Actions;
using DeltaLite.Parquet;

namespace DeltaLite.Diff;

/// <summary>
/// The rows that differ between two versions of a table. Rows of the files removed between the versions are
/// compared with rows of the files added, rows present on both sides cancel, and what is left is
/// <see cref="Removed"/> and <see cref="Added"/>. With key columns, a removed and an added row of the same key form a
/// change: <see cref="ChangedOld"/> and <see cref="ChangedNew"/> hold them row by row (row i of one with row i of the
/// other, counting across the batches). Every batch has <see cref="Schema"/>: the columns of the newer-numbered version
/// followed by any the other version has in addition.
/// </summary>
public sealed class TableDiff
{
    /// <summary>The name of the column <see cref="ToChangeBatches"/> puts first.</summary>
    public const string ChangeTypeColumn = "_change_type";

    /// <summary>The change types, named as in Delta's change data feed.</summary>
    public const string Insert = "insert", Delete = "delete", UpdatePreimage = "update_preimage", UpdatePostimage = "update_postimage";

    internal TableDiff(long fromVersion, long toVersion, IReadOnlyList<string> keyColumns, Parquet.Schema schema,
        IReadOnlyList<AddFile> filesRemoved, IReadOnlyList<AddFile> filesAdded,
        IReadOnlyList<RecordBatch> removed, IReadOnlyList<RecordBatch> added, IReadOnlyList<RecordBatch> changedOld, IReadOnlyList<RecordBatch> changedNew,
        long rowsCancelled)
    {
        FromVersion = fromVersion;
        ToVersion = toVersion;
        KeyColumns = keyColumns;
        Schema = schema;
        FilesRemoved = filesRemoved;
        FilesAdded = filesAdded;
        Removed = removed;
        Added = added;
        ChangedOld = changedOld;
        ChangedNew = changedNew;
        RowsCancelled = rowsCancelled;
    }

    public long FromVersion { get; }

    public long ToVersion { get; }

    /// <summary>The key columns (empty for a diff by rows only).</summary>
    public IReadOnlyList<string> KeyColumns { get; }

    public Parquet.Schema Schema { get; }

    /// <summary>Files live at <see cref="FromVersion"/> and not at <see cref="ToVersion"/> (a file whose deletion vector changed counts on both sides).</summary>
    public IReadOnlyList<AddFile> FilesRemoved { get; }

    /// <summary>Files live at <see cref="ToVersion"/> and not at <see cref="FromVersion"/>.</summary>
    public IReadOnlyList<AddFile> FilesAdded { get; }

    /// <summary>Rows of <see cref="FromVersion"/> that are not in <see cref="ToVersion"/> (and, with keys, whose key is not either).</summary>
    public IReadOnlyList<RecordBatch> Removed { get; }

    /// <summary>Rows of <see cref="ToVersion"/> that are not in <see cref="FromVersion"/> (and, with keys, whose key is not either).</summary>
    public IReadOnlyList<RecordBatch> Added { get; }

    /// <summary>With keys: the old values of changed rows, paired row by row with <see cref="ChangedNew"/>.</summary>
    public IReadOnlyList<RecordBatch> ChangedOld { get; }

    /// <summary>With keys: the new values of changed rows.</summary>
    public IReadOnlyList<RecordBatch> ChangedNew { get; }

    /// <summary>Rows that were in both removed and added files (rewritten unchanged) and so are no difference.</summary>
    public long RowsCancelled { get; }

    public long RemovedRows => Removed.Sum(b => (long)b.RowCount);

    public long AddedRows => Added.Sum(b => (long)b.RowCount);

    public long ChangedRows => ChangedOld.Sum(b => (long)b.RowCount);

    public bool IsEmpty => RemovedRows == 0 && AddedRows == 0 && ChangedRows == 0;

    /// <summary>
    /// Every difference as batches with a first column <c>_change_type</c>: "delete" for removed rows, then
    /// "update_preimage" and "update_postimage" for each changed row (old then new, adjacent), then "insert" for added
    /// rows. Ready to print as a table or as JSON lines (e.g. with <see cref="CanonicalJson"/>).
    /// </summary>
    public IEnumerable<RecordBatch> ToChangeBatches()
    {
        var schema = new Parquet.Schema(new[] { new Field(ChangeTypeColumn, DataType.String, false) }.Concat(Schema.Fields).ToArray());
        foreach (var b in Removed) yield return WithType(schema, b, Delete);
        var olds = Rows(ChangedOld).GetEnumerator();
        var news = Rows(ChangedNew).GetEnumerator();
        var pairs = new List<(RecordBatch Batch, int Row, string Type)>();
        while (olds.MoveNext() && news.MoveNext())
        {
            pairs.Add((olds.Current.Batch, olds.Current.Row, UpdatePreimage));
            pairs.Add((news.Current.Batch, news.Current.Row, UpdatePostimage));
            if (pairs.Count >= 65536) { yield return Build(schema, pairs); pairs.Clear(); }
        }
        if (pairs.Count > 0) yield return Build(schema, pairs);
        foreach (var b in Added) yield return WithType(schema, b, Insert);
    }

    private static IEnumerable<(RecordBatch Batch, int Row)> Rows(IReadOnlyList<RecordBatch> batches)
    {
        foreach (var b in batches)
            for (int r = 0; r < b.RowCount; r++) yield return (b, r);
    }

    private static RecordBatch WithType(Parquet.Schema schema, RecordBatch b, string type)
    {
        var builder = ColumnBuilder.Create(DataType.String);
        for (int r = 0; r < b.RowCount; r++) builder.Append(type);
        return new RecordBatch(schema, new[] { builder.Build() }.Concat(b.Columns).ToArray(), b.RowCount);
    }

    private static RecordBatch Build(Parquet.Schema schema, List<(RecordBatch Batch, int Row, string Type)> rows)
    {
        var builders = schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
        foreach (var (batch, row, type) in rows)
        {
            builders[0].Append(type);
            for (int c = 0; c < batch.Columns.Count; c++) builders[c + 1].Append(batch.Columns[c].GetValue(row));
        }
        return new RecordBatch(schema, builders.Select(b => b.Build()).ToArray(), rows.Count);
    }

    /// <summary>Gathers rows of <paramref name="batches"/> into batches of up to 65,536 rows, in the given order.</summary>
    internal static List<RecordBatch> Gather(Parquet.Schema schema, IReadOnlyList<RecordBatch> batches, IEnumerable<(int Batch, int Row)> rows)
    {
        var result = new List<RecordBatch>();
        ColumnBuilder[]? builders = null;
        int count = 0;
        foreach (var (b, r) in rows)
        {
            builders ??= schema.Fields.Select(f => ColumnBuilder.Create(f.Type)).ToArray();
            var batch = batches[b];
            for (int c = 0; c < builders.Length; c++) builders[c].Append(batch.Columns[c].GetValue(r));
            if (++count == 65536)
            {
                result.Add(new RecordBatch(schema, builders.Select(x => x.Build()).ToArray(), count));
                builders = null;
                count = 0;
            }
        }
        if (builders is not null && count > 0) result.Add(new RecordBatch(schema, builders.Select(x => x.Build()).ToArray(), count));
        return result;
    }
}
