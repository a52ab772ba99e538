using DeltaLite.Expressions;
using DeltaLite.Parquet;
using ParquetSchema = DeltaLite.Parquet.Schema;
using DeltaLite.Snapshots;

namespace DeltaLite.Cli.Commands;

/// <summary>Reading rows of a snapshot for export and show: the output schema, the expected count, a row limit.</summary>
internal static class TableRows
{
    /// <summary>The fields of the output, in output order (schema order when <paramref name="columns"/> is null).</summary>
    public static IReadOnlyList<Field> OutputFields(Snapshot snapshot, IReadOnlyList<string>? columns) =>
        columns is null ? snapshot.Schema.Fields : columns.Select(c => snapshot.Schema[snapshot.Schema.IndexOf(c)]).ToArray();

    /// <summary>The schema of the output without Delta's field metadata (column mapping ids and names) or field ids.</summary>
    public static ParquetSchema PlainSchema(IReadOnlyList<Field> fields) => new(fields.Select(PlainField).ToArray());

    private static Field PlainField(Field f) => new(f.Name, PlainType(f.Type), f.Nullable);

    private static DataType PlainType(DataType t) => t switch
    {
        StructType s => new StructType(s.Fields.Select(PlainField).ToArray()),
        ListType l => new ListType(PlainField(l.Element)),
        MapType m => new MapType(PlainField(m.Key), PlainField(m.Value)),
        _ => t,
    };

    /// <summary>The number of rows a read without filter returns, from the files' statistics; null when a file has none.</summary>
    public static long? CountFromStatistics(Snapshot snapshot, Predicate? filter)
    {
        if (filter is not null) return null;
        long total = 0;
        foreach (var f in snapshot.Files)
        {
            if (snapshot.GetStatistics(f)?.NumRecords is not long n) return null;
            total += n - (f.DeletionVector?.Cardinality ?? 0);
        }
        return total;
    }

    /// <summary>The rows of the snapshot, at most <paramref name="limit"/> of them.</summary>
    public static async IAsyncEnumerable<RecordBatch> ReadAsync(Snapshot snapshot, IReadOnlyList<string>? columns, Predicate? filter, long? limit,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long remaining = limit ?? long.MaxValue;
        if (remaining <= 0) yield break;
        await foreach (var batch in snapshot.ReadAsync(columns, filter, ct).ConfigureAwait(false))
        {
            if (batch.RowCount <= remaining)
            {
                remaining -= batch.RowCount;
                yield return batch;
            }
            else
            {
                yield return VectorOps.Slice(batch, 0, (int)remaining);
                remaining = 0;
            }
            if (remaining == 0) yield break;
        }
    }
}
