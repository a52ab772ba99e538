using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// One node of the schema tree (thrift <c>SchemaElement</c>). The tree is stored flattened in depth-first
/// order: a group has <see cref="NumChildren"/> and no <see cref="Type"/>; a leaf has a <see cref="Type"/>.
/// </summary>
public sealed class SchemaElement
{
    /// <summary>Physical type; set on leaves only.</summary>
    public PhysicalType? Type { get; set; }

    /// <summary>Byte length of FIXED_LEN_BYTE_ARRAY values.</summary>
    public int? TypeLength { get; set; }

    /// <summary>Repetition; absent on the root.</summary>
    public FieldRepetitionType? RepetitionType { get; set; }

    /// <summary>Field name (required).</summary>
    public string Name { get; set; } = "";

    /// <summary>Number of children; set on groups only.</summary>
    public int? NumChildren { get; set; }

    /// <summary>Legacy annotation, superseded by <see cref="LogicalType"/>.</summary>
    public ConvertedType? ConvertedType { get; set; }

    /// <summary>Legacy DECIMAL scale.</summary>
    public int? Scale { get; set; }

    /// <summary>Legacy DECIMAL precision.</summary>
    public int? Precision { get; set; }

    /// <summary>Field id of the original schema (e.g. Iceberg or Delta column mapping).</summary>
    public int? FieldId { get; set; }

    public LogicalType? LogicalType { get; set; }

    internal static SchemaElement Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new SchemaElement();
        bool hasName = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.Type = (PhysicalType)r.ReadI32(); break;
                case 2 when f.Type == ThriftType.I32: result.TypeLength = r.ReadI32(); break;
                case 3 when f.Type == ThriftType.I32: result.RepetitionType = (FieldRepetitionType)r.ReadI32(); break;
                case 4 when f.Type == ThriftType.Binary: result.Name = r.ReadString(); hasName = true; break;
                case 5 when f.Type == ThriftType.I32: result.NumChildren = r.ReadI32(); break;
                case 6 when f.Type == ThriftType.I32: result.ConvertedType = (ConvertedType)r.ReadI32(); break;
                case 7 when f.Type == ThriftType.I32: result.Scale = r.ReadI32(); break;
                case 8 when f.Type == ThriftType.I32: result.Precision = r.ReadI32(); break;
                case 9 when f.Type == ThriftType.I32: result.FieldId = r.ReadI32(); break;
                case 10 when f.Type == ThriftType.Struct: result.LogicalType = LogicalType.Read(ref r); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasName) ThriftStructs.ThrowMissing(nameof(SchemaElement), "name", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        if (Type is { } type) w.WriteI32Field(1, (int)type);
        if (TypeLength is { } typeLength) w.WriteI32Field(2, typeLength);
        if (RepetitionType is { } repetition) w.WriteI32Field(3, (int)repetition);
        w.WriteStringField(4, ThriftStructs.NotNull(Name, "SchemaElement.Name"));
        if (NumChildren is { } numChildren) w.WriteI32Field(5, numChildren);
        if (ConvertedType is { } converted) w.WriteI32Field(6, (int)converted);
        if (Scale is { } scale) w.WriteI32Field(7, scale);
        if (Precision is { } precision) w.WriteI32Field(8, precision);
        if (FieldId is { } fieldId) w.WriteI32Field(9, fieldId);
        if (LogicalType is not null)
        {
            w.WriteFieldHeader(10, ThriftType.Struct);
            LogicalType.Write(w);
        }
        w.EndStruct();
    }
}
