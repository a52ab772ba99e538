using DeltaLite.Parquet;
using DeltaLite.Schema;

namespace DeltaLite.Writes;

/// <summary>Fits incoming batches to a table schema: by name, casting where allowed, nulls for missing nullable columns.</summary>
internal sealed class SchemaAlignment
{
    private readonly (int Source, DataType? CastFrom)[] _plan;

    private readonly string _table;
    private readonly IReadOnlyList<string> _partitionColumns;

    private SchemaAlignment(string table, Parquet.Schema source, Parquet.Schema target, (int, DataType?)[] plan, bool changed, int? maxColumnId,
        IReadOnlyList<string> partitionColumns)
    {
        _table = table;
        Source = source;
        Target = target;
        _plan = plan;
        SchemaChanged = changed;
        MaxColumnId = maxColumnId;
        _partitionColumns = partitionColumns;
    }

    /// <summary>The schema of the data this alignment was made for.</summary>
    public Parquet.Schema Source { get; }

    /// <summary>With column mapping, the highest column id after new columns got theirs (null when unchanged).</summary>
    public int? MaxColumnId { get; }

    /// <summary>The table metadata with the merged schema (and column mapping's max id), for the write's commit.</summary>
    public Actions.MetadataAction UpdateMetadata(Actions.MetadataAction metadata)
    {
        var updated = metadata with { SchemaString = DeltaSchema.ToJson(Target) };
        if (MaxColumnId is int id)
        {
            var config = new Dictionary<string, string>(metadata.Configuration, StringComparer.Ordinal)
            {
                ["delta.columnMapping.maxColumnId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            updated = updated with { Configuration = config };
        }
        return updated;
    }

    /// <summary>
    /// The alignment for a batch: this one when the batch has the schema it was made for, else a new one that fits
    /// the batch to <see cref="Target"/> (a later batch may not add columns of its own: the files are already open).
    /// </summary>
    public SchemaAlignment For(Parquet.Schema batchSchema)
    {
        if (batchSchema.Equals(Source)) return this;
        var next = Create(_table, Target, batchSchema, mergeSchema: false, _partitionColumns);
        return new SchemaAlignment(_table, batchSchema, Target, next._plan, SchemaChanged, MaxColumnId, _partitionColumns);
    }

    /// <summary>The table schema after the write (with merged columns when allowed).</summary>
    public Parquet.Schema Target { get; }

    public bool SchemaChanged { get; }

    public static SchemaAlignment Create(string table, Parquet.Schema tableSchema, Parquet.Schema data, bool mergeSchema, IReadOnlyList<string> partitionColumns,
        IReadOnlyDictionary<string, string>? configuration = null)
    {
        var mode = configuration is null ? ColumnMappingMode.None : DeltaSchema.ParseColumnMappingMode(configuration);
        int nextId = 0;
        if (mode != ColumnMappingMode.None)
        {
            nextId = configuration!.TryGetValue("delta.columnMapping.maxColumnId", out var m)
                && int.TryParse(m, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            nextId = Math.Max(nextId, MaxId(tableSchema.Fields));
        }
        int firstId = nextId;
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
            var added = f with { Nullable = true };
            if (mode != ColumnMappingMode.None) added = DeltaTable.AssignMapping(StripMapping(added), ref nextId);
            fields.Add(added);
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
        return new SchemaAlignment(table, data, target, plan, changed, nextId != firstId ? nextId : null, partitionColumns);
    }

    private static int MaxId(IEnumerable<Field> fields)
    {
        int max = 0;
        foreach (var f in fields)
        {
            if (DeltaSchema.GetColumnMappingId(f) is int id) max = Math.Max(max, id);
            if (f.Type is StructType s) max = Math.Max(max, MaxId(s.Fields));
        }
        return max;
    }

    /// <summary>A data field without column mapping metadata of its own (a new column gets fresh ids and names).</summary>
    private static Field StripMapping(Field f) => f with
    {
        Type = f.Type is StructType s ? new StructType(s.Fields.Select(StripMapping).ToArray()) : f.Type,
        Metadata = f.Metadata.Without("delta.columnMapping.id").Without("delta.columnMapping.physicalName"),
    };

    public RecordBatch Apply(RecordBatch batch)
    {
        if (!batch.Schema.Equals(Source)) return For(batch.Schema).Apply(batch);
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
