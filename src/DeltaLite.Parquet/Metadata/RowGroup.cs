using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>A horizontal slice of the file: one column chunk per leaf column (thrift <c>RowGroup</c>).</summary>
public sealed class RowGroup
{
    /// <summary>One chunk per leaf, in schema order.</summary>
    public List<ColumnChunk> Columns { get; set; } = [];

    /// <summary>Uncompressed bytes of all the column data.</summary>
    public long TotalByteSize { get; set; }

    public long NumRows { get; set; }

    public List<SortingColumn>? SortingColumns { get; set; }

    /// <summary>File offset of the row group's first page.</summary>
    public long? FileOffset { get; set; }

    /// <summary>Bytes of all the column data as stored.</summary>
    public long? TotalCompressedSize { get; set; }

    /// <summary>Position of the row group in the file.</summary>
    public short? Ordinal { get; set; }

    internal static RowGroup Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new RowGroup();
        bool hasColumns = false, hasByteSize = false, hasNumRows = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.List:
                    result.Columns = ThriftStructs.ReadStructList(ref r, "RowGroup.columns", ColumnChunk.Read);
                    hasColumns = true;
                    break;
                case 2 when f.Type == ThriftType.I64: result.TotalByteSize = r.ReadI64(); hasByteSize = true; break;
                case 3 when f.Type == ThriftType.I64: result.NumRows = r.ReadI64(); hasNumRows = true; break;
                case 4 when f.Type == ThriftType.List:
                    result.SortingColumns = ThriftStructs.ReadStructList(
                        ref r, "RowGroup.sorting_columns", SortingColumn.Read);
                    break;
                case 5 when f.Type == ThriftType.I64: result.FileOffset = r.ReadI64(); break;
                case 6 when f.Type == ThriftType.I64: result.TotalCompressedSize = r.ReadI64(); break;
                case 7 when f.Type == ThriftType.I16: result.Ordinal = r.ReadI16(); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasColumns) ThriftStructs.ThrowMissing(nameof(RowGroup), "columns", start);
        if (!hasByteSize) ThriftStructs.ThrowMissing(nameof(RowGroup), "total_byte_size", start);
        if (!hasNumRows) ThriftStructs.ThrowMissing(nameof(RowGroup), "num_rows", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        var columns = ThriftStructs.NotNull(Columns, "RowGroup.Columns");
        w.BeginStruct();
        w.BeginListField(1, ThriftType.Struct, columns.Count);
        foreach (var column in columns) ThriftStructs.NotNull(column, "ColumnChunk").Write(w);
        w.WriteI64Field(2, TotalByteSize);
        w.WriteI64Field(3, NumRows);
        if (SortingColumns is not null)
        {
            w.BeginListField(4, ThriftType.Struct, SortingColumns.Count);
            foreach (var sorting in SortingColumns) ThriftStructs.NotNull(sorting, "SortingColumn").Write(w);
        }
        if (FileOffset is { } fileOffset) w.WriteI64Field(5, fileOffset);
        if (TotalCompressedSize is { } compressed) w.WriteI64Field(6, compressed);
        if (Ordinal is { } ordinal) w.WriteI16Field(7, ordinal);
        w.EndStruct();
    }
}
