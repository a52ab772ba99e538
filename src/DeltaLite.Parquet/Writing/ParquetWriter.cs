using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Shapes;
using DeltaLite.Parquet.Threading;
using DeltaLite.Parquet.Writing;

namespace DeltaLite.Parquet;

/// <summary>
/// Writes batches to a Parquet file on any writable stream (it need not seek). Memory is bounded by one row group:
/// rows are shredded into per-column buffers as they arrive and encoded, both cores at once, when the group fills.
/// <see cref="DisposeAsync"/> or <see cref="CloseAsync"/> writes the footer; a writer abandoned before that leaves
/// an incomplete file that readers reject.
/// </summary>
public sealed class ParquetWriter : IAsyncDisposable, IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly ParquetWriterOptions _options;
    private readonly FileSchema _schema;
    private readonly LeafBuffer[] _buffers;
    private readonly List<RowGroup> _rowGroups = [];
    private readonly ChunkStatistics[] _fileStats;
    private long _position;
    private int _bufferedRows;
    private long _rowCount;
    private bool _closed;

    public ParquetWriter(Stream output, Schema schema, ParquetWriterOptions? options = null, bool leaveOpen = false)
    {
        if (!output.CanWrite) throw new ArgumentException("The output stream is not writable.", nameof(output));
        _output = output;
        _leaveOpen = leaveOpen;
        _options = options ?? new ParquetWriterOptions();
        if (_options.RowGroupMaxRows < 1) throw new ArgumentOutOfRangeException(nameof(options), "RowGroupMaxRows must be at least 1.");
        if (_options.PageSize < 64) throw new ArgumentOutOfRangeException(nameof(options), "PageSize must be at least 64 bytes.");
        if (!Compression.PageCompression.CanCompress(_options.Compression))
            throw new NotSupportedException($"Writing {_options.Compression} pages is not supported.");
        if (schema.Count == 0) throw new ArgumentException("A Parquet file needs at least one column.", nameof(schema));
        _schema = FileSchema.FromSchema(schema);
        _buffers = _schema.Leaves.Select(l => new LeafBuffer(l)).ToArray();
        _fileStats = _schema.Leaves.Select(_ => new ChunkStatistics()).ToArray();
        _output.Write(Magic);
        _position = Magic.Length;
    }

    /// <summary>Creates (or overwrites) a local file.</summary>
    public static ParquetWriter Create(string path, Schema schema, ParquetWriterOptions? options = null) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), schema, options);

    public Schema Schema => _schema.Schema;

    /// <summary>Rows accepted so far.</summary>
    public long RowCount => _rowCount + _bufferedRows;

    /// <summary>Bytes written to the stream so far (the whole file once closed).</summary>
    public long BytesWritten => _position;

    /// <summary>About how many bytes of values are buffered for the current row group (before encoding and compression).</summary>
    public long BufferedBytesEstimate => BufferedBytes();

    /// <summary>The footer, once the writer is closed.</summary>
    public FileMetaData? Metadata { get; private set; }

    /// <summary>Appends the rows of <paramref name="batch"/>; its schema must equal the writer's.</summary>
    public void Write(RecordBatch batch)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        CheckSchema(batch.Schema);
        int start = 0;
        while (start < batch.RowCount)
        {
            int take = Math.Min(batch.RowCount - start, _options.RowGroupMaxRows - _bufferedRows);
            ShredColumns(batch, start, take);
            _bufferedRows += take;
            start += take;
            if (_bufferedRows >= _options.RowGroupMaxRows || BufferedBytes() >= _options.RowGroupMaxBytes) FlushRowGroup();
        }
    }

    /// <summary>
    /// Shreds rows [start, start+take) of every column. Top-level columns own disjoint leaf buffers, so large slices
    /// are shredded on all cores at once.
    /// </summary>
    private void ShredColumns(RecordBatch batch, int start, int take)
    {
        int columns = batch.Columns.Count;
        if (columns < 2 || take < ParallelShredRows || Environment.ProcessorCount < 2)
        {
            for (int c = 0; c < columns; c++) Shredder.Shred(_schema.Columns[c], batch.Columns[c], start, take, _buffers);
            return;
        }
        Parallelism.For(columns, c => Shredder.Shred(_schema.Columns[c], batch.Columns[c], start, take, _buffers));
    }

    /// <summary>Below this many rows per call, shredding stays on the calling thread.</summary>
    private const int ParallelShredRows = 4096;

    public ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(batch);
        return ValueTask.CompletedTask;
    }

    private long BufferedBytes()
    {
        long total = 0;
        foreach (var b in _buffers) total += b.EstimatedBytes;
        return total;
    }

    private void CheckSchema(Schema schema)
    {
        if (schema.Equals(_schema.Schema)) return;
        var problems = new List<string>();
        var mine = _schema.Schema;
        for (int i = 0; i < Math.Max(mine.Count, schema.Count); i++)
        {
            if (i >= mine.Count) { problems.Add($"extra column '{schema[i].Name}' ({schema[i].Type})"); continue; }
            if (i >= schema.Count) { problems.Add($"missing column '{mine[i].Name}' ({mine[i].Type})"); continue; }
            var a = mine[i];
            var b = schema[i];
            if (a.Name != b.Name) problems.Add($"column {i} is '{b.Name}', expected '{a.Name}'");
            else if (!SameShape(a.Type, b.Type)) problems.Add($"column '{a.Name}' is {b.Type}, expected {a.Type}");
            else if (a.Nullable != b.Nullable && !a.Nullable) problems.Add($"column '{a.Name}' is nullable, the file's is not");
        }
        if (problems.Count > 0) throw new ArgumentException("The batch does not match the file's schema: " + string.Join("; ", problems) + ".");
    }

    /// <summary>
    /// Equal types, nested fields compared by name, type, nullability and field id only: field metadata is not
    /// written to the file, so a batch whose nested fields carry other metadata has the same shape.
    /// </summary>
    private static bool SameShape(DataType a, DataType b) => (a, b) switch
    {
        (StructType x, StructType y) => x.Fields.Count == y.Fields.Count && x.Fields.Zip(y.Fields).All(p => SameField(p.First, p.Second)),
        (ListType x, ListType y) => SameField(x.Element, y.Element),
        (MapType x, MapType y) => SameField(x.Key, y.Key) && SameField(x.Value, y.Value),
        _ => a.Equals(b),
    };

    private static bool SameField(Field a, Field b) =>
        a.Name == b.Name && a.Nullable == b.Nullable && a.FieldId == b.FieldId && SameShape(a.Type, b.Type);

    /// <summary>Encodes and writes the buffered rows as one row group (no-op when nothing is buffered).</summary>
    public void FlushRowGroup()
    {
        if (_bufferedRows == 0) return;
        int n = _buffers.Length;
        var chunks = new EncodedChunk?[n];
        var columns = new ColumnChunk[n];
        long groupStart = _position, uncompressed = 0;
        int nextToWrite = 0;
        var gate = new object();

        // Writes finished chunks in column order; whoever holds the gate writes, so the file write of early columns
        // overlaps the encoding of later ones.
        void Drain()
        {
            while (nextToWrite < n && Volatile.Read(ref chunks[nextToWrite]) is { } c)
            {
                int i = nextToWrite;
                long start = _position;
                _output.Write(c.Bytes.WrittenSpan);
                _position += c.Bytes.WrittenCount;
                c.Meta.DataPageOffset += start;
                if (c.Meta.DictionaryPageOffset is long d) c.Meta.DictionaryPageOffset = d + start;
                uncompressed += c.Meta.TotalUncompressedSize;
                columns[i] = new ColumnChunk { FileOffset = start, MetaData = c.Meta };
                _fileStats[i].Merge(c.Statistics, _buffers[i].Leaf);
                _buffers[i].Clear();
                nextToWrite++;
            }
        }

        // Columns are handed out in file order, one at a time, to one worker per core.
        Parallelism.For(n, i =>
        {
            Volatile.Write(ref chunks[i], ChunkEncoder.Encode(_buffers[i], _options));
            if (Monitor.TryEnter(gate))
            {
                try { Drain(); }
                finally { Monitor.Exit(gate); }
            }
        });
        lock (gate) Drain();
        if (nextToWrite != n) throw new InvalidOperationException($"Only {nextToWrite} of {n} column chunks were written.");
        _rowGroups.Add(new RowGroup
        {
            Columns = [.. columns],
            NumRows = _bufferedRows,
            TotalByteSize = uncompressed,
            FileOffset = groupStart,
            TotalCompressedSize = _position - groupStart,
            Ordinal = (short)Math.Min(_rowGroups.Count, short.MaxValue),
        });
        _rowCount += _bufferedRows;
        _bufferedRows = 0;
    }

    /// <summary>Writes the last row group and the footer, and flushes the stream.</summary>
    public void Close()
    {
        if (_closed) return;
        FlushRowGroup();
        var metadata = new FileMetaData
        {
            Version = 1,
            Schema = SchemaWriter.ToElements(_schema.Schema),
            NumRows = _rowCount,
            RowGroups = _rowGroups,
            CreatedBy = _options.CreatedBy,
            KeyValueMetadata = _options.KeyValueMetadata?.Select(kv => new KeyValue { Key = kv.Key, Value = kv.Value }).ToList(),
            ColumnOrders = _schema.Leaves.Select(_ => new ColumnOrder { IsTypeDefinedOrder = true }).ToList(),
        };
        var footer = metadata.Serialize();
        _output.Write(footer);
        Span<byte> len = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(len, footer.Length);
        _output.Write(len);
        _output.Write(Magic);
        _position += footer.Length + 8;
        _output.Flush();
        Metadata = metadata;
        _closed = true;
        if (!_leaveOpen) _output.Dispose();
    }

    public Task CloseAsync()
    {
        Close();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Per-leaf statistics of everything written (available after close): min/max as CLR values of the leaf's type,
    /// null counts, and value counts. Delta uses them for per-file stats.
    /// </summary>
    public IReadOnlyList<WrittenColumnStatistics> GetStatistics()
    {
        var list = new List<WrittenColumnStatistics>(_fileStats.Length);
        for (int i = 0; i < _fileStats.Length; i++)
        {
            var leaf = _schema.Leaves[i];
            var s = _fileStats[i];
            var decoded = StatisticsDecoder.Decode(leaf, s.ToThrift(leaf), null);
            list.Add(new WrittenColumnStatistics(leaf.Path, decoded.Min, decoded.Max, s.NullCount, s.ValueCount, s.MinExact, s.MaxExact));
        }
        return list;
    }

    public void Dispose() => Close();

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}

/// <summary>What a writer wrote to one leaf column: min and max (null when every value was null or unordered), nulls, level entries.</summary>
public sealed record WrittenColumnStatistics(IReadOnlyList<string> Path, object? Min, object? Max, long NullCount, long ValueCount,
    bool IsMinExact, bool IsMaxExact);
