using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>Sort order of one leaf column within a row group (thrift <c>SortingColumn</c>).</summary>
public sealed class SortingColumn
{
    /// <summary>Ordinal of the column in the row group.</summary>
    public int ColumnIdx { get; set; }

    /// <summary>True when sorted in descending order.</summary>
    public bool Descending { get; set; }

    /// <summary>True when nulls come before non-null values.</summary>
    public bool NullsFirst { get; set; }

    internal static SortingColumn Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new SortingColumn();
        bool hasIdx = false, hasDescending = false, hasNullsFirst = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.ColumnIdx = r.ReadI32(); hasIdx = true; break;
                case 2 when f.Type == ThriftType.Bool: result.Descending = r.ReadBool(); hasDescending = true; break;
                case 3 when f.Type == ThriftType.Bool: result.NullsFirst = r.ReadBool(); hasNullsFirst = true; break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasIdx) ThriftStructs.ThrowMissing(nameof(SortingColumn), "column_idx", start);
        if (!hasDescending) ThriftStructs.ThrowMissing(nameof(SortingColumn), "descending", start);
        if (!hasNullsFirst) ThriftStructs.ThrowMissing(nameof(SortingColumn), "nulls_first", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        w.WriteI32Field(1, ColumnIdx);
        w.WriteBoolField(2, Descending);
        w.WriteBoolField(3, NullsFirst);
        w.EndStruct();
    }
}
