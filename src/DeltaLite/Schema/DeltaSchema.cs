using System.Globalization;
using System.Text;
using DeltaLite.Parquet;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Schema;

/// <summary>
/// The Delta table schema (PROTOCOL.md "Schema Serialization Format") in the codec's types: parse the
/// <c>metaData.schemaString</c> JSON, write it back exactly as Spark does, name types, and apply column mapping.
/// </summary>
/// <remarks>
/// Type mapping: string → <see cref="DataType.String"/>, long/integer/short/byte → Int64/Int32/Int16/Int8,
/// float/double, decimal(p,s) → <see cref="DecimalType"/>, boolean, binary, date, timestamp →
/// <c>TimestampType(Micros, true)</c>, timestamp_ntz → <c>TimestampType(Micros, false)</c>, struct →
/// <see cref="StructType"/>, array → <see cref="ListType"/> (element field "element"), map → <see cref="MapType"/>
/// (fields "key", never null, and "value"). Field metadata is kept as raw JSON per key.
/// </remarks>
public static partial class DeltaSchema
{
    /// <summary>The field metadata key of a column's physical name under column mapping.</summary>
    public const string PhysicalNameKey = "delta.columnMapping.physicalName";

    /// <summary>The field metadata key of a column's id under column mapping.</summary>
    public const string ColumnIdKey = "delta.columnMapping.id";

    /// <summary>The table property that selects the column mapping mode.</summary>
    public const string ColumnMappingModeProperty = "delta.columnMapping.mode";

    /// <summary>
    /// The Delta name of a type, for messages and <c>describe</c>: "long", "decimal(10,2)", "timestamp_ntz",
    /// "array&lt;string&gt;", "map&lt;string,integer&gt;", "struct&lt;a:integer,b:string&gt;". Types a Delta schema
    /// cannot hold (what a Parquet file may contain) get descriptive names: "uint32", "timestamp(millis, utc)",
    /// "time(micros)", "fixed_binary(16)", "uuid".
    /// </summary>
    public static string TypeName(DataType type)
    {
        var sb = new StringBuilder();
        AppendTypeName(sb, type);
        return sb.ToString();
    }

    private static void AppendTypeName(StringBuilder sb, DataType type)
    {
        switch (type)
        {
            case StructType s:
                sb.Append("struct<");
                for (int i = 0; i < s.Fields.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(s.Fields[i].Name).Append(':');
                    AppendTypeName(sb, s.Fields[i].Type);
                    if (!s.Fields[i].Nullable) sb.Append(" not null");
                }
                sb.Append('>');
                break;
            case ListType l:
                sb.Append("array<");
                AppendTypeName(sb, l.Element.Type);
                sb.Append('>');
                break;
            case MapType m:
                sb.Append("map<");
                AppendTypeName(sb, m.Key.Type);
                sb.Append(',');
                AppendTypeName(sb, m.Value.Type);
                sb.Append('>');
                break;
            case DecimalType d:
                sb.Append("decimal(").Append(d.Precision.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append(d.Scale.ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            case TimestampType t when t.Unit == Parquet.Metadata.TimeUnit.Micros:
                sb.Append(t.IsAdjustedToUtc ? "timestamp" : "timestamp_ntz");
                break;
            case TimestampType t:
                sb.Append("timestamp(").Append(UnitName(t.Unit)).Append(t.IsAdjustedToUtc ? ", utc)" : ")");
                break;
            case TimeType t:
                sb.Append("time(").Append(UnitName(t.Unit)).Append(')');
                break;
            case FixedBinaryType f:
                sb.Append("fixed_binary(").Append(f.ByteWidth.ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            default:
                sb.Append(PrimitiveName(type) ?? type.Kind.ToString().ToLowerInvariant());
                break;
        }
    }

    private static string UnitName(Parquet.Metadata.TimeUnit unit) => unit switch
    {
        Parquet.Metadata.TimeUnit.Millis => "millis",
        Parquet.Metadata.TimeUnit.Micros => "micros",
        _ => "nanos",
    };

    /// <summary>The Delta name of a primitive type a Delta schema can hold, or null.</summary>
    internal static string? PrimitiveName(DataType type) => type switch
    {
        DecimalType d => string.Create(CultureInfo.InvariantCulture, $"decimal({d.Precision},{d.Scale})"),
        TimestampType { Unit: Parquet.Metadata.TimeUnit.Micros } t => t.IsAdjustedToUtc ? "timestamp" : "timestamp_ntz",
        PrimitiveType p => p.Kind switch
        {
            TypeKind.String => "string",
            TypeKind.Int64 => "long",
            TypeKind.Int32 => "integer",
            TypeKind.Int16 => "short",
            TypeKind.Int8 => "byte",
            TypeKind.Float => "float",
            TypeKind.Double => "double",
            TypeKind.Boolean => "boolean",
            TypeKind.Binary => "binary",
            TypeKind.Date => "date",
            _ => null,
        },
        _ => null,
    };

    /// <summary>The path of a child field, for messages: "a", "a.b", "`x.y`.b".</summary>
    internal static string ChildPath(string parent, string name)
    {
        string part = name.Contains('.') || name.Contains('`') || name.Length == 0 ? "`" + name.Replace("`", "``") + "`" : name;
        return parent.Length == 0 ? part : parent + "." + part;
    }

    /// <summary>An exception to throw, naming <paramref name="path"/>.</summary>
    internal static DeltaSchemaException Error(string path, string message, Exception? inner = null) =>
        new(message, path, inner);

    /// <summary>The schema as a struct type, e.g. to cast a whole batch.</summary>
    internal static StructType AsStruct(ParquetSchema schema) => new(schema.Fields);
}
