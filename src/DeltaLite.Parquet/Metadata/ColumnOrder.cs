using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// The order used by a leaf column's min/max statistics (the thrift <c>ColumnOrder</c> union).
/// Member 1 is TYPE_ORDER (the order defined by the logical or physical type); members added later
/// (2 IEEE_754_TOTAL_ORDER, 3 INT96_TIMESTAMP_ORDER, or others) are kept by id in <see cref="OrderId"/>.
/// </summary>
public sealed class ColumnOrder
{
    /// <summary>Field id of the union member that is set; 0 when the union was empty.</summary>
    public int OrderId { get; set; } = 1;

    /// <summary>Whether the order is TYPE_ORDER. Setting false on a TYPE_ORDER value leaves no member set.</summary>
    public bool IsTypeDefinedOrder
    {
        get => OrderId == 1;
        set
        {
            if (value) OrderId = 1;
            else if (OrderId == 1) OrderId = 0;
        }
    }

    /// <summary>A TYPE_ORDER column order.</summary>
    public static ColumnOrder TypeDefined() => new() { OrderId = 1 };

    internal static ColumnOrder Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new ColumnOrder { OrderId = 0 };
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            if (result.OrderId != 0)
            {
                ThriftCompactReader.ThrowFormat($"ColumnOrder union has a second member (field {f.Id})", start);
            }
            result.OrderId = f.Id;
            r.Skip(f.Type);
        }
        r.EndStruct(saved);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        if (OrderId is < 0 or > short.MaxValue)
        {
            throw new InvalidOperationException($"Cannot write ColumnOrder: member id {OrderId} is out of range.");
        }
        w.BeginStruct();
        if (OrderId != 0)
        {
            w.BeginStructField((short)OrderId);
            w.EndStruct();
        }
        w.EndStruct();
    }
}
