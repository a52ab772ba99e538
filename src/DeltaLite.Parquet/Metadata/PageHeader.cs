using System.Buffers;
using DeltaLite.Parquet.Thrift;

namespace DeltaLite.Parquet.Metadata;

/// <summary>
/// The header in front of every page of a column chunk (thrift <c>PageHeader</c>). Exactly one of the
/// type-specific headers is expected, matching <see cref="Type"/>; index page headers are skipped.
/// </summary>
public sealed class PageHeader
{
    public PageType Type { get; set; }

    /// <summary>Bytes of the page body uncompressed, header excluded.</summary>
    public int UncompressedPageSize { get; set; }

    /// <summary>Bytes of the page body as stored, header excluded.</summary>
    public int CompressedPageSize { get; set; }

    /// <summary>CRC-32 of the stored page body, when the writer computed one.</summary>
    public int? Crc { get; set; }

    public DataPageHeader? DataPageHeader { get; set; }

    public DictionaryPageHeader? DictionaryPageHeader { get; set; }

    public DataPageHeaderV2? DataPageHeaderV2 { get; set; }

    /// <summary>
    /// Parses the page header at the start of <paramref name="source"/>, which may continue with the page
    /// body; <paramref name="headerLength"/> receives the number of header bytes.
    /// </summary>
    /// <exception cref="ParquetFormatException">The bytes are not a valid page header.</exception>
    public static PageHeader Parse(ReadOnlySpan<byte> source, out int headerLength)
    {
        var reader = new ThriftCompactReader(source);
        var header = Read(ref reader);
        headerLength = reader.Position;
        return header;
    }

    /// <summary>Encodes this header with the thrift compact protocol.</summary>
    public void WriteTo(IBufferWriter<byte> destination) => Write(new ThriftCompactWriter(destination));

    internal static PageHeader Read(ref ThriftCompactReader r)
    {
        int start = r.Position;
        var result = new PageHeader();
        bool hasType = false, hasUncompressed = false, hasCompressed = false;
        short saved = r.BeginStruct();
        while (r.ReadFieldHeader(out var f))
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftType.I32: result.Type = (PageType)r.ReadI32(); hasType = true; break;
                case 2 when f.Type == ThriftType.I32:
                    result.UncompressedPageSize = r.ReadI32();
                    hasUncompressed = true;
                    break;
                case 3 when f.Type == ThriftType.I32:
                    result.CompressedPageSize = r.ReadI32();
                    hasCompressed = true;
                    break;
                case 4 when f.Type == ThriftType.I32: result.Crc = r.ReadI32(); break;
                case 5 when f.Type == ThriftType.Struct: result.DataPageHeader = DataPageHeader.Read(ref r); break;
                case 7 when f.Type == ThriftType.Struct:
                    result.DictionaryPageHeader = DictionaryPageHeader.Read(ref r);
                    break;
                case 8 when f.Type == ThriftType.Struct:
                    result.DataPageHeaderV2 = DataPageHeaderV2.Read(ref r);
                    break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        if (!hasType) ThriftStructs.ThrowMissing(nameof(PageHeader), "type", start);
        if (!hasUncompressed) ThriftStructs.ThrowMissing(nameof(PageHeader), "uncompressed_page_size", start);
        if (!hasCompressed) ThriftStructs.ThrowMissing(nameof(PageHeader), "compressed_page_size", start);
        return result;
    }

    internal void Write(ThriftCompactWriter w)
    {
        w.BeginStruct();
        w.WriteI32Field(1, (int)Type);
        w.WriteI32Field(2, UncompressedPageSize);
        w.WriteI32Field(3, CompressedPageSize);
        if (Crc is { } crc) w.WriteI32Field(4, crc);
        if (DataPageHeader is not null)
        {
            w.WriteFieldHeader(5, ThriftType.Struct);
            DataPageHeader.Write(w);
        }
        if (DictionaryPageHeader is not null)
        {
            w.WriteFieldHeader(7, ThriftType.Struct);
            DictionaryPageHeader.Write(w);
        }
        if (DataPageHeaderV2 is not null)
        {
            w.WriteFieldHeader(8, ThriftType.Struct);
            DataPageHeaderV2.Write(w);
        }
        w.EndStruct();
    }
}
