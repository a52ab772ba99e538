using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// The logical type annotation of a schema element (the thrift <c>LogicalType</c> union). <see cref="Kind"/>
/// says which member is set; only the parameters of that member are meaningful. A member this codec does not
/// know is read without error: <see cref="Kind"/> then holds its raw field id and its content is skipped.
/// </summary>
public sealed class LogicalType
{
    /// <summary>Which union member is set.</summary>
    public LogicalTypeKind Kind { get; set; }

    /// <summary>DECIMAL: number of digits.</summary>
    public int Precision { get; set; }

    /// <summary>DECIMAL: digits after the decimal point.</summary>
    public int Scale { get; set; }

    /// <summary>TIME and TIMESTAMP: whether values are normalised to UTC.</summary>
    public bool IsAdjustedToUtc { get; set; }

    /// <summary>TIME and TIMESTAMP: the unit of the stored integers.</summary>
    public TimeUnit Unit { get; set; }

    /// <summary>INTEGER: 8, 16, 32 or 64.</summary>
    public int BitWidth { get; set; }

    /// <summary>INTEGER: whether the values are signed.</summary>
    public bool IsSigned { get; set; }

    public static LogicalType String() => new() { Kind = LogicalTypeKind.String };

    public static LogicalType Map() => new() { Kind = LogicalTypeKind.Map };

    public static LogicalType List() => new() { Kind = LogicalTypeKind.List };

    public static LogicalType Enum() => new() { Kind = LogicalTypeKind.Enum };

    public static LogicalType Decimal(int precision, int scale) =>
        new() { Kind = LogicalTypeKind.Decimal, Precision = precision, Scale = scale };

    public static LogicalType Date() => new() { Kind = LogicalTypeKind.Date };

    public static LogicalType Time(bool isAdjustedToUtc, TimeUnit unit) =>
        new() { Kind = LogicalTypeKind.Time, IsAdjustedToUtc = isAdjustedToUtc, Unit = unit };

    public static LogicalType Timestamp(bool isAdjustedToUtc, TimeUnit unit) =>
        new() { Kind = LogicalTypeKind.Timestamp, IsAdjustedToUtc = isAdjustedToUtc, Unit = unit };

    public static LogicalType Integer(int bitWidth, bool isSigned) =>
        new() { Kind = LogicalTypeKind.Integer, BitWidth = bitWidth, IsSigned = isSigned };

    /// <summary>The always-null type (thrift member UNKNOWN, struct NullType).</summary>
    public static LogicalType Unknown() => new() { Kind = LogicalTypeKind.Unknown };

    public static LogicalType Json() => new() { Kind = LogicalTypeKind.Json };

    public static LogicalType Bson() => new() { Kind = LogicalTypeKind.Bson };

    public static LogicalType Uuid() => new() { Kind = LogicalTypeKind.Uuid };

    public static LogicalType Float16() => new() { Kind = LogicalTypeKind.Float16 };

    /// <summary>A human-readable form, e.g. <c>DECIMAL(10,2)</c> or <c>TIMESTAMP(MICROS,utc)</c>.</summary>
    public override string ToString() => Kind switch
    {
        LogicalTypeKind.Decimal => $"DECIMAL({Precision},{Scale})",
        LogicalTypeKind.Time or LogicalTypeKind.Timestamp =>
            $"{KindName(Kind)}({UnitName(Unit)},{(IsAdjustedToUtc ? "utc" : "local")})",
        LogicalTypeKind.Integer => $"{(IsSigned ? "INT" : "UINT")}({BitWidth})",
        _ => KindName(Kind),
    };

    private static string KindName(LogicalTypeKind kind) =>
        System.Enum.IsDefined(kind) ? kind.ToString().ToUpperInvariant() : $"LOGICAL_TYPE_{(int)kind}";

    private static string UnitName(TimeUnit unit) =>
        System.Enum.IsDefined(unit) ? unit.ToString().ToUpperInvariant() : $"UNIT_{(int)unit}";

    internal static LogicalType Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new LogicalType();
        bool seen = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            if (seen)
            {
                ThriftCompactReader.ThrowFormat($"LogicalType union has a second member (field {f.Id})", start);
            }
            if (f.Type != ThriftType.Struct)
            {
                ThriftCompactReader.ThrowFormat($"LogicalType member {f.Id} is a {f.Type}, not a struct", start);
            }
            seen = true;
            result.Kind = (LogicalTypeKind)f.Id;
            switch (result.Kind)
            {
                case LogicalTypeKind.Decimal: result.ReadDecimal(ref r); break;
                case LogicalTypeKind.Time:
                case LogicalTypeKind.Timestamp: result.ReadTimeLike(ref r); break;
                case LogicalTypeKind.Integer: result.ReadInteger(ref r); break;
                default: r.Skip(ThriftType.Struct); break;
            }
        }
        r.EndStruct(saved);
        if (!seen) ThriftCompactReader.ThrowFormat("LogicalType union has no member set", start);
        return result;
    }

    private void ReadDecimal(ref ThriftCompactReader r)
    {
        int start = r.Position;
        bool hasScale = false, hasPrecision = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: Scale = r.ReadI32(); hasScale = true; break;
                case 2 when f.Type == ThriftType.I32: Precision = r.ReadI32(); hasPrecision = true; break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasScale) ThriftStructs.ThrowMissing("DecimalType", "scale", start);
        if (!hasPrecision) ThriftStructs.ThrowMissing("DecimalType", "precision", start);
    }

    private void ReadTimeLike(ref ThriftCompactReader r)
    {
        string name = Kind == LogicalTypeKind.Time ? "TimeType" : "TimestampType";
        int start = r.Position;
        bool hasUtc = false, hasUnit = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.Bool: IsAdjustedToUtc = r.ReadBool(); hasUtc = true; break;
                case 2 when f.Type == ThriftType.Struct: Unit = ReadTimeUnit(ref r); hasUnit = true; break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasUtc) ThriftStructs.ThrowMissing(name, "isAdjustedToUTC", start);
        if (!hasUnit) ThriftStructs.ThrowMissing(name, "unit", start);
    }

    // The TimeUnit union: member 1 MILLIS, 2 MICROS, 3 NANOS, each an empty struct.
    private static TimeUnit ReadTimeUnit(ref ThriftCompactReader r)
    {
        int start = r.Position;
        int member = -1;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            if (member >= 0) ThriftCompactReader.ThrowFormat($"TimeUnit union has a second member (field {f.Id})", start);
            member = f.Id;
            r.Skip(f.Type);
        }
        r.EndStruct(saved);
        if (member < 0) ThriftCompactReader.ThrowFormat("TimeUnit union has no member set", start);
        return (TimeUnit)(member - 1);
    }

    private void ReadInteger(ref ThriftCompactReader r)
    {
        int start = r.Position;
        bool hasWidth = false, hasSigned = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I8: BitWidth = r.ReadI8(); hasWidth = true; break;
                case 2 when f.Type == ThriftType.Bool: IsSigned = r.ReadBool(); hasSigned = true; break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasWidth) ThriftStructs.ThrowMissing("IntType", "bitWidth", start);
        if (!hasSigned) ThriftStructs.ThrowMissing("IntType", "isSigned", start);
    }

    internal void Write(ThriftCompactWriter w)
    {
        if ((int)Kind is <= 0 or > short.MaxValue)
        {
            throw new InvalidOperationException($"Cannot write LogicalType: kind {(int)Kind} is not a union member id.");
        }
        w.BeginStruct();
        w.BeginStructField((short)Kind);
        switch (Kind)
        {
            case LogicalTypeKind.Decimal:
                w.WriteI32Field(1, Scale);
                w.WriteI32Field(2, Precision);
                break;
            case LogicalTypeKind.Time:
            case LogicalTypeKind.Timestamp:
                if ((int)Unit is < 0 or >= short.MaxValue)
                {
                    throw new InvalidOperationException($"Cannot write LogicalType: time unit {(int)Unit} is out of range.");
                }
                w.WriteBoolField(1, IsAdjustedToUtc);
                w.BeginStructField(2);
                w.BeginStructField((short)((int)Unit + 1));
                w.EndStruct();
                w.EndStruct();
                break;
            case LogicalTypeKind.Integer:
                if (BitWidth is < sbyte.MinValue or > sbyte.MaxValue)
                {
                    throw new InvalidOperationException($"Cannot write LogicalType: bit width {BitWidth} does not fit in an i8.");
                }
                w.WriteI8Field(1, (sbyte)BitWidth);
                w.WriteBoolField(2, IsSigned);
                break;
        }
        w.EndStruct();
        w.EndStruct();
    }
}
