using DeltaLite.Parquet;
using DeltaLite.Schema;

namespace DeltaLite.Writes;

/// <summary>Fits incoming batches to a table schema: by name, casting where allowed, nulls for missing nullable columns.</summary>
internal sealed class SchemaAlignment
{
    private readonly (int Source, DataType? CastFrom)[] _plan;

    private SchemaAlignment(Parquet.Schema target, (int, DataType?)[] plan, bool changed)
    {
        Target = target;
        _plan = plan;
        SchemaChanged = changed;
    }

    /// <summary>The table schema after the write (with merged columns when allowed).</summary>
    public Parquet.Schema Target { get; }

    public bool SchemaChanged { get; }

    public static SchemaAlignment Create(string table, Parquet.Schema tableSchema, Parquet.Schema data, bool mergeSchema, IReadOnlyList<string> partitionColumns)
    {
        var problems = new List<string>();
        var fields = tableSchema.Fields.ToList();
        bool changed = false;
        foreach (var f in data.Fields)
        {
            int i = tableSchema.IndexOf(f.Name);
            if (i >= 0)
            {
                var t = tableSchema[i];
                if (!t.Type.Equals(f.Type) && !ColumnCast.CanCast(f.Type, t.Type))
                    problems.Add($"column '{f.Name}' is {DeltaSchema.TypeName(f.Type)} in the data but {DeltaSchema.TypeName(t.Type)} in the table");
                continue;
            }
            var ci = tableSchema.Fields.FirstOrDefault(x => string.Equals(x.Name, f.Name, StringComparison.OrdinalIgnoreCase));
            if (ci is not null) { problems.Add($"column '{f.Name}' differs only in case from the table's '{ci.Name}'"); continue; }
            if (!mergeSchema) { problems.Add($"column '{f.Name}' ({DeltaSchema.TypeName(f.Type)}) is not in the table (allow new columns with the merge-schema option)"); continue; }
            fields.Add(f with { Nullable = true });
            changed = true;
        }
        foreach (var t in tableSchema.Fields)
            if (data.IndexOf(t.Name) < 0 && !t.Nullable && !partitionColumns.Contains(t.Name))
                problems.Add($"column '{t.Name}' is missing from the data and is not nullable in the table");
        foreach (var p in partitionColumns)
            if (data.IndexOf(p) < 0) problems.Add($"partition column '{p}' is missing from the data");
        if (problems.Count > 0) throw new SchemaMismatchException(table, problems);

        var target = new Parquet.Schema(fields);
        var plan = target.Fields.Select(t =>
        {
            int s = data.IndexOf(t.Name);
            return (s, s >= 0 && !data[s].Type.Equals(t.Type) ? data[s].Type : (DataType?)null);
        }).ToArray();
        return new SchemaAlignment(target, plan, changed);
    }

    public RecordBatch Apply(RecordBatch batch)
    {
        var columns = new ColumnVector[Target.Count];
        for (int i = 0; i < columns.Length; i++)
        {
            var (source, castFrom) = _plan[i];
            var field = Target[i];
            if (source < 0) columns[i] = ConstantVectors.Nulls(field.Type, batch.RowCount);
            else if (castFrom is null) columns[i] = batch.Columns[source];
            else columns[i] = ColumnCast.Cast(batch.Columns[source], field.Type, field.Name);
        }
        return new RecordBatch(Target, columns, batch.RowCount);
    }
}
