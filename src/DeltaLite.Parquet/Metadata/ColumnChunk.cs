using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// One column of one row group (thrift <c>ColumnChunk</c>): where its metadata and page indexes are.
/// Encryption fields are not modelled and are skipped.
/// </summary>
public sealed class ColumnChunk
{
    /// <summary>File holding the chunk when not this file (summary files only).</summary>
    public string? FilePath { get; set; }

    /// <summary>Deprecated offset of a copy of the metadata; writers put 0 (or the chunk start).</summary>
    public long FileOffset { get; set; }

    /// <summary>The chunk's metadata; optional in the thrift definition but written by every major writer.</summary>
    public ColumnMetaData? MetaData { get; set; }

    public long? OffsetIndexOffset { get; set; }

    public int? OffsetIndexLength { get; set; }

    public long? ColumnIndexOffset { get; set; }

    public int? ColumnIndexLength { get; set; }

    internal static ColumnChunk Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new ColumnChunk();
        bool hasFileOffset = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.Binary: result.FilePath = r.ReadString(); break;
                case 2 when f.Type == ThriftType.I64: result.FileOffset = r.ReadI64(); hasFileOffset = true; break;
                case 3 when f.Type == ThriftType.Struct: result.MetaData = ColumnMetaData.Read(ref r); break;
                case 4 when f.Type == ThriftType.I64: result.OffsetIndexOffset = r.ReadI64(); break;
                case 5 when f.Type == ThriftType.I32: result.OffsetIndexLength = r.ReadI32(); break;
                case 6 when f.Type == ThriftType.I64: result.ColumnIndexOffset = r.ReadI64(); break;
                case 7 when f.Type == ThriftType.I32: result.ColumnIndexLength = r.ReadI32(); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasFileOffset) ThriftStructs.ThrowMissing(nameof(ColumnChunk), "file_offset", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        if (FilePath is not null) w.WriteStringField(1, FilePath);
        w.WriteI64Field(2, FileOffset);
        if (MetaData is not null)
        {
            w.WriteFieldHeader(3, ThriftType.Struct);
            MetaData.Write(w);
        }
        if (OffsetIndexOffset is { } offsetIndexOffset) w.WriteI64Field(4, offsetIndexOffset);
        if (OffsetIndexLength is { } offsetIndexLength) w.WriteI32Field(5, offsetIndexLength);
        if (ColumnIndexOffset is { } columnIndexOffset) w.WriteI64Field(6, columnIndexOffset);
        if (ColumnIndexLength is { } columnIndexLength) w.WriteI32Field(7, columnIndexLength);
        w.EndStruct();
    }
}
