using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>Header of a version 1 data page (thrift <c>DataPageHeader</c>).</summary>
public sealed class DataPageHeader
{
    /// <summary>Number of values, nulls included.</summary>
    public int NumValues { get; set; }

    /// <summary>Encoding of the values.</summary>
    public Encoding Encoding { get; set; }

    public Encoding DefinitionLevelEncoding { get; set; }

    public Encoding RepetitionLevelEncoding { get; set; }

    public Statistics? Statistics { get; set; }

    internal static DataPageHeader Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new DataPageHeader();
        bool hasNumValues = false, hasEncoding = false, hasDefinition = false, hasRepetition = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.NumValues = r.ReadI32(); hasNumValues = true; break;
                case 2 when f.Type == ThriftType.I32: result.Encoding = (Encoding)r.ReadI32(); hasEncoding = true; break;
                case 3 when f.Type == ThriftType.I32:
                    result.DefinitionLevelEncoding = (Encoding)r.ReadI32();
                    hasDefinition = true;
                    break;
                case 4 when f.Type == ThriftType.I32:
                    result.RepetitionLevelEncoding = (Encoding)r.ReadI32();
                    hasRepetition = true;
                    break;
                case 5 when f.Type == ThriftType.Struct: result.Statistics = Statistics.Read(ref r); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        const string name = nameof(DataPageHeader);
        if (!hasNumValues) ThriftStructs.ThrowMissing(name, "num_values", start);
        if (!hasEncoding) ThriftStructs.ThrowMissing(name, "encoding", start);
        if (!hasDefinition) ThriftStructs.ThrowMissing(name, "definition_level_encoding", start);
        if (!hasRepetition) ThriftStructs.ThrowMissing(name, "repetition_level_encoding", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        w.WriteI32Field(1, NumValues);
        w.WriteI32Field(2, (int)Encoding);
        w.WriteI32Field(3, (int)DefinitionLevelEncoding);
        w.WriteI32Field(4, (int)RepetitionLevelEncoding);
        if (Statistics is not null)
        {
            w.WriteFieldHeader(5, ThriftType.Struct);
            Statistics.Write(w);
        }
        w.EndStruct();
    }
}
