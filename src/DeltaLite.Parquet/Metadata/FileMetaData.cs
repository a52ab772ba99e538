using System.Buffers;
using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// The file footer (thrift <c>FileMetaData</c>): schema, row groups and their column chunks, key/value
/// metadata and the writer's name. Encryption fields are not modelled and are skipped.
/// </summary>
public sealed class FileMetaData
{
    /// <summary>Format version; writers put 1 (readers should treat 2 alike).</summary>
    public int Version { get; set; } = 1;

    /// <summary>The schema tree flattened depth first; element 0 is the root.</summary>
    public List<SchemaElement> Schema { get; set; } = [];

    /// <summary>Number of rows in the file.</summary>
    public long NumRows { get; set; }

    public List<RowGroup> RowGroups { get; set; } = [];

    public List<KeyValue>? KeyValueMetadata { get; set; }

    /// <summary>The writing application, e.g. <c>parquet-mr version 1.12.3 (build ...)</c>.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>One order per leaf column, in schema order.</summary>
    public List<ColumnOrder>? ColumnOrders { get; set; }

    /// <summary>
    /// Parses the thrift-encoded footer: the bytes between the last page and the 4-byte length and
    /// <c>PAR1</c> that end the file.
    /// </summary>
    /// <exception cref="ParquetFormatException">The bytes are not a valid footer; the message gives the byte offset.</exception>
    public static FileMetaData Parse(ReadOnlySpan<byte> footer)
    {
        var reader = new ThriftCompactReader(footer);
        return Read(ref reader);
    }

    /// <summary>Encodes this footer with the thrift compact protocol.</summary>
    public byte[] Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes this footer with the thrift compact protocol into <paramref name="destination"/>.</summary>
    public void WriteTo(IBufferWriter<byte> destination) => Write(new ThriftCompactWriter(destination));

    internal static FileMetaData Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new FileMetaData();
        bool hasVersion = false, hasSchema = false, hasNumRows = false, hasRowGroups = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.Version = r.ReadI32(); hasVersion = true; break;
                case 2 when f.Type == ThriftType.List:
                    result.Schema = ThriftStructs.ReadStructList(ref r, "FileMetaData.schema", SchemaElement.Read);
                    hasSchema = true;
                    break;
                case 3 when f.Type == ThriftType.I64: result.NumRows = r.ReadI64(); hasNumRows = true; break;
                case 4 when f.Type == ThriftType.List:
                    result.RowGroups = ThriftStructs.ReadStructList(ref r, "FileMetaData.row_groups", RowGroup.Read);
                    hasRowGroups = true;
                    break;
                case 5 when f.Type == ThriftType.List:
                    result.KeyValueMetadata = ThriftStructs.ReadStructList(
                        ref r, "FileMetaData.key_value_metadata", KeyValue.Read);
                    break;
                case 6 when f.Type == ThriftType.Binary: result.CreatedBy = r.ReadString(); break;
                case 7 when f.Type == ThriftType.List:
                    result.ColumnOrders = ThriftStructs.ReadStructList(
                        ref r, "FileMetaData.column_orders", ColumnOrder.Read);
                    break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        const string name = nameof(FileMetaData);
        if (!hasVersion) ThriftStructs.ThrowMissing(name, "version", start);
        if (!hasSchema) ThriftStructs.ThrowMissing(name, "schema", start);
        if (!hasNumRows) ThriftStructs.ThrowMissing(name, "num_rows", start);
        if (!hasRowGroups) ThriftStructs.ThrowMissing(name, "row_groups", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        var schema = ThriftStructs.NotNull(Schema, "FileMetaData.Schema");
        var rowGroups = ThriftStructs.NotNull(RowGroups, "FileMetaData.RowGroups");
        w.BeginStruct();
        w.WriteI32Field(1, Version);
        w.BeginListField(2, ThriftType.Struct, schema.Count);
        foreach (var element in schema) ThriftStructs.NotNull(element, "SchemaElement").Write(w);
        w.WriteI64Field(3, NumRows);
        w.BeginListField(4, ThriftType.Struct, rowGroups.Count);
        foreach (var rowGroup in rowGroups) ThriftStructs.NotNull(rowGroup, "RowGroup").Write(w);
        if (KeyValueMetadata is not null) ThriftStructs.WriteKeyValueList(w, 5, KeyValueMetadata);
        if (CreatedBy is not null) w.WriteStringField(6, CreatedBy);
        if (ColumnOrders is not null)
        {
            w.BeginListField(7, ThriftType.Struct, ColumnOrders.Count);
            foreach (var order in ColumnOrders) ThriftStructs.NotNull(order, "ColumnOrder").Write(w);
        }
        w.EndStruct();
    }
}
