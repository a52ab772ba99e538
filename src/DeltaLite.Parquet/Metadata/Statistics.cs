using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// Statistics of a column chunk or a page (thrift <c>Statistics</c>). Bounds are PLAIN-encoded values
/// without a length prefix; <see cref="Min"/>/<see cref="Max"/> are the deprecated signed-order bounds,
/// <see cref="MinValue"/>/<see cref="MaxValue"/> follow the column's <see cref="ColumnOrder"/>.
/// </summary>
public sealed class Statistics
{
    /// <summary>Deprecated maximum (signed comparison).</summary>
    public byte[]? Max { get; set; }

    /// <summary>Deprecated minimum (signed comparison).</summary>
    public byte[]? Min { get; set; }

    /// <summary>Number of nulls; absent means unknown, not zero.</summary>
    public long? NullCount { get; set; }

    public long? DistinctCount { get; set; }

    /// <summary>Upper bound under the column order.</summary>
    public byte[]? MaxValue { get; set; }

    /// <summary>Lower bound under the column order.</summary>
    public byte[]? MinValue { get; set; }

    public bool? IsMaxValueExact { get; set; }

    public bool? IsMinValueExact { get; set; }

    /// <summary>Number of NaN values (floating point columns); absent means NaNs may be present.</summary>
    public long? NanCount { get; set; }

    internal static Statistics Read(ref ThriftCompactReader r)
    {
        var result = new Statistics();
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.Binary: result.Max = r.ReadBinaryArray(); break;
                case 2 when f.Type == ThriftType.Binary: result.Min = r.ReadBinaryArray(); break;
                case 3 when f.Type == ThriftType.I64: result.NullCount = r.ReadI64(); break;
                case 4 when f.Type == ThriftType.I64: result.DistinctCount = r.ReadI64(); break;
                case 5 when f.Type == ThriftType.Binary: result.MaxValue = r.ReadBinaryArray(); break;
                case 6 when f.Type == ThriftType.Binary: result.MinValue = r.ReadBinaryArray(); break;
                case 7 when f.Type == ThriftType.Bool: result.IsMaxValueExact = r.ReadBool(); break;
                case 8 when f.Type == ThriftType.Bool: result.IsMinValueExact = r.ReadBool(); break;
                case 9 when f.Type == ThriftType.I64: result.NanCount = r.ReadI64(); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        if (Max is not null) w.WriteBinaryField(1, Max);
        if (Min is not null) w.WriteBinaryField(2, Min);
        if (NullCount is { } nullCount) w.WriteI64Field(3, nullCount);
        if (DistinctCount is { } distinct) w.WriteI64Field(4, distinct);
        if (MaxValue is not null) w.WriteBinaryField(5, MaxValue);
        if (MinValue is not null) w.WriteBinaryField(6, MinValue);
        if (IsMaxValueExact is { } maxExact) w.WriteBoolField(7, maxExact);
        if (IsMinValueExact is { } minExact) w.WriteBoolField(8, minExact);
        if (NanCount is { } nanCount) w.WriteI64Field(9, nanCount);
        w.EndStruct();
    }
}
