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
    private readonly LeafData _out;

    // Dictionary of the chunk, decoded PLAIN into the same storage as values.
    private LeafData? _dict;
    private int _levelCapacity;
    private int _valueCapacity;

    // Incremental decoding (TakeRows): the chunk, the next page's offset, and what earlier batches took.
    private byte[]? _chunk;
    private int _chunkLength;
    private int _pos;

    // Expected level entries (and at most as many values) to hold at once: first allocations take this size, so
    // arrays are not grown (and copied) page after page.
    private int _hint;
    private long _takenLevels;
    private int _rowStarts;        // level entries with repetition level 0 among _out[_lvStart, _scanned)
    private int _scanned;
    private int _lvStart;          // first level entry / value of _out not yet handed out
    private int _vStart;

    private ColumnChunkDecoder(LeafShape leaf, ColumnMetaData meta, string file, int rowGroup, LeafData? buffers = null)
    {
        _out = buffers ?? new LeafData();
        _out.LevelCount = 0;
        _out.ValueCount = 0;
        _out.Bytes?.Clear();
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
        Start(chunk.Length, null);
        int pos = 0;
        while (_out.LevelCount < _levelCapacity) DecodePage(chunk, ref pos);
    }

    private void Start(int chunkLength, int? rowsPerTake)
    {
        long expected = _meta.NumValues;
        if (expected < 0 || expected > int.MaxValue) throw Error($"num_values {expected} is out of range.");
        _levelCapacity = (int)expected;
        // RLE levels can claim any count in a few bytes: trust num_values only as far as the chunk's size makes plausible.
        long hint = Math.Min(expected, Math.Max(1L << 16, 8L * chunkLength));
        if (rowsPerTake is int rows) hint = Math.Min(hint, rows + 1024L);
        _hint = (int)Math.Max(hint, 1);
        AllocateLevels(_hint);
    }

    /// <summary>Level entries decoded so far, including those handed out by <see cref="TakeRows"/>.</summary>
    private long Decoded => _takenLevels + _out.LevelCount;

    /// <summary>Decodes the page at <paramref name="pos"/> (dictionary, data or index) and moves past it.</summary>
    private void DecodePage(ReadOnlySpan<byte> chunk, ref int pos)
    {
        if (pos >= chunk.Length)
            throw Error($"the chunk ends after {Decoded} of {_levelCapacity} values (byte {pos}).");
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

    /// <summary>Prepares page-by-page decoding of a chunk given as its bytes from its first page to its end.</summary>
    /// <remarks>
    /// The chunk is bytes [0, <paramref name="length"/>) of <paramref name="chunk"/>; batches will be about
    /// <paramref name="rowsPerTake"/> rows. <paramref name="recycle"/>, a finished decoder of the same leaf, lends its
    /// page buffers: reading row group after row group then allocates no new page-sized arrays.
    /// </remarks>
    public static ColumnChunkDecoder Open(LeafShape leaf, ColumnMetaData meta, byte[] chunk, int length, int rowsPerTake, string file, int rowGroup,
        ColumnChunkDecoder? recycle = null)
    {
        var d = new ColumnChunkDecoder(leaf, meta, file, rowGroup, recycle?._out) { _chunk = chunk, _chunkLength = length };
        d.Guard(() => d.Start(length, rowsPerTake));
        return d;
    }

    /// <summary>
    /// Decodes pages until <paramref name="rows"/> whole rows are buffered (or the chunk is done) and hands out exactly
    /// those rows' levels and values, keeping the rest of the last page for the next call.
    /// </summary>
    public LeafData TakeRows(int rows)
    {
        LeafData? head = null;
        Guard(() => head = TakeRowsCore(rows));
        return head!;
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (ParquetFormatException e) when (e.Column is null)
        {
            throw Error(e.Message, e);
        }
        catch (Compression.UnsupportedCodecException e)
        {
            throw Error(e.Message, e);
        }
        catch (Exception e) when (ParquetReader.IsCorruption(e))
        {
            throw Error($"corrupt data ({e.Message})", e);
        }
    }

    private LeafData TakeRowsCore(int rows)
    {
        var chunk = _chunk ?? throw new InvalidOperationException("The decoder was not opened for page-by-page reads.");
        while (Decoded < _levelCapacity && CompleteRows() < rows)
        {
            Compact();
            DecodePage(chunk.AsSpan(0, _chunkLength), ref _pos);
        }
        CompleteRows();
        // Entries [_lvStart, cut) hold the next `rows` rows (fewer at the chunk's end).
        int cut, taken;
        if (_leaf.RepLevel == 0)
        {
            cut = Math.Min(_lvStart + rows, _out.LevelCount);
            taken = cut - _lvStart;
        }
        else
        {
            cut = _out.LevelCount;
            taken = 0;
            var rep = _out.Rep!;
            for (int e = _lvStart; e < _out.LevelCount; e++)
            {
                if (rep[e] != 0) continue;
                if (taken == rows) { cut = e; break; }
                taken++;
            }
            _rowStarts -= taken;
        }
        // Asked for exactly the rows the row group still claims: fewer means the chunk does not hold them.
        if (taken < rows) throw Error($"the chunk holds fewer rows than its row group claims (asked for {rows}, {taken} left).");
        int levels = cut - _lvStart;
        int values = _leaf.DefLevel == 0 ? levels : _out.Def.AsSpan(_lvStart, levels).Count(_leaf.DefLevel);
        // The batch gets arrays of its own size (small batches stay out of the large object heap); the decoder keeps
        // its page-sized buffers for the rest of the chunk.
        var head = new LeafData
        {
            Def = Slice(_out.Def, _lvStart, levels), Rep = Slice(_out.Rep, _lvStart, levels), LevelCount = levels, ValueCount = values,
            Bools = Slice(_out.Bools, _vStart, values), Ints = Slice(_out.Ints, _vStart, values), Longs = Slice(_out.Longs, _vStart, values),
            Floats = Slice(_out.Floats, _vStart, values), Doubles = Slice(_out.Doubles, _vStart, values),
        };
        if (_out.Bytes is { } bytes)
        {
            head.Bytes = new ByteArrayBuilder(values, Math.Max(16, bytes.Offsets[_vStart + values] - bytes.Offsets[_vStart]));
            head.Bytes.AppendRange(bytes.Offsets, bytes.Data, _vStart, values);
        }
        _lvStart = cut;
        _vStart += values;
        return head;
    }

    /// <summary>Drops the entries and values already handed out, moving the rest of the page to the buffers' front.</summary>
    private void Compact()
    {
        if (_lvStart == 0 && _vStart == 0) return;
        int levels = _out.LevelCount - _lvStart, values = _out.ValueCount - _vStart;
        if (_out.Def is not null) _out.Def.AsSpan(_lvStart, levels).CopyTo(_out.Def);
        if (_out.Rep is not null) _out.Rep.AsSpan(_lvStart, levels).CopyTo(_out.Rep);
        if (_out.Bools is not null) _out.Bools.AsSpan(_vStart, values).CopyTo(_out.Bools);
        if (_out.Ints is not null) _out.Ints.AsSpan(_vStart, values).CopyTo(_out.Ints);
        if (_out.Longs is not null) _out.Longs.AsSpan(_vStart, values).CopyTo(_out.Longs);
        if (_out.Floats is not null) _out.Floats.AsSpan(_vStart, values).CopyTo(_out.Floats);
        if (_out.Doubles is not null) _out.Doubles.AsSpan(_vStart, values).CopyTo(_out.Doubles);
        _out.Bytes?.RemoveFront(_vStart);
        _takenLevels += _lvStart;
        _scanned -= _lvStart;
        _out.LevelCount = levels;
        _out.ValueCount = values;
        _lvStart = 0;
        _vStart = 0;
    }

    /// <summary>Rows buffered in full: with repetition, a row is whole once the next one starts or the chunk is done.</summary>
    private int CompleteRows()
    {
        if (_leaf.RepLevel == 0) return _out.LevelCount - _lvStart;
        var rep = _out.Rep!;
        for (; _scanned < _out.LevelCount; _scanned++) if (rep[_scanned] == 0) _rowStarts++;
        return Decoded >= _levelCapacity ? _rowStarts : Math.Max(0, _rowStarts - 1);
    }

    private static T[]? Slice<T>(T[]? source, int from, int count) => source?.AsSpan(from, count).ToArray();

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
        if (n < 0 || Decoded + n > _levelCapacity)
            throw Error($"a page adds {n} values to {Decoded}, past the chunk's num_values {_levelCapacity}.");
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
        if (IntSpans.MaxUnsigned(levels) <= (uint)max) return;
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
        if (_leaf.RepLevel > 0 && start == 0 && _takenLevels == 0 && n > 0 && _out.Rep![0] != 0)
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
            if (IntSpans.MaxUnsigned(indices) >= (uint)size)
            {
                foreach (int i in indices)
                    if ((uint)i >= (uint)size) throw Error($"dictionary index {i} is out of range (the dictionary has {size} entries).");
            }
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
                        long total = 0;
                        var offsets = src.Offsets;
                        foreach (int i in indices) total += offsets[i + 1] - offsets[i];
                        if (total > Array.MaxLength - _out.Bytes!.DataLength) throw Error("dictionary-decoded strings exceed 2 GiB in one chunk.");
                        _out.Bytes.AppendGather(src, indices, (int)total);
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
        if (_leaf.DefLevel > 0 && (_out.Def is null || _out.Def.Length < capacity)) _out.Def = new int[Math.Max(capacity, 1)];
        if (_leaf.RepLevel > 0 && (_out.Rep is null || _out.Rep.Length < capacity)) _out.Rep = new int[Math.Max(capacity, 1)];
    }

    private void EnsureLevels(int size)
    {
        if (_leaf.DefLevel > 0 && _out.Def!.Length < size) Grow(ref _out.Def, size);
        if (_leaf.RepLevel > 0 && _out.Rep!.Length < size) Grow(ref _out.Rep, size);
    }

    private void EnsureValues(int size)
    {
        if (size <= _valueCapacity) return;
        size = Math.Max(size, _hint);
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
