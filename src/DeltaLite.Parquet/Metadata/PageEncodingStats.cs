using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>How many pages of a column chunk have a given page type and encoding (thrift <c>PageEncodingStats</c>).</summary>
public sealed class PageEncodingStats
{
    public PageType PageType { get; set; }

    public Encoding Encoding { get; set; }

    /// <summary>Number of pages of this type with this encoding.</summary>
    public int Count { get; set; }

    internal static PageEncodingStats Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new PageEncodingStats();
        bool hasType = false, hasEncoding = false, hasCount = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.PageType = (PageType)r.ReadI32(); hasType = true; break;
                case 2 when f.Type == ThriftType.I32: result.Encoding = (Encoding)r.ReadI32(); hasEncoding = true; break;
                case 3 when f.Type == ThriftType.I32: result.Count = r.ReadI32(); hasCount = true; break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasType) ThriftStructs.ThrowMissing(nameof(PageEncodingStats), "page_type", start);
        if (!hasEncoding) ThriftStructs.ThrowMissing(nameof(PageEncodingStats), "encoding", start);
        if (!hasCount) ThriftStructs.ThrowMissing(nameof(PageEncodingStats), "count", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        w.WriteI32Field(1, (int)PageType);
        w.WriteI32Field(2, (int)Encoding);
        w.WriteI32Field(3, Count);
        w.EndStruct();
    }
}
