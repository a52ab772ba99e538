using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// Description of one column chunk: type, encodings, codec, sizes, page offsets and statistics
/// (thrift <c>ColumnMetaData</c>). Size and geospatial statistics are not modelled and are skipped.
/// </summary>
public sealed class ColumnMetaData
{
    public PhysicalType Type { get; set; }

    /// <summary>Every encoding used by the chunk's pages, including level encodings.</summary>
    public List<Encoding> Encodings { get; set; } = [];

    /// <summary>Names from the schema root's child down to the leaf.</summary>
    public List<string> PathInSchema { get; set; } = [];

    public CompressionCodec Codec { get; set; }

    /// <summary>Number of values, nulls included.</summary>
    public long NumValues { get; set; }

    /// <summary>Bytes of all pages uncompressed, headers included.</summary>
    public long TotalUncompressedSize { get; set; }

    /// <summary>Bytes of all pages as stored, headers included.</summary>
    public long TotalCompressedSize { get; set; }

    public List<KeyValue>? KeyValueMetadata { get; set; }

    /// <summary>File offset of the first data page.</summary>
    public long DataPageOffset { get; set; }

    public long? IndexPageOffset { get; set; }

    /// <summary>File offset of the dictionary page, when there is one.</summary>
    public long? DictionaryPageOffset { get; set; }

    public Statistics? Statistics { get; set; }

    public List<PageEncodingStats>? EncodingStats { get; set; }

    public long? BloomFilterOffset { get; set; }

    public int? BloomFilterLength { get; set; }

    internal static ColumnMetaData Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new ColumnMetaData();
        bool hasType = false, hasEncodings = false, hasPath = false, hasCodec = false, hasNumValues = false;
        bool hasUncompressed = false, hasCompressed = false, hasDataPageOffset = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32:
                    result.Type = (PhysicalType)r.ReadI32();
                    hasType = true;
                    break;
                case 2 when f.Type == ThriftType.List:
                    result.Encodings = ThriftStructs.ReadEncodingList(ref r, "ColumnMetaData.encodings");
                    hasEncodings = true;
                    break;
                case 3 when f.Type == ThriftType.List:
                    result.PathInSchema = ThriftStructs.ReadStringList(ref r, "ColumnMetaData.path_in_schema");
                    hasPath = true;
                    break;
                case 4 when f.Type == ThriftType.I32:
                    result.Codec = (CompressionCodec)r.ReadI32();
                    hasCodec = true;
                    break;
                case 5 when f.Type == ThriftType.I64:
                    result.NumValues = r.ReadI64();
                    hasNumValues = true;
                    break;
                case 6 when f.Type == ThriftType.I64:
                    result.TotalUncompressedSize = r.ReadI64();
                    hasUncompressed = true;
                    break;
                case 7 when f.Type == ThriftType.I64:
                    result.TotalCompressedSize = r.ReadI64();
                    hasCompressed = true;
                    break;
                case 8 when f.Type == ThriftType.List:
                    result.KeyValueMetadata = ThriftStructs.ReadStructList(
                        ref r, "ColumnMetaData.key_value_metadata", KeyValue.Read);
                    break;
                case 9 when f.Type == ThriftType.I64:
                    result.DataPageOffset = r.ReadI64();
                    hasDataPageOffset = true;
                    break;
                case 10 when f.Type == ThriftType.I64: result.IndexPageOffset = r.ReadI64(); break;
                case 11 when f.Type == ThriftType.I64: result.DictionaryPageOffset = r.ReadI64(); break;
                case 12 when f.Type == ThriftType.Struct: result.Statistics = Statistics.Read(ref r); break;
                case 13 when f.Type == ThriftType.List:
                    result.EncodingStats = ThriftStructs.ReadStructList(
                        ref r, "ColumnMetaData.encoding_stats", PageEncodingStats.Read);
                    break;
                case 14 when f.Type == ThriftType.I64: result.BloomFilterOffset = r.ReadI64(); break;
                case 15 when f.Type == ThriftType.I32: result.BloomFilterLength = r.ReadI32(); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        const string name = nameof(ColumnMetaData);
        if (!hasType) ThriftStructs.ThrowMissing(name, "type", start);
        if (!hasEncodings) ThriftStructs.ThrowMissing(name, "encodings", start);
        if (!hasPath) ThriftStructs.ThrowMissing(name, "path_in_schema", start);
        if (!hasCodec) ThriftStructs.ThrowMissing(name, "codec", start);
        if (!hasNumValues) ThriftStructs.ThrowMissing(name, "num_values", start);
        if (!hasUncompressed) ThriftStructs.ThrowMissing(name, "total_uncompressed_size", start);
        if (!hasCompressed) ThriftStructs.ThrowMissing(name, "total_compressed_size", start);
        if (!hasDataPageOffset) ThriftStructs.ThrowMissing(name, "data_page_offset", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        var encodings = ThriftStructs.NotNull(Encodings, "ColumnMetaData.Encodings");
        var path = ThriftStructs.NotNull(PathInSchema, "ColumnMetaData.PathInSchema");
        w.BeginStruct();
        w.WriteI32Field(1, (int)Type);
        w.BeginListField(2, ThriftType.I32, encodings.Count);
        foreach (var encoding in encodings) w.WriteI32((int)encoding);
        w.BeginListField(3, ThriftType.Binary, path.Count);
        foreach (var name in path) w.WriteString(ThriftStructs.NotNull(name, "ColumnMetaData.PathInSchema element"));
        w.WriteI32Field(4, (int)Codec);
        w.WriteI64Field(5, NumValues);
        w.WriteI64Field(6, TotalUncompressedSize);
        w.WriteI64Field(7, TotalCompressedSize);
        if (KeyValueMetadata is not null) ThriftStructs.WriteKeyValueList(w, 8, KeyValueMetadata);
        w.WriteI64Field(9, DataPageOffset);
        if (IndexPageOffset is { } indexPageOffset) w.WriteI64Field(10, indexPageOffset);
        if (DictionaryPageOffset is { } dictionaryPageOffset) w.WriteI64Field(11, dictionaryPageOffset);
        if (Statistics is not null)
        {
            w.WriteFieldHeader(12, ThriftType.Struct);
            Statistics.Write(w);
        }
        if (EncodingStats is not null)
        {
            w.BeginListField(13, ThriftType.Struct, EncodingStats.Count);
            foreach (var stats in EncodingStats) ThriftStructs.NotNull(stats, "PageEncodingStats").Write(w);
        }
        if (BloomFilterOffset is { } bloomOffset) w.WriteI64Field(14, bloomOffset);
        if (BloomFilterLength is { } bloomLength) w.WriteI32Field(15, bloomLength);
        w.EndStruct();
    }
}
