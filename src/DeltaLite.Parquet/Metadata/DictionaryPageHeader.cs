using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>Header of a dictionary page (thrift <c>DictionaryPageHeader</c>).</summary>
public sealed class DictionaryPageHeader
{
    /// <summary>Number of entries in the dictionary.</summary>
    public int NumValues { get; set; }

    /// <summary>Encoding of the entries (PLAIN, or the legacy PLAIN_DICTIONARY).</summary>
    public Encoding Encoding { get; set; }

    /// <summary>Whether the entries are sorted ascending.</summary>
    public bool? IsSorted { get; set; }

    internal static DictionaryPageHeader Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new DictionaryPageHeader();
        bool hasNumValues = false, hasEncoding = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.NumValues = r.ReadI32(); hasNumValues = true; break;
                case 2 when f.Type == ThriftType.I32: result.Encoding = (Encoding)r.ReadI32(); hasEncoding = true; break;
                case 3 when f.Type == ThriftType.Bool: result.IsSorted = r.ReadBool(); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasNumValues) ThriftStructs.ThrowMissing(nameof(DictionaryPageHeader), "num_values", start);
        if (!hasEncoding) ThriftStructs.ThrowMissing(nameof(DictionaryPageHeader), "encoding", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        w.WriteI32Field(1, NumValues);
        w.WriteI32Field(2, (int)Encoding);
        if (IsSorted is { } sorted) w.WriteBoolField(3, sorted);
        w.EndStruct();
    }
}
