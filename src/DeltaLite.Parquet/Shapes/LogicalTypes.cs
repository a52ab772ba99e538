using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Shapes;

/// <summary>Maps a leaf's physical type and its logical or legacy converted annotation to a <see cref="DataType"/>.</summary>
internal static class LogicalTypes
{
    public static DataType FromElement(SchemaElement e, string file, string column)
    {
        var physical = e.Type!.Value;
        var logical = e.LogicalType;
        var converted = e.ConvertedType;

        if (logical?.Kind == LogicalTypeKind.Decimal || (logical is null && converted == ConvertedType.Decimal))
        {
            int precision = logical?.Kind == LogicalTypeKind.Decimal ? logical.Precision : e.Precision ?? 0;
            int scale = logical?.Kind == LogicalTypeKind.Decimal ? logical.Scale : e.Scale ?? 0;
            if (precision is < 1 or > 38 || scale < 0 || scale > precision)
                throw new ParquetFormatException($"{file}: column '{column}' has an unsupported decimal({precision},{scale}).") { FilePath = file, Column = column };
            if (physical is not (PhysicalType.Int32 or PhysicalType.Int64 or PhysicalType.ByteArray or PhysicalType.FixedLenByteArray))
                throw new ParquetFormatException($"{file}: column '{column}' is a decimal stored as {physical}.") { FilePath = file, Column = column };
            return new DecimalType(precision, scale);
        }

        switch (physical)
        {
            case PhysicalType.Boolean: return DataType.Boolean;
            case PhysicalType.Float: return DataType.Float;
            case PhysicalType.Double: return DataType.Double;
            case PhysicalType.Int96: return new TimestampType(TimeUnit.Micros, false); // no UTC flag exists for INT96; DuckDB and Arrow read it as naive
            case PhysicalType.Int32:
                if (logical is not null)
                {
                    switch (logical.Kind)
                    {
                        case LogicalTypeKind.Integer: return IntegerType(logical.BitWidth, logical.IsSigned, 32, file, column);
                        case LogicalTypeKind.Date: return DataType.Date;
                        case LogicalTypeKind.Time when logical.Unit == TimeUnit.Millis: return new TimeType(TimeUnit.Millis);
                    }
                }
                return converted switch
                {
                    ConvertedType.Int8 => DataType.Int8,
                    ConvertedType.Int16 => DataType.Int16,
                    ConvertedType.Uint8 => DataType.UInt8,
                    ConvertedType.Uint16 => DataType.UInt16,
                    ConvertedType.Uint32 => DataType.UInt32,
                    ConvertedType.Date => DataType.Date,
                    ConvertedType.TimeMillis => new TimeType(TimeUnit.Millis),
                    _ => DataType.Int32,
                };
            case PhysicalType.Int64:
                if (logical is not null)
                {
                    switch (logical.Kind)
                    {
                        case LogicalTypeKind.Integer: return IntegerType(logical.BitWidth, logical.IsSigned, 64, file, column);
                        case LogicalTypeKind.Time: return new TimeType(logical.Unit);
                        case LogicalTypeKind.Timestamp: return new TimestampType(logical.Unit, logical.IsAdjustedToUtc);
                    }
                }
                return converted switch
                {
                    ConvertedType.Uint64 => DataType.UInt64,
                    ConvertedType.TimeMicros => new TimeType(TimeUnit.Micros),
                    ConvertedType.TimestampMillis => new TimestampType(TimeUnit.Millis, true),
                    ConvertedType.TimestampMicros => new TimestampType(TimeUnit.Micros, true),
                    _ => DataType.Int64,
                };
            case PhysicalType.ByteArray:
                if (logical?.Kind is LogicalTypeKind.String or LogicalTypeKind.Enum or LogicalTypeKind.Json) return DataType.String;
                if (logical is null && converted is ConvertedType.Utf8 or ConvertedType.Enum or ConvertedType.Json) return DataType.String;
                return DataType.Binary;
            case PhysicalType.FixedLenByteArray:
                int width = e.TypeLength ?? throw new ParquetFormatException($"{file}: column '{column}' is FIXED_LEN_BYTE_ARRAY without a type_length.") { FilePath = file, Column = column };
                if (width < 0) throw new ParquetFormatException($"{file}: column '{column}' has a negative type_length.") { FilePath = file, Column = column };
                if (logical?.Kind == LogicalTypeKind.Uuid && width == 16) return DataType.Uuid;
                if (logical?.Kind == LogicalTypeKind.Float16 && width == 2) return DataType.Float;
                return new FixedBinaryType(width);
            default:
                throw new ParquetFormatException($"{file}: column '{column}' has unknown physical type {(int)physical}.") { FilePath = file, Column = column };
        }
    }

    private static DataType IntegerType(int bits, bool signed, int physicalBits, string file, string column) => (bits, signed) switch
    {
        (8, true) => DataType.Int8,
        (16, true) => DataType.Int16,
        (32, true) => DataType.Int32,
        (64, true) when physicalBits == 64 => DataType.Int64,
        (8, false) => DataType.UInt8,
        (16, false) => DataType.UInt16,
        (32, false) => DataType.UInt32,
        (64, false) when physicalBits == 64 => DataType.UInt64,
        _ => throw new ParquetFormatException($"{file}: column '{column}' has an INTEGER({bits}, {(signed ? "signed" : "unsigned")}) annotation on a {physicalBits}-bit column.") { FilePath = file, Column = column },
    };
}
