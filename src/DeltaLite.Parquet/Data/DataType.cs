using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet;

/// <summary>The kind of values a column holds, independent of how Parquet stores them.</summary>
public enum TypeKind
{
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float,
    Double,
    Decimal,
    String,
    Binary,
    FixedBinary,
    Uuid,
    Date,
    Time,
    Timestamp,
    Struct,
    List,
    Map,
}

/// <summary>
/// A column's logical type. Values are stored in vectors as: bool, sbyte/short/int/long, byte/ushort/uint/ulong,
/// float, double; decimals as <see cref="Int128"/> unscaled values; strings and binaries as offsets + bytes;
/// dates as int days since 1970-01-01; times and timestamps as long counts of their unit since midnight / the epoch.
/// </summary>
public abstract record DataType
{
    public abstract TypeKind Kind { get; }

    public static readonly PrimitiveType Boolean = new(TypeKind.Boolean);
    public static readonly PrimitiveType Int8 = new(TypeKind.Int8);
    public static readonly PrimitiveType Int16 = new(TypeKind.Int16);
    public static readonly PrimitiveType Int32 = new(TypeKind.Int32);
    public static readonly PrimitiveType Int64 = new(TypeKind.Int64);
    public static readonly PrimitiveType UInt8 = new(TypeKind.UInt8);
    public static readonly PrimitiveType UInt16 = new(TypeKind.UInt16);
    public static readonly PrimitiveType UInt32 = new(TypeKind.UInt32);
    public static readonly PrimitiveType UInt64 = new(TypeKind.UInt64);
    public static readonly PrimitiveType Float = new(TypeKind.Float);
    public static readonly PrimitiveType Double = new(TypeKind.Double);
    public static readonly PrimitiveType String = new(TypeKind.String);
    public static readonly PrimitiveType Binary = new(TypeKind.Binary);
    public static readonly PrimitiveType Uuid = new(TypeKind.Uuid);
    public static readonly PrimitiveType Date = new(TypeKind.Date);

    /// <summary>True for types without children.</summary>
    public bool IsPrimitive => Kind is not (TypeKind.Struct or TypeKind.List or TypeKind.Map);
}

/// <summary>A type fully described by its kind (integers, floats, boolean, string, binary, uuid, date).</summary>
public sealed record PrimitiveType : DataType
{
    internal PrimitiveType(TypeKind kind) => Kind = kind;

    public override TypeKind Kind { get; }

    public override string ToString() => Kind.ToString().ToLowerInvariant();
}

/// <summary>Exact decimal with up to 38 digits, stored as an unscaled <see cref="Int128"/>.</summary>
public sealed record DecimalType : DataType
{
    public DecimalType(int precision, int scale)
    {
        if (precision is < 1 or > 38) throw new ArgumentOutOfRangeException(nameof(precision), precision, "Decimal precision must be 1..38.");
        if (scale < 0 || scale > precision) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Decimal scale must be 0..precision.");
        Precision = precision;
        Scale = scale;
    }

    public int Precision { get; }
    public int Scale { get; }
    public override TypeKind Kind => TypeKind.Decimal;
    public override string ToString() => $"decimal({Precision},{Scale})";
}

/// <summary>Binary values of one fixed width.</summary>
public sealed record FixedBinaryType(int ByteWidth) : DataType
{
    public override TypeKind Kind => TypeKind.FixedBinary;
    public override string ToString() => $"fixed_binary({ByteWidth})";
}

/// <summary>Time of day in <paramref name="Unit"/> since midnight.</summary>
public sealed record TimeType(TimeUnit Unit) : DataType
{
    public override TypeKind Kind => TypeKind.Time;
    public override string ToString() => $"time({Unit.ToString().ToLowerInvariant()})";
}

/// <summary>Instant (UTC-adjusted) or local date-time, as a count of <paramref name="Unit"/> since 1970-01-01T00:00.</summary>
public sealed record TimestampType(TimeUnit Unit, bool IsAdjustedToUtc) : DataType
{
    public static readonly TimestampType MicrosUtc = new(TimeUnit.Micros, true);
    public static readonly TimestampType MicrosLocal = new(TimeUnit.Micros, false);

    public override TypeKind Kind => TypeKind.Timestamp;
    public override string ToString() => $"timestamp({Unit.ToString().ToLowerInvariant()}{(IsAdjustedToUtc ? ", utc" : "")})";
}

/// <summary>A group of named fields.</summary>
public sealed record StructType : DataType
{
    public StructType(IReadOnlyList<Field> fields) => Fields = fields;

    public StructType(params Field[] fields) => Fields = fields;

    public IReadOnlyList<Field> Fields { get; }
    public override TypeKind Kind => TypeKind.Struct;

    /// <summary>Index of the field named <paramref name="name"/> (ordinal comparison), or -1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Fields.Count; i++) if (Fields[i].Name == name) return i;
        return -1;
    }

    public bool Equals(StructType? other) => other is not null && Fields.SequenceEqual(other.Fields);
    public override int GetHashCode() => Fields.Aggregate(17, (h, f) => HashCode.Combine(h, f));
    public override string ToString() => "struct<" + string.Join(", ", Fields) + ">";
}

/// <summary>A variable-length list of elements.</summary>
public sealed record ListType(Field Element) : DataType
{
    public ListType(DataType elementType, bool elementNullable = true) : this(new Field("element", elementType, elementNullable)) { }

    public override TypeKind Kind => TypeKind.List;
    public override string ToString() => $"list<{Element.Type}{(Element.Nullable ? "" : " not null")}>";
}

/// <summary>A map from keys (never null) to values.</summary>
public sealed record MapType(Field Key, Field Value) : DataType
{
    public MapType(DataType keyType, DataType valueType, bool valueNullable = true)
        : this(new Field("key", keyType, false), new Field("value", valueType, valueNullable)) { }

    public override TypeKind Kind => TypeKind.Map;
    public override string ToString() => $"map<{Key.Type}, {Value.Type}>";
}

/// <summary>A named, typed column or struct member.</summary>
public sealed record Field(string Name, DataType Type, bool Nullable = true)
{
    /// <summary>The Parquet field id, when the file has one (column mapping uses it).</summary>
    public int? FieldId { get; init; }

    /// <summary>Free-form field metadata (Delta keeps column mapping, comments and more here): key to raw JSON value.</summary>
    public FieldMetadata Metadata { get; init; } = FieldMetadata.Empty;

    public bool Equals(Field? other) =>
        other is not null && Name == other.Name && Type.Equals(other.Type) && Nullable == other.Nullable
        && FieldId == other.FieldId && Metadata.Equals(other.Metadata);

    public override int GetHashCode() => HashCode.Combine(Name, Type, Nullable, FieldId);

    public override string ToString() => $"{Name}: {Type}{(Nullable ? "" : " not null")}";
}

/// <summary>An immutable map from metadata keys to raw JSON values, compared by content.</summary>
public sealed class FieldMetadata : IEquatable<FieldMetadata>
{
    public static readonly FieldMetadata Empty = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    private readonly SortedDictionary<string, string> _values;

    private FieldMetadata(SortedDictionary<string, string> values) => _values = values;

    /// <summary>Builds metadata from key to raw JSON text (e.g. "\"a comment\"", "5", "{...}").</summary>
    public static FieldMetadata FromJson(IEnumerable<KeyValuePair<string, string>> rawJsonValues)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in rawJsonValues) d[kv.Key] = kv.Value;
        return d.Count == 0 ? Empty : new FieldMetadata(d);
    }

    public int Count => _values.Count;

    public IEnumerable<KeyValuePair<string, string>> RawJson => _values;

    public bool TryGetRawJson(string key, out string rawJson) => _values.TryGetValue(key, out rawJson!);

    /// <summary>A copy with <paramref name="key"/> set to the raw JSON <paramref name="rawJson"/>.</summary>
    public FieldMetadata With(string key, string rawJson)
    {
        var d = new SortedDictionary<string, string>(_values, StringComparer.Ordinal) { [key] = rawJson };
        return new FieldMetadata(d);
    }

    /// <summary>A copy without <paramref name="key"/>.</summary>
    public FieldMetadata Without(string key)
    {
        if (!_values.ContainsKey(key)) return this;
        var d = new SortedDictionary<string, string>(_values, StringComparer.Ordinal);
        d.Remove(key);
        return d.Count == 0 ? Empty : new FieldMetadata(d);
    }

    public bool Equals(FieldMetadata? other) => other is not null && _values.Count == other._values.Count && _values.SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as FieldMetadata);

    public override int GetHashCode() => _values.Count;
}
