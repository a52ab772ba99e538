namespace DeltaLite.Parquet;

/// <summary>The top-level fields of a file or batch.</summary>
public sealed class Schema : IEquatable<Schema>
{
    private readonly Dictionary<string, int> _index;

    public Schema(IReadOnlyList<Field> fields)
    {
        Fields = fields;
        _index = new Dictionary<string, int>(fields.Count, StringComparer.Ordinal);
        for (int i = 0; i < fields.Count; i++) _index.TryAdd(fields[i].Name, i);
    }

    public Schema(params Field[] fields) : this((IReadOnlyList<Field>)fields) { }

    public IReadOnlyList<Field> Fields { get; }

    public int Count => Fields.Count;

    public Field this[int index] => Fields[index];

    /// <summary>Index of the top-level field named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>As a struct type, e.g. to nest it.</summary>
    public StructType AsStruct() => new(Fields);

    public bool Equals(Schema? other) => other is not null && Fields.SequenceEqual(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as Schema);
    public override int GetHashCode() => Fields.Aggregate(17, (h, f) => HashCode.Combine(h, f));
    public override string ToString() => string.Join(Environment.NewLine, Fields);
}
