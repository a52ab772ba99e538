using System.Buffers;
using System.Buffers.Binary;
using DeltaLite.Parquet.Compression;
using DeltaLite.Parquet.Encodings;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Shapes;

namespace DeltaLite.Parquet.Reading;

/// <summary>Decodes the pages of one column chunk into levels and dense values.</summary>
internal sealed class ColumnChunkDecoder
{
    private const long MaxPageSize = 1L << 30;

    private readonly LeafShape _leaf;
    private readonly ColumnMetaData _meta;
    private readonly string _file;
    private readonly int _rowGroup;
    private readonly LeafData _out = new();

    // Dictionary of the chunk, decoded PLAIN into the same storage as values.
    private LeafData? _dict;
    private int _levelCapacity;
    private int _valueCapacity;

    private ColumnChunkDecoder(LeafShape leaf, ColumnMetaData meta, string file, int rowGroup)
    {
        _leaf = leaf;
        _meta = meta;
        _file = file;
        _rowGroup = rowGroup;
    }

    /// <summary>Decodes a chunk given as its bytes from its first page (dictionary or data) to its end.</summary>
    public static LeafData Decode(LeafShape leaf, ColumnMetaData meta, ReadOnlySpan<byte> chunk, string file, int rowGroup)
    {
        var d = new ColumnChunkDecoder(leaf, meta, file, rowGroup);
        try
        {
            d.Run(chunk);
        }
        catch (ParquetFormatException e) when (e.Column is null)
        {
            throw d.Error(e.Message, e);
        }
        catch (Compression.UnsupportedCodecException e)
        {
            throw d.Error(e.Message, e);
        }
        catch (Exception e) when (ParquetReader.IsCorruption(e))
        {
            throw d.Error($"corrupt data ({e.Message})", e);
        }
        return d._out;
    }

    private ParquetFormatException Error(string message, Exception? inner = null)
    {
        string text = $"{_file}: row group {_rowGroup}, column '{_leaf.DottedPath}': {message}";
        return inner is null
            ? new ParquetFormatException(text) { FilePath = _file, RowGroup = _rowGroup, Column = _leaf.DottedPath }
            : new ParquetFormatException(text, inner) { FilePath = _file, RowGroup = _rowGroup, Column = _leaf.DottedPath };
    }

    private void Run(ReadOnlySpan<byte> chunk)
    {
        long expected = _meta.NumValues;
        if (expected < 0 || expected > int.MaxValue) throw Error($"num_values {expected} is out of range.");
        // Every level entry needs at least one bit in the chunk unless levels are absent; cap capacity by what the bytes can hold.
        _levelCapacity = (int)expected;
        AllocateLevels((int)Math.Min(expected, 1 << 16));

        int pos = 0;
        while (_out.LevelCount < expected)
        {
            if (pos >= chunk.Length)
                throw Error($"the chunk ends after {_out.LevelCount} of {expected} values (byte {pos}).");
            PageHeader header;
            int headerLength;
            try
            {
                header = PageHeader.Parse(chunk[pos..], out headerLength);
            }
            catch (ParquetFormatException e)
            {
                throw Error($"bad page header at chunk byte {pos}: {e.Message}", e);
            }
            pos += headerLength;
            int size = header.CompressedPageSize;
            if (size < 0 || size > chunk.Length - pos)
                throw Error($"page at chunk byte {pos} claims {size} bytes; only {chunk.Length - pos} remain.");
            var body = chunk.Slice(pos, size);
            // Pages that carry a checksum are verified: damage inside a value would otherwise read as another value.
            if (header.Crc is int crc && IO.PageChecksum.Compute(body) != crc)
                throw Error($"the page at chunk byte {pos} fails its checksum (CRC-32 {(uint)IO.PageChecksum.Compute(body):x8}, header says {(uint)crc:x8}): the file is damaged.");
            pos += size;
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    ReadDictionaryPage(header, body);
                    break;
                case PageType.DataPage:
                    ReadDataPageV1(header, body);
                    break;
                case PageType.DataPageV2:
                    ReadDataPageV2(header, body);
                    break;
                case PageType.IndexPage:
                    break;
                default:
                    throw Error($"unknown page type {(int)header.Type}.");
            }
        }
    }

    private byte[]? Decompress(ReadOnlySpan<byte> body, int uncompressedSize, out ReadOnlySpan<byte> result)
    {
        if (uncompressedSize < 0 || uncompressedSize > MaxPageSize)
            throw Error($"page claims {uncompressedSize} uncompressed bytes.");
        if (_meta.Codec == CompressionCodec.Uncompressed)
        {
            if (uncompressedSize != body.Length && uncompressedSize > body.Length)
                throw Error($"uncompressed page holds {body.Length} bytes, its header says {uncompressedSize}.");
            result = body;
            return null;
        }
        // Compression ratios above 1:65536 do not occur in practice; a larger claim is a corrupt length.
        if (uncompressedSize > (long)body.Length * 65536 + 65536)
            throw Error($"page claims {uncompressedSize} uncompressed bytes from {body.Length} compressed.");
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(uncompressedSize, 1));
        try
        {
            PageCompression.Decompress(_meta.Codec, body, buffer.AsSpan(0, uncompressedSize));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        result = buffer.AsSpan(0, uncompressedSize);
        return buffer;
    }

    private void ReadDictionaryPage(PageHeader header, ReadOnlySpan<byte> body)
    {
        var h = header.DictionaryPageHeader ?? throw Error("dictionary page without its header.");
        if (h.Encoding is not (Encoding.Plain or Encoding.PlainDictionary))
            throw Error($"dictionary page encoding {h.Encoding} is not supported.");
        if (h.NumValues < 0) throw Error($"dictionary page has {h.NumValues} values.");
        var rented = Decompress(body, header.UncompressedPageSize, out var data);
        try
        {
            if (h.NumValues > data.Length * 8L + 1 && _leaf.Physical != PhysicalType.ByteArray)
                throw Error($"dictionary claims {h.NumValues} values in {data.Length} bytes.");
            _dict = new LeafData();
            DecodePlain(data, h.NumValues, _dict, 0);
            _dict.ValueCount = h.NumValues;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ReadDataPageV1(PageHeader header, ReadOnlySpan<byte> body)
    {
        var h = header.DataPageHeader ?? throw Error("data page without its header.");
        int n = h.NumValues;
        CheckPageCount(n);
        var rented = Decompress(body, header.UncompressedPageSize, out var data);
        try
        {
            int pos = 0;
            int start = _out.LevelCount;
            if (_leaf.RepLevel > 0) pos += ReadLevelsV1(data[pos..], h.RepetitionLevelEncoding, _leaf.RepLevel, _out.Rep!.AsSpan(start, n), "repetition");
            if (_leaf.DefLevel > 0) pos += ReadLevelsV1(data[pos..], h.DefinitionLevelEncoding, _leaf.DefLevel, _out.Def!.AsSpan(start, n), "definition");
            ReadValues(h.Encoding, data[pos..], n);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ReadDataPageV2(PageHeader header, ReadOnlySpan<byte> body)
    {
        var h = header.DataPageHeaderV2 ?? throw Error("data page v2 without its header.");
        int n = h.NumValues;
        CheckPageCount(n);
        int repLen = h.RepetitionLevelsByteLength, defLen = h.DefinitionLevelsByteLength;
        if (repLen < 0 || defLen < 0 || (long)repLen + defLen > body.Length)
            throw Error($"data page v2 level lengths {repLen}+{defLen} exceed the page's {body.Length} bytes.");
        int start = _out.LevelCount;
        if (_leaf.RepLevel > 0)
            RleBitPackedHybrid.Decode(body[..repLen], RleBitPackedHybrid.BitWidth(_leaf.RepLevel), _out.Rep!.AsSpan(start, n));
        if (_leaf.DefLevel > 0)
            RleBitPackedHybrid.Decode(body.Slice(repLen, defLen), RleBitPackedHybrid.BitWidth(_leaf.DefLevel), _out.Def!.AsSpan(start, n));
        var values = body[(repLen + defLen)..];
        byte[]? rented = null;
        if (h.IsCompressed && _meta.Codec != CompressionCodec.Uncompressed)
        {
            int size = header.UncompressedPageSize - repLen - defLen;
            rented = Decompress(values, size, out values);
        }
        try
        {
            ReadValues(h.Encoding, values, n);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void CheckPageCount(int n)
    {
        if (n < 0 || (long)_out.LevelCount + n > _levelCapacity)
            throw Error($"a page adds {n} values to {_out.LevelCount}, past the chunk's num_values {_levelCapacity}.");
        EnsureLevels(_out.LevelCount + n);
    }

    private int ReadLevelsV1(ReadOnlySpan<byte> data, Encoding encoding, int maxLevel, Span<int> dst, string what)
    {
        int width = RleBitPackedHybrid.BitWidth(maxLevel);
        if (encoding == Encoding.Rle)
        {
            if (data.Length < 4) throw Error($"{what} levels: the page ends before their length.");
            int len = BinaryPrimitives.ReadInt32LittleEndian(data);
            if (len < 0 || len > data.Length - 4) throw Error($"{what} levels claim {len} bytes; the page has {data.Length - 4} left.");
            RleBitPackedHybrid.Decode(data.Slice(4, len), width, dst);
            CheckLevels(dst, maxLevel, what);
            return 4 + len;
        }
        if (encoding == Encoding.BitPacked)
        {
            int used = LegacyBitPacked.Decode(data, width, dst);
            CheckLevels(dst, maxLevel, what);
            return used;
        }
        throw Error($"{what} levels use unsupported encoding {encoding}.");
    }

    private void CheckLevels(Span<int> levels, int max, string what)
    {
        foreach (int l in levels)
            if ((uint)l > (uint)max) throw Error($"{what} level {l} exceeds the column's maximum {max}.");
    }

    private void ReadValues(Encoding encoding, ReadOnlySpan<byte> data, int n)
    {
        int start = _out.LevelCount;
        int nonNull = n;
        if (_leaf.DefLevel > 0)
        {
            nonNull = 0;
            int max = _leaf.DefLevel;
            foreach (int d in _out.Def!.AsSpan(start, n)) if (d == max) nonNull++;
        }
        if (_leaf.RepLevel > 0 && start == 0 && n > 0 && _out.Rep![0] != 0)
            throw Error("the first value of the chunk does not start a row (repetition level is not 0).");
        EnsureValues(_out.ValueCount + nonNull);
        switch (encoding)
        {
            case Encoding.Plain:
                DecodePlain(data, nonNull, _out, _out.ValueCount);
                break;
            case Encoding.PlainDictionary:
            case Encoding.RleDictionary:
                DecodeDictionaryIndices(data, nonNull);
                break;
            case Encoding.Rle when _leaf.Physical == PhysicalType.Boolean:
                {
                    if (data.Length < 4) throw Error("RLE booleans: the page ends before their length.");
                    int len = BinaryPrimitives.ReadInt32LittleEndian(data);
                    if (len < 0 || len > data.Length - 4) throw Error($"RLE booleans claim {len} bytes; {data.Length - 4} remain.");
                    var tmp = ArrayPool<int>.Shared.Rent(Math.Max(nonNull, 1));
                    try
                    {
                        RleBitPackedHybrid.Decode(data.Slice(4, len), 1, tmp.AsSpan(0, nonNull));
                        var bools = _out.Bools!;
                        for (int i = 0; i < nonNull; i++) bools[_out.ValueCount + i] = tmp[i] != 0;
                    }
                    finally
                    {
                        ArrayPool<int>.Shared.Return(tmp);
                    }
                    break;
                }
            case Encoding.DeltaBinaryPacked:
                if (_leaf.Physical == PhysicalType.Int32) DeltaBinaryPacked.DecodeInt32(data, _out.Ints.AsSpan(_out.ValueCount, nonNull));
                else if (_leaf.Physical == PhysicalType.Int64) DeltaBinaryPacked.DecodeInt64(data, _out.Longs.AsSpan(_out.ValueCount, nonNull));
                else throw Error($"DELTA_BINARY_PACKED is not valid for {_leaf.Physical}.");
                break;
            case Encoding.DeltaLengthByteArray:
                if (_leaf.Physical != PhysicalType.ByteArray) throw Error($"DELTA_LENGTH_BYTE_ARRAY is not valid for {_leaf.Physical}.");
                DeltaLengthByteArray.Decode(data, nonNull, _out.Bytes!);
                break;
            case Encoding.DeltaByteArray:
                if (_leaf.Physical is not (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray)) throw Error($"DELTA_BYTE_ARRAY is not valid for {_leaf.Physical}.");
                DeltaByteArray.Decode(data, nonNull, _out.Bytes!);
                break;
            case Encoding.ByteStreamSplit:
                DecodeByteStreamSplit(data, nonNull);
                break;
            default:
                throw Error($"value encoding {encoding} ({(int)encoding}) is not supported.");
        }
        _out.ValueCount += nonNull;
        _out.LevelCount += n;
        if (_out.Bytes is not null && _out.Bytes.Count != _out.ValueCount)
            throw Error($"decoded {_out.Bytes.Count} byte arrays, expected {_out.ValueCount}.");
    }

    private void DecodeByteStreamSplit(ReadOnlySpan<byte> data, int n)
    {
        int at = _out.ValueCount;
        switch (_leaf.Physical)
        {
            case PhysicalType.Float:
                ByteStreamSplit.Decode(data, n, 4, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_out.Floats.AsSpan(at, n)));
                break;
            case PhysicalType.Double:
                ByteStreamSplit.Decode(data, n, 8, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_out.Doubles.AsSpan(at, n)));
                break;
            case PhysicalType.Int32:
                ByteStreamSplit.Decode(data, n, 4, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_out.Ints.AsSpan(at, n)));
                break;
            case PhysicalType.Int64:
                ByteStreamSplit.Decode(data, n, 8, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_out.Longs.AsSpan(at, n)));
                break;
            case PhysicalType.FixedLenByteArray:
                {
                    int w = _leaf.TypeLength;
                    if ((long)n * w > data.Length) throw Error($"BYTE_STREAM_SPLIT needs {(long)n * w} bytes, the page has {data.Length}.");
                    var tmp = ArrayPool<byte>.Shared.Rent(Math.Max(n * w, 1));
                    try
                    {
                        ByteStreamSplit.Decode(data, n, w, tmp.AsSpan(0, n * w));
                        for (int i = 0; i < n; i++) _out.Bytes!.Append(tmp.AsSpan(i * w, w));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(tmp);
                    }
                    break;
                }
            default:
                throw Error($"BYTE_STREAM_SPLIT is not valid for {_leaf.Physical}.");
        }
    }

    private void DecodeDictionaryIndices(ReadOnlySpan<byte> data, int n)
    {
        var dict = _dict ?? throw Error("a dictionary-encoded page comes before any dictionary page.");
        if (n == 0) return;
        if (data.Length < 1) throw Error("dictionary indices: the page is empty.");
        int width = data[0];
        if (width > 32) throw Error($"dictionary index bit width {width} is invalid.");
        var idx = ArrayPool<int>.Shared.Rent(n);
        try
        {
            var indices = idx.AsSpan(0, n);
            RleBitPackedHybrid.Decode(data[1..], width, indices);
            int size = dict.ValueCount;
            foreach (int i in indices)
                if ((uint)i >= (uint)size) throw Error($"dictionary index {i} is out of range (the dictionary has {size} entries).");
            int at = _out.ValueCount;
            switch (_leaf.Physical)
            {
                case PhysicalType.Boolean: Gather(dict.Bools!, indices, _out.Bools.AsSpan(at, n)); break;
                case PhysicalType.Int32: Gather(dict.Ints!, indices, _out.Ints.AsSpan(at, n)); break;
                case PhysicalType.Int64:
                case PhysicalType.Int96: Gather(dict.Longs!, indices, _out.Longs.AsSpan(at, n)); break;
                case PhysicalType.Float: Gather(dict.Floats!, indices, _out.Floats.AsSpan(at, n)); break;
                case PhysicalType.Double: Gather(dict.Doubles!, indices, _out.Doubles.AsSpan(at, n)); break;
                default:
                    {
                        var src = dict.Bytes!;
                        var dst = _out.Bytes!;
                        long total = 0;
                        foreach (int i in indices) total += src.Offsets[i + 1] - src.Offsets[i];
                        if (total > Array.MaxLength) throw Error("dictionary-decoded strings exceed 2 GiB in one chunk.");
                        dst.Reserve(n, (int)total);
                        foreach (int i in indices) dst.Append(src[i]);
                        break;
                    }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(idx);
        }
    }

    private static void Gather<T>(T[] dict, ReadOnlySpan<int> indices, Span<T> dst)
    {
        for (int i = 0; i < indices.Length; i++) dst[i] = dict[indices[i]];
    }

    /// <summary>Decodes <paramref name="n"/> PLAIN values into <paramref name="target"/> at <paramref name="at"/>.</summary>
    private void DecodePlain(ReadOnlySpan<byte> data, int n, LeafData target, int at)
    {
        switch (_leaf.Physical)
        {
            case PhysicalType.Boolean:
                if (n > data.Length * 8L) throw Error($"PLAIN booleans: {n} values need {(n + 7) / 8} bytes, the page has {data.Length}.");
                Grow(ref target.Bools, at + n);
                PlainEncoding.DecodeBooleans(data, target.Bools.AsSpan(at, n));
                break;
            case PhysicalType.Int32:
                CheckFixed(data, n, 4);
                Grow(ref target.Ints, at + n);
                PlainEncoding.DecodeFixed(data, target.Ints.AsSpan(at, n));
                break;
            case PhysicalType.Int64:
                CheckFixed(data, n, 8);
                Grow(ref target.Longs, at + n);
                PlainEncoding.DecodeFixed(data, target.Longs.AsSpan(at, n));
                break;
            case PhysicalType.Int96:
                CheckFixed(data, n, 12);
                Grow(ref target.Longs, at + n);
                PlainEncoding.DecodeInt96Micros(data, target.Longs.AsSpan(at, n));
                break;
            case PhysicalType.Float:
                CheckFixed(data, n, 4);
                Grow(ref target.Floats, at + n);
                PlainEncoding.DecodeFixed(data, target.Floats.AsSpan(at, n));
                break;
            case PhysicalType.Double:
                CheckFixed(data, n, 8);
                Grow(ref target.Doubles, at + n);
                PlainEncoding.DecodeFixed(data, target.Doubles.AsSpan(at, n));
                break;
            case PhysicalType.ByteArray:
                if (n > data.Length / 4) throw Error($"PLAIN byte arrays: {n} values cannot fit in {data.Length} bytes.");
                target.Bytes ??= new ByteArrayBuilder(n, Math.Max(16, data.Length - 4 * n));
                PlainEncoding.DecodeByteArrays(data, n, target.Bytes);
                break;
            case PhysicalType.FixedLenByteArray:
                CheckFixed(data, n, _leaf.TypeLength);
                target.Bytes ??= new ByteArrayBuilder(n, Math.Max(16, n * _leaf.TypeLength));
                PlainEncoding.DecodeFixedLenByteArrays(data, n, _leaf.TypeLength, target.Bytes);
                break;
            default:
                throw Error($"physical type {(int)_leaf.Physical} is not supported.");
        }
    }

    private void CheckFixed(ReadOnlySpan<byte> data, int n, int width)
    {
        if ((long)n * width > data.Length) throw Error($"PLAIN values: {n} of {width} bytes need {(long)n * width} bytes, the page has {data.Length}.");
    }

    private static void Grow<T>(ref T[]? array, int size)
    {
        if (array is null) array = new T[Math.Max(size, 16)];
        else if (array.Length < size) Array.Resize(ref array, Math.Max(size, (int)Math.Min(Array.MaxLength, array.Length * 2L)));
    }

    private void AllocateLevels(int capacity)
    {
        if (_leaf.DefLevel > 0) _out.Def = new int[Math.Max(capacity, 1)];
        if (_leaf.RepLevel > 0) _out.Rep = new int[Math.Max(capacity, 1)];
    }

    private void EnsureLevels(int size)
    {
        if (_leaf.DefLevel > 0 && _out.Def!.Length < size) Grow(ref _out.Def, size);
        if (_leaf.RepLevel > 0 && _out.Rep!.Length < size) Grow(ref _out.Rep, size);
    }

    private void EnsureValues(int size)
    {
        if (size <= _valueCapacity) return;
        switch (_leaf.Physical)
        {
            case PhysicalType.Boolean: Grow(ref _out.Bools, size); break;
            case PhysicalType.Int32: Grow(ref _out.Ints, size); break;
            case PhysicalType.Int64:
            case PhysicalType.Int96: Grow(ref _out.Longs, size); break;
            case PhysicalType.Float: Grow(ref _out.Floats, size); break;
            case PhysicalType.Double: Grow(ref _out.Doubles, size); break;
            default: _out.Bytes ??= new ByteArrayBuilder(size, 1024); break;
        }
        _valueCapacity = size;
    }
}
