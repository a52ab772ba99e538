using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// Header of a version 2 data page (thrift <c>DataPageHeaderV2</c>): levels are stored uncompressed
/// before the (possibly compressed) values, with their byte lengths given here.
/// </summary>
public sealed class DataPageHeaderV2
{
    /// <summary>Number of values, nulls included.</summary>
    public int NumValues { get; set; }

    public int NumNulls { get; set; }

    public int NumRows { get; set; }

    /// <summary>Encoding of the values.</summary>
    public Encoding Encoding { get; set; }

    public int DefinitionLevelsByteLength { get; set; }

    public int RepetitionLevelsByteLength { get; set; }

    /// <summary>Whether the values section is compressed; true when the field is absent.</summary>
    public bool IsCompressed { get; set; } = true;

    public Statistics? Statistics { get; set; }

    internal static DataPageHeaderV2 Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new DataPageHeaderV2();
        bool hasNumValues = false, hasNumNulls = false, hasNumRows = false, hasEncoding = false;
        bool hasDefinition = false, hasRepetition = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.NumValues = r.ReadI32(); hasNumValues = true; break;
                case 2 when f.Type == ThriftType.I32: result.NumNulls = r.ReadI32(); hasNumNulls = true; break;
                case 3 when f.Type == ThriftType.I32: result.NumRows = r.ReadI32(); hasNumRows = true; break;
                case 4 when f.Type == ThriftType.I32: result.Encoding = (Encoding)r.ReadI32(); hasEncoding = true; break;
                case 5 when f.Type == ThriftType.I32:
                    result.DefinitionLevelsByteLength = r.ReadI32();
                    hasDefinition = true;
                    break;
                case 6 when f.Type == ThriftType.I32:
                    result.RepetitionLevelsByteLength = r.ReadI32();
                    hasRepetition = true;
                    break;
                case 7 when f.Type == ThriftType.Bool: result.IsCompressed = r.ReadBool(); break;
                case 8 when f.Type == ThriftType.Struct: result.Statistics = Statistics.Read(ref r); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        const string name = nameof(DataPageHeaderV2);
        if (!hasNumValues) ThriftStructs.ThrowMissing(name, "num_values", start);
        if (!hasNumNulls) ThriftStructs.ThrowMissing(name, "num_nulls", start);
        if (!hasNumRows) ThriftStructs.ThrowMissing(name, "num_rows", start);
        if (!hasEncoding) ThriftStructs.ThrowMissing(name, "encoding", start);
        if (!hasDefinition) ThriftStructs.ThrowMissing(name, "definition_levels_byte_length", start);
        if (!hasRepetition) ThriftStructs.ThrowMissing(name, "repetition_levels_byte_length", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        w.WriteI32Field(1, NumValues);
        w.WriteI32Field(2, NumNulls);
        w.WriteI32Field(3, NumRows);
        w.WriteI32Field(4, (int)Encoding);
        w.WriteI32Field(5, DefinitionLevelsByteLength);
        w.WriteI32Field(6, RepetitionLevelsByteLength);
        // Always written: the field has a default of true, and an explicit value is unambiguous to every reader.
        w.WriteBoolField(7, IsCompressed);
        if (Statistics is not null)
        {
            w.WriteFieldHeader(8, ThriftType.Struct);
            Statistics.Write(w);
        }
        w.EndStruct();
    }
}
