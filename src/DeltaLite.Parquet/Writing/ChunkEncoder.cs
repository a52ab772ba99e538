using System.Buffers;
using System.Collections.Concurrent;
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
    /// <summary>Page-sized work buffers, reused across columns and row groups (one per concurrently encoding thread).</summary>
    private sealed class Scratch
    {
        public readonly ArrayBufferWriter<byte> Page = new(64 * 1024);
        public readonly ArrayBufferWriter<byte> Compressed = new(64 * 1024);
        public readonly ArrayBufferWriter<byte> Dictionary = new(64 * 1024);
    }

    private static readonly ConcurrentBag<Scratch> ScratchPool = [];

    public static EncodedChunk Encode(LeafBuffer b, ParquetWriterOptions options)
    {
        if (!ScratchPool.TryTake(out var scratch)) scratch = new Scratch();
        try
        {
            return Encode(b, options, scratch);
        }
        finally
        {
            // Keep the pool's memory bounded: a buffer grown past a few pages is dropped rather than kept.
            if (scratch.Page.Capacity <= 4 * options.PageSize + (1 << 16) && scratch.Dictionary.Capacity <= 4 * options.DictionaryPageSizeLimit + (1 << 16)
                && ScratchPool.Count < Environment.ProcessorCount * 2)
                ScratchPool.Add(scratch);
        }
    }

    private static EncodedChunk Encode(LeafBuffer b, ParquetWriterOptions options, Scratch scratch)
    {
        var leaf = b.Leaf;
        // The chunk's output buffer belongs to the leaf and keeps its capacity from one row group to the next.
        var output = b.Output;
        output.ResetWrittenCount();
        var page = scratch.Page;
        var compressed = scratch.Compressed;

        int[]? indices = null;
        int dictCount = 0;
        long? dictionaryOffset = null;
        long uncompressedTotal = 0;
        ByteArrayBuilder? distinct = null;
        if (options.EnableDictionary && leaf.Physical != PhysicalType.Boolean && b.ValueCount > 0)
        {
            indices = ArrayPool<int>.Shared.Rent(b.ValueCount);
            var dictPage = scratch.Dictionary;
            dictPage.ResetWrittenCount();
            if (!BuildDictionary(b, indices, options.DictionaryPageSizeLimit, dictPage, out dictCount, out distinct))
            {
                ArrayPool<int>.Shared.Return(indices);
                indices = null;
                distinct = null;
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
        // Byte-array min/max over the distinct values only, when a dictionary has collected them.
        var stats = ChunkStatistics.Compute(b, options.StatisticsTruncateLength, distinct);

        long dataOffset = output.WrittenCount;
        try
        {
            int bitWidth = indices is null ? 0 : RleBitPackedHybrid.BitWidth(Math.Max(dictCount - 1, 0));
            int e = 0, v = 0;
            while (e < b.LevelCount || (e == 0 && b.LevelCount == 0))
            {
                var (e1, v1) = NextPage(b, e, v, options.PageSize, indices is not null ? Math.Max(1, bitWidth) / 8.0 : -1);
                page.ResetWrittenCount();
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
        if (b.Rep is null && (!bytes || indexBytes >= 0))
        {
            // Fixed-size entries: skip whole blocks while the page stays under its size, counting present values
            // (vectorised); the entry-by-entry loop below then finds the exact cut in the last block.
            double valueSize = indexBytes >= 0 ? indexBytes : width;
            const int Block = 1024;
            while (n - k >= Block)
            {
                int present = b.Def is null ? Block : b.Def.AsSpan(k, Block).Count(maxDef);
                double blockSize = present * valueSize + Block * 0.25;
                if (size + blockSize >= pageSize) break;
                size += blockSize;
                v += present;
                k += Block;
            }
        }
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
        compressed.ResetWrittenCount();
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

    /// <summary>
    /// Builds the PLAIN-encoded dictionary into <paramref name="page"/> and each value's index; false when it grows past
    /// the limit or barely repeats. <paramref name="distinct"/> is the distinct byte arrays (null for other types).
    /// </summary>
    private static bool BuildDictionary(LeafBuffer b, int[] indices, int limit, ArrayBufferWriter<byte> page, out int count, out ByteArrayBuilder? distinct)
    {
        int n = b.ValueCount;
        count = 0;
        distinct = null;
        switch (b.Leaf.Physical)
        {
            case PhysicalType.Int32:
                return Fixed(b.Ints.AsSpan(0, n), indices, limit / 4, page, out count);
            case PhysicalType.Int64:
                return Fixed(b.Longs.AsSpan(0, n), indices, limit / 8, page, out count);
            case PhysicalType.Float:
                return Fixed(MemoryMarshal.Cast<float, int>(b.Floats.AsSpan(0, n)), indices, limit / 4, page, out count);
            case PhysicalType.Double:
                return Fixed(MemoryMarshal.Cast<double, long>(b.Doubles.AsSpan(0, n)), indices, limit / 8, page, out count);
            case PhysicalType.ByteArray:
            case PhysicalType.FixedLenByteArray:
                {
                    var dict = new ByteArrayDictionary();
                    var bytes = b.Bytes!;
                    var offsets = bytes.Offsets;
                    var data = bytes.Data;
                    long size = 0;
                    int perValue = b.Leaf.Physical == PhysicalType.ByteArray ? 4 : 0;
                    for (int i = 0; i < n; i++)
                    {
                        var value = data.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
                        int before = dict.Count;
                        int idx = dict.GetOrAdd(value);
                        indices[i] = idx;
                        if (idx == before)
                        {
                            size += perValue + value.Length;
                            if (size > limit) return false;
                        }
                        // A dictionary that barely repeats costs more than it saves.
                        if (i == 4095 && dict.Count > 3500) return false;
                    }
                    count = dict.Count;
                    var values = dict.Values;
                    if (b.Leaf.Physical == PhysicalType.ByteArray) PlainEncoding.EncodeByteArrays(values.Offsets.AsSpan(0, count + 1), values.Data, count, page);
                    else PlainEncoding.EncodeFixedLenByteArrays(values.Offsets.AsSpan(0, count + 1), values.Data, count, b.Leaf.TypeLength, page);
                    distinct = values;
                    return true;
                }
            default:
                return false;
        }
    }

    private static bool Fixed<T>(ReadOnlySpan<T> values, int[] indices, int maxEntries, ArrayBufferWriter<byte> page, out int count)
        where T : unmanaged, IEquatable<T>
    {
        var map = new FixedDictionary<T>();
        count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            int before = map.Count;
            int idx = map.GetOrAdd(values[i]);
            if (idx == before && idx >= maxEntries) return false;
            indices[i] = idx;
            if (i == 4095 && map.Count > 3500) return false;
        }
        count = map.Count;
        PlainEncoding.EncodeFixed(map.Values, page);
        return true;
    }
}
