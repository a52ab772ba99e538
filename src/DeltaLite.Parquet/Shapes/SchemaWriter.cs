using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Shapes;

/// <summary>Lays out a logical schema as thrift schema elements, with both logical and legacy converted annotations.</summary>
internal static class SchemaWriter
{
    public static List<SchemaElement> ToElements(Parquet.Schema schema)
    {
        var list = new List<SchemaElement> { new() { Name = "schema", NumChildren = schema.Count } };
        foreach (var f in schema.Fields) Add(list, f, f.Nullable ? FieldRepetitionType.Optional : FieldRepetitionType.Required);
        return list;
    }

    /// <summary>Physical storage of a decimal of this precision: INT32 up to 9 digits, INT64 up to 18, else fixed bytes.</summary>
    public static PhysicalType DecimalPhysical(int precision) =>
        precision <= 9 ? PhysicalType.Int32 : precision <= 18 ? PhysicalType.Int64 : PhysicalType.FixedLenByteArray;

    /// <summary>Smallest number of bytes whose two's complement holds every unscaled value of this precision.</summary>
    public static int DecimalByteWidth(int precision)
    {
        var max = DecimalBuilder.Pow10(precision) - 1;
        for (int bytes = 1; bytes <= 16; bytes++)
            if (max <= (Int128.One << (8 * bytes - 1)) - 1) return bytes;
        return 16;
    }

    private static void Add(List<SchemaElement> list, Field f, FieldRepetitionType repetition)
    {
        switch (f.Type)
        {
            case StructType s:
                list.Add(new SchemaElement { Name = f.Name, RepetitionType = repetition, NumChildren = s.Fields.Count, FieldId = f.FieldId });
                foreach (var c in s.Fields) Add(list, c, c.Nullable ? FieldRepetitionType.Optional : FieldRepetitionType.Required);
                break;
            case ListType l:
                list.Add(new SchemaElement
                {
                    Name = f.Name, RepetitionType = repetition, NumChildren = 1, FieldId = f.FieldId,
                    ConvertedType = ConvertedType.List, LogicalType = new LogicalType { Kind = LogicalTypeKind.List },
                });
                list.Add(new SchemaElement { Name = "list", RepetitionType = FieldRepetitionType.Repeated, NumChildren = 1 });
                Add(list, l.Element with { Name = "element" }, l.Element.Nullable ? FieldRepetitionType.Optional : FieldRepetitionType.Required);
                break;
            case MapType m:
                list.Add(new SchemaElement
                {
                    Name = f.Name, RepetitionType = repetition, NumChildren = 1, FieldId = f.FieldId,
                    ConvertedType = ConvertedType.Map, LogicalType = new LogicalType { Kind = LogicalTypeKind.Map },
                });
                list.Add(new SchemaElement { Name = "key_value", RepetitionType = FieldRepetitionType.Repeated, NumChildren = 2 });
                Add(list, m.Key with { Name = "key" }, FieldRepetitionType.Required);
                Add(list, m.Value with { Name = "value" }, m.Value.Nullable ? FieldRepetitionType.Optional : FieldRepetitionType.Required);
                break;
            default:
                var e = Leaf(f.Type);
                e.Name = f.Name;
                e.RepetitionType = repetition;
                e.FieldId = f.FieldId;
                list.Add(e);
                break;
        }
    }

    private static SchemaElement Leaf(DataType type)
    {
        static SchemaElement Int(PhysicalType p, int bits, bool signed, ConvertedType? c) => new()
        {
            Type = p, ConvertedType = c,
            LogicalType = new LogicalType { Kind = LogicalTypeKind.Integer, BitWidth = bits, IsSigned = signed },
        };

        switch (type)
        {
            case DecimalType d:
                var phys = DecimalPhysical(d.Precision);
                return new SchemaElement
                {
                    Type = phys,
                    TypeLength = phys == PhysicalType.FixedLenByteArray ? DecimalByteWidth(d.Precision) : null,
                    ConvertedType = ConvertedType.Decimal, Precision = d.Precision, Scale = d.Scale,
                    LogicalType = new LogicalType { Kind = LogicalTypeKind.Decimal, Precision = d.Precision, Scale = d.Scale },
                };
            case FixedBinaryType fb:
                return new SchemaElement { Type = PhysicalType.FixedLenByteArray, TypeLength = fb.ByteWidth };
            case TimeType t:
                return new SchemaElement
                {
                    Type = t.Unit == TimeUnit.Millis ? PhysicalType.Int32 : PhysicalType.Int64,
                    ConvertedType = t.Unit switch { TimeUnit.Millis => ConvertedType.TimeMillis, TimeUnit.Micros => ConvertedType.TimeMicros, _ => null },
                    LogicalType = new LogicalType { Kind = LogicalTypeKind.Time, Unit = t.Unit, IsAdjustedToUtc = false },
                };
            case TimestampType ts:
                return new SchemaElement
                {
                    Type = PhysicalType.Int64,
                    ConvertedType = !ts.IsAdjustedToUtc ? null : ts.Unit switch { TimeUnit.Millis => ConvertedType.TimestampMillis, TimeUnit.Micros => ConvertedType.TimestampMicros, _ => null },
                    LogicalType = new LogicalType { Kind = LogicalTypeKind.Timestamp, Unit = ts.Unit, IsAdjustedToUtc = ts.IsAdjustedToUtc },
                };
        }
        return type.Kind switch
        {
            TypeKind.Boolean => new SchemaElement { Type = PhysicalType.Boolean },
            TypeKind.Int8 => Int(PhysicalType.Int32, 8, true, ConvertedType.Int8),
            TypeKind.Int16 => Int(PhysicalType.Int32, 16, true, ConvertedType.Int16),
            TypeKind.Int32 => new SchemaElement { Type = PhysicalType.Int32 },
            TypeKind.Int64 => new SchemaElement { Type = PhysicalType.Int64 },
            TypeKind.UInt8 => Int(PhysicalType.Int32, 8, false, ConvertedType.Uint8),
            TypeKind.UInt16 => Int(PhysicalType.Int32, 16, false, ConvertedType.Uint16),
            TypeKind.UInt32 => Int(PhysicalType.Int32, 32, false, ConvertedType.Uint32),
            TypeKind.UInt64 => Int(PhysicalType.Int64, 64, false, ConvertedType.Uint64),
            TypeKind.Float => new SchemaElement { Type = PhysicalType.Float },
            TypeKind.Double => new SchemaElement { Type = PhysicalType.Double },
            TypeKind.String => new SchemaElement { Type = PhysicalType.ByteArray, ConvertedType = ConvertedType.Utf8, LogicalType = new LogicalType { Kind = LogicalTypeKind.String } },
            TypeKind.Binary => new SchemaElement { Type = PhysicalType.ByteArray },
            TypeKind.Uuid => new SchemaElement { Type = PhysicalType.FixedLenByteArray, TypeLength = 16, LogicalType = new LogicalType { Kind = LogicalTypeKind.Uuid } },
            TypeKind.Date => new SchemaElement { Type = PhysicalType.Int32, ConvertedType = ConvertedType.Date, LogicalType = new LogicalType { Kind = LogicalTypeKind.Date } },
            _ => throw new NotSupportedException($"Type {type} cannot be written to Parquet."),
        };
    }
}
