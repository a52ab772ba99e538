namespace DeltaLite.Parquet;

/// <summary>A set of rows in columnar form: one vector per top-level field of <see cref="Schema"/>, all of <see cref="RowCount"/> values.</summary>
public sealed class RecordBatch
{
    public RecordBatch(Schema schema, IReadOnlyList<ColumnVector> columns, int rowCount)
    {
        if (columns.Count != schema.Count) throw new ArgumentException($"{columns.Count} columns for {schema.Count} fields.", nameof(columns));
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Length != rowCount)
                throw new ArgumentException($"Column '{schema[i].Name}' has {columns[i].Length} values; the batch has {rowCount} rows.", nameof(columns));
        }
        Schema = schema;
        Columns = columns;
        RowCount = rowCount;
    }

    public Schema Schema { get; }

    public IReadOnlyList<ColumnVector> Columns { get; }

    public int RowCount { get; }

    public ColumnVector Column(string name)
    {
        int i = Schema.IndexOf(name);
        if (i < 0) throw new KeyNotFoundException($"The batch has no column '{name}'.");
        return Columns[i];
    }

    /// <summary>A batch holding only the named columns, in the given order.</summary>
    public RecordBatch Select(IEnumerable<string> names)
    {
        var fields = new List<Field>();
        var cols = new List<ColumnVector>();
        foreach (var n in names)
        {
            int i = Schema.IndexOf(n);
            if (i < 0) throw new KeyNotFoundException($"The batch has no column '{n}'.");
            fields.Add(Schema[i]);
            cols.Add(Columns[i]);
        }
        return new RecordBatch(new Schema(fields), cols, RowCount);
    }
}
