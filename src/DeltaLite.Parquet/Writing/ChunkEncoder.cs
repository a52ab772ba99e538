using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DeltaLite.Parquet.Compression;
using DeltaLite.Parquet.Encodings;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Shapes;

namespace DeltaLite.Parquet.Writing;

/// <summary>A column chunk encoded in memory, with offsets relative to its first byte.</summary>
internal sealed class EncodedChunk
{
    public required ArrayBufferWriter<byte> Bytes;
    public required ColumnMetaData Meta;     // offsets relative to the chunk start
    public required ChunkStatistics Statistics;
    public bool HasDictionary;
}

/// <summary>Encodes one leaf's buffered values as an optional dictionary page plus data pages (v1).</summary>
internal static class ChunkEncoder
{
    public static EncodedChunk Encode(LeafBuffer b, ParquetWriterOptions options)
    {
        var leaf = b.Leaf;
        var stats = ChunkStatistics.Compute(b, options.StatisticsTruncateLength);
        var output = new ArrayBufferWriter<byte>(Math.Max(1024, (int)Math.Min(b.EstimatedBytes / 2, 64 << 20)));
        // Page buffers grow as needed: sizing them for a full page costs 2 MiB a column even for a chunk of ten values.
        int pageCapacity = (int)Math.Min(options.PageSize, Math.Max(1024, b.EstimatedBytes)) + 1024;
        var page = new ArrayBufferWriter<byte>(pageCapacity);
        var compressed = new ArrayBufferWriter<byte>(pageCapacity);

        int[]? indices = null;
        int dictCount = 0;
        long? dictionaryOffset = null;
        long uncompressedTotal = 0;
        if (options.EnableDictionary && leaf.Physical != PhysicalType.Boolean && b.ValueCount > 0)
        {
            indices = ArrayPool<int>.Shared.Rent(b.ValueCount);
            var dictPage = BuildDictionary(b, indices, options.DictionaryPageSizeLimit, out dictCount);
            if (dictPage is null)
            {
                ArrayPool<int>.Shared.Return(indices);
                indices = null;
            }
            else
            {
                dictionaryOffset = 0;
                var header = new PageHeader
                {
                    Type = PageType.DictionaryPage,
                    UncompressedPageSize = dictPage.WrittenCount,
                    DictionaryPageHeader = new DictionaryPageHeader { NumValues = dictCount, Encoding = Encoding.Plain },
                };
                uncompressedTotal += WritePage(header, dictPage.WrittenSpan, options, compressed, output);
            }
        }

        long dataOffset = output.WrittenCount;
        try
        {
            int bitWidth = indices is null ? 0 : RleBitPackedHybrid.BitWidth(Math.Max(dictCount - 1, 0));
            int e = 0, v = 0;
            while (e < b.LevelCount || (e == 0 && b.LevelCount == 0))
            {
                var (e1, v1) = NextPage(b, e, v, options.PageSize, indices is not null ? Math.Max(1, bitWidth) / 8.0 : -1);
                page.Clear();
                if (leaf.RepLevel > 0) WriteLevels(b.Rep.AsSpan(e, e1 - e), leaf.RepLevel, page);
                if (leaf.DefLevel > 0) WriteLevels(b.Def.AsSpan(e, e1 - e), leaf.DefLevel, page);
                Encoding encoding;
                if (indices is not null)
                {
                    encoding = Encoding.RleDictionary;
                    page.GetSpan(1)[0] = (byte)bitWidth;
                    page.Advance(1);
                    RleBitPackedHybrid.Encode(indices.AsSpan(v, v1 - v), bitWidth, page);
                }
                else
                {
                    encoding = Encoding.Plain;
                    WritePlain(b, v, v1 - v, page);
                }
                var header = new PageHeader
                {
                    Type = PageType.DataPage,
                    UncompressedPageSize = page.WrittenCount,
                    DataPageHeader = new DataPageHeader
                    {
                        NumValues = e1 - e,
                        Encoding = encoding,
                        DefinitionLevelEncoding = Encoding.Rle,
                        RepetitionLevelEncoding = Encoding.Rle,
                    },
                };
                uncompressedTotal += WritePage(header, page.WrittenSpan, options, compressed, output);
                e = e1;
                v = v1;
                if (b.LevelCount == 0) break;
            }
        }
        finally
        {
            if (indices is not null) ArrayPool<int>.Shared.Return(indices);
        }

        var encodings = new List<Encoding>();
        if (indices is not null || dictionaryOffset is not null) encodings.Add(Encoding.Plain);
        if (leaf.DefLevel > 0 || leaf.RepLevel > 0) encodings.Add(Encoding.Rle);
        encodings.Add(dictionaryOffset is not null ? Encoding.RleDictionary : Encoding.Plain);
        var meta = new ColumnMetaData
        {
            Type = leaf.Physical,
            Encodings = encodings.Distinct().ToList(),
            PathInSchema = leaf.Path.ToList(),
            Codec = options.Compression,
            NumValues = b.LevelCount,
            TotalUncompressedSize = uncompressedTotal,
            TotalCompressedSize = output.WrittenCount,
            DataPageOffset = dataOffset,
            DictionaryPageOffset = dictionaryOffset,
            Statistics = stats.ToThrift(leaf),
        };
        return new EncodedChunk { Bytes = output, Meta = meta, Statistics = stats, HasDictionary = dictionaryOffset is not null };
    }

    /// <summary>Chooses the end of a page starting at entry e / value v, cutting at row starts.</summary>
    private static (int E1, int V1) NextPage(LeafBuffer b, int e, int v, int pageSize, double indexBytes)
    {
        int width = b.Leaf.Physical switch
        {
            PhysicalType.Boolean => 1,
            PhysicalType.Int32 or PhysicalType.Float => 4,
            PhysicalType.FixedLenByteArray => Math.Max(1, b.Leaf.TypeLength),
            PhysicalType.Int96 => 12,
            _ => 8,
        };
        bool bytes = b.Leaf.Physical == PhysicalType.ByteArray;
        int maxDef = b.Leaf.DefLevel;
        double size = 0;
        int n = b.LevelCount;
        int k = e;
        while (k < n)
        {
            bool present = b.Def is null || b.Def[k] == maxDef;
            if (present)
            {
                size += indexBytes >= 0 ? indexBytes : bytes ? 4 + b.Bytes!.Offsets[v + 1] - b.Bytes.Offsets[v] : width;
                v++;
            }
            size += 0.25;
            k++;
            if (size >= pageSize && (b.Rep is null || k == n || b.Rep[k] == 0)) break;
        }
        return (k, v);
    }

    private static void WriteLevels(ReadOnlySpan<int> levels, int max, ArrayBufferWriter<byte> page)
    {
        int start = page.WrittenCount;
        page.GetSpan(4);
        page.Advance(4);
        RleBitPackedHybrid.Encode(levels, RleBitPackedHybrid.BitWidth(max), page);
        int len = page.WrittenCount - start - 4;
        // ArrayBufferWriter exposes written memory read-only; patch the length through the underlying array.
        var written = MemoryMarshal.AsMemory(page.WrittenMemory);
        BinaryPrimitives.WriteInt32LittleEndian(written.Span[start..], len);
    }

    private static void WritePlain(LeafBuffer b, int v, int count, ArrayBufferWriter<byte> page)
    {
        switch (b.Leaf.Physical)
        {
            case PhysicalType.Boolean: PlainEncoding.EncodeBooleans(b.Bools.AsSpan(v, count), page); break;
            case PhysicalType.Int32: PlainEncoding.EncodeFixed<int>(b.Ints.AsSpan(v, count), page); break;
            case PhysicalType.Int64: PlainEncoding.EncodeFixed<long>(b.Longs.AsSpan(v, count), page); break;
            case PhysicalType.Float: PlainEncoding.EncodeFixed<float>(b.Floats.AsSpan(v, count), page); break;
            case PhysicalType.Double: PlainEncoding.EncodeFixed<double>(b.Doubles.AsSpan(v, count), page); break;
            case PhysicalType.ByteArray:
                PlainEncoding.EncodeByteArrays(b.Bytes!.Offsets.AsSpan(v, count + 1), b.Bytes.Data, count, page);
                break;
            case PhysicalType.FixedLenByteArray:
                PlainEncoding.EncodeFixedLenByteArrays(b.Bytes!.Offsets.AsSpan(v, count + 1), b.Bytes.Data, count, b.Leaf.TypeLength, page);
                break;
            default:
                throw new NotSupportedException($"Writing {b.Leaf.Physical} is not supported.");
        }
    }

    /// <summary>Compresses and appends one page; returns its uncompressed size including the header.</summary>
    private static long WritePage(PageHeader header, ReadOnlySpan<byte> body, ParquetWriterOptions options,
        ArrayBufferWriter<byte> compressed, ArrayBufferWriter<byte> output)
    {
        compressed.Clear();
        ReadOnlySpan<byte> payload = body;
        if (options.Compression != CompressionCodec.Uncompressed)
        {
            PageCompression.Compress(options.Compression, body, compressed, options.CompressionLevel);
            payload = compressed.WrittenSpan;
        }
        header.CompressedPageSize = payload.Length;
        header.Crc = IO.PageChecksum.Compute(payload);
        int before = output.WrittenCount;
        header.WriteTo(output);
        int headerSize = output.WrittenCount - before;
        output.Write(payload);
        return headerSize + body.Length;
    }

    /// <summary>Builds the PLAIN-encoded dictionary and each value's index; null when it grows past the limit.</summary>
    private static ArrayBufferWriter<byte>? BuildDictionary(LeafBuffer b, int[] indices, int limit, out int count)
    {
        int n = b.ValueCount;
        var page = new ArrayBufferWriter<byte>();
        count = 0;
        switch (b.Leaf.Physical)
        {
            case PhysicalType.Int32:
                if (!Fixed(b.Ints.AsSpan(0, n), indices, limit / 4, page, out count)) return null;
                break;
            case PhysicalType.Int64:
                if (!Fixed(b.Longs.AsSpan(0, n), indices, limit / 8, page, out count)) return null;
                break;
            case PhysicalType.Float:
                if (!Fixed(MemoryMarshal.Cast<float, int>(b.Floats.AsSpan(0, n)), indices, limit / 4, page, out count)) return null;
                break;
            case PhysicalType.Double:
                if (!Fixed(MemoryMarshal.Cast<double, long>(b.Doubles.AsSpan(0, n)), indices, limit / 8, page, out count)) return null;
                break;
            case PhysicalType.ByteArray:
            case PhysicalType.FixedLenByteArray:
                {
                    var dict = new ByteArrayDictionary();
                    var bytes = b.Bytes!;
                    long size = 0;
                    int perValue = b.Leaf.Physical == PhysicalType.ByteArray ? 4 : 0;
                    for (int i = 0; i < n; i++)
                    {
                        int before = dict.Count;
                        int idx = dict.GetOrAdd(bytes[i]);
                        indices[i] = idx;
                        if (idx == before)
                        {
                            size += perValue + bytes[i].Length;
                            if (size > limit) return null;
                        }
                        // A dictionary that barely repeats costs more than it saves.
                        if (i == 4095 && dict.Count > 3500) return null;
                    }
                    count = dict.Count;
                    var values = dict.Values;
                    if (b.Leaf.Physical == PhysicalType.ByteArray) PlainEncoding.EncodeByteArrays(values.Offsets.AsSpan(0, count + 1), values.Data, count, page);
                    else PlainEncoding.EncodeFixedLenByteArrays(values.Offsets.AsSpan(0, count + 1), values.Data, count, b.Leaf.TypeLength, page);
                    break;
                }
            default:
                return null;
        }
        return page;
    }

    private static bool Fixed<T>(ReadOnlySpan<T> values, int[] indices, int maxEntries, ArrayBufferWriter<byte> page, out int count)
        where T : unmanaged, IEquatable<T>
    {
        var map = new Dictionary<T, int>();
        var order = new List<T>();
        count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!map.TryGetValue(values[i], out int idx))
            {
                idx = order.Count;
                if (idx >= maxEntries) return false;
                map.Add(values[i], idx);
                order.Add(values[i]);
            }
            indices[i] = idx;
            if (i == 4095 && order.Count > 3500) return false;
        }
        count = order.Count;
        PlainEncoding.EncodeFixed<T>(CollectionsMarshal.AsSpan(order), page);
        return true;
    }
}
