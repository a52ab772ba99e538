using System.Text;
using DeltaLite.Actions;
using DeltaLite.Parquet;
using DeltaLite.Partitions;
using DeltaLite.Schema;
using DeltaLite.Storage;

namespace DeltaLite.Writes;

/// <summary>
/// Writes rows of a table schema as data files: rows are routed to Hive-style partition folders, each file rolls
/// over at the target size, and every file becomes an <see cref="AddFile"/> with its statistics. Files are written
/// to their final names directly; they are invisible until a commit references them (vacuum removes orphans).
/// </summary>
internal sealed class DataFileWriter : IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly Parquet.Schema _logical;
    private readonly IReadOnlyList<string> _partitionColumns;
    private readonly ColumnMappingMode _mode;
    private readonly WriteOptions _options;
    private readonly long _targetSize;
    private readonly int _indexedColumns;
    private readonly Parquet.Schema _dataSchema;       // logical data (non-partition) columns
    private readonly Parquet.Schema _physicalSchema;   // as written to files
    private readonly int[] _dataColumns;
    private readonly int[] _partitionIndexes;
    private readonly Dictionary<string, OpenFile> _open = new(StringComparer.Ordinal);
    private readonly List<AddFile> _written = [];
    private long _clock;

    public DataFileWriter(IObjectStore store, Parquet.Schema logical, IReadOnlyList<string> partitionColumns,
        IReadOnlyDictionary<string, string> configuration, WriteOptions options)
    {
        _store = store;
        _logical = logical;
        _partitionColumns = partitionColumns;
        _mode = DeltaSchema.ParseColumnMappingMode(configuration);
        _options = options;
        _targetSize = options.TargetFileSize
            ?? (configuration.TryGetValue("delta.targetFileSize", out var t) && long.TryParse(t, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ts) && ts > 0 ? ts : 128L << 20);
        _indexedColumns = configuration.TryGetValue("delta.dataSkippingNumIndexedCols", out var n) && int.TryParse(n, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var k) ? k : 32;
        var partitionSet = partitionColumns.ToHashSet(StringComparer.Ordinal);
        _dataColumns = Enumerable.Range(0, logical.Count).Where(i => !partitionSet.Contains(logical[i].Name)).ToArray();
        _partitionIndexes = partitionColumns.Select(c => logical.IndexOf(c)).ToArray();
        _dataSchema = new Parquet.Schema(_dataColumns.Select(i => logical[i]).ToArray());
        _physicalSchema = DeltaSchema.ToPhysical(_dataSchema, _mode);
    }

    /// <summary>The files finished so far (all of them after <see cref="FinishAsync"/>).</summary>
    public IReadOnlyList<AddFile> Written => _written;

    public long RowsWritten { get; private set; }

    /// <summary>Writes a batch whose schema is the table's logical schema.</summary>
    public async Task WriteAsync(RecordBatch batch, CancellationToken ct)
    {
        if (batch.RowCount == 0) return;
        if (_partitionColumns.Count == 0)
        {
            await WriteToAsync("", [], batch, ct).ConfigureAwait(false);
            return;
        }
        // Group rows by their serialized partition values.
        var groups = new Dictionary<string, (List<(string, string?)> Values, List<int> Rows)>(StringComparer.Ordinal);
        var key = new StringBuilder();
        var texts = new string?[_partitionIndexes.Length];
        for (int r = 0; r < batch.RowCount; r++)
        {
            key.Clear();
            for (int p = 0; p < _partitionIndexes.Length; p++)
            {
                var field = _logical[_partitionIndexes[p]];
                string? text = PartitionValues.Serialize(batch.Columns[_partitionIndexes[p]].GetValue(r), field.Type);
                texts[p] = text;
                key.Append(text is null ? "\0N" : "\0V").Append(text);
            }
            string k = key.ToString();
            if (!groups.TryGetValue(k, out var g))
            {
                var values = new List<(string, string?)>(_partitionIndexes.Length);
                for (int p = 0; p < _partitionIndexes.Length; p++) values.Add((DeltaSchema.PhysicalName(_logical[_partitionIndexes[p]], _mode), texts[p]));
                groups[k] = g = (values, []);
            }
            g.Rows.Add(r);
        }
        foreach (var (k, g) in groups)
            await WriteToAsync(k, g.Values, VectorOps.Take(batch, g.Rows.ToArray()), ct).ConfigureAwait(false);
    }

    private async Task WriteToAsync(string key, List<(string Column, string? Value)> partition, RecordBatch rows, CancellationToken ct)
    {
        if (!_open.TryGetValue(key, out var file))
        {
            if (_open.Count >= _options.MaxOpenFiles)
            {
                var oldest = _open.MinBy(kv => kv.Value.LastUsed);
                await CloseAsync(oldest.Key, ct).ConfigureAwait(false);
            }
            file = await OpenAsync(partition, ct).ConfigureAwait(false);
            _open[key] = file;
        }
        file.LastUsed = ++_clock;
        var data = new RecordBatch(_physicalSchema, _dataColumns.Select(i => rows.Columns[i]).ToArray(), rows.RowCount);
        TrackNaN(file, data);
        file.Writer.Write(data);
        file.Rows += rows.RowCount;
        RowsWritten += rows.RowCount;
        // Flushed bytes are exact; below 1 MiB targets a row group never flushes on its own, so buffered values count too.
        if (file.Writer.BytesWritten >= _targetSize || file.Writer.BufferedBytesEstimate >= _targetSize) await CloseAsync(key, ct).ConfigureAwait(false);
    }

    private static void TrackNaN(OpenFile file, RecordBatch data)
    {
        for (int c = 0; c < data.Columns.Count; c++)
        {
            string name = data.Schema[c].Name;
            if (file.NaN.Contains(name)) continue;
            bool nan = data.Columns[c] switch
            {
                PrimitiveVector<double> d => HasNaN(d.Values.AsSpan(0, d.Length)),
                PrimitiveVector<float> f => HasNaN(f.Values.AsSpan(0, f.Length)),
                _ => false,
            };
            if (nan) file.NaN.Add(name);
        }
    }

    private static bool HasNaN(ReadOnlySpan<double> values)
    {
        foreach (var v in values) if (double.IsNaN(v)) return true;
        return false;
    }

    private static bool HasNaN(ReadOnlySpan<float> values)
    {
        foreach (var v in values) if (float.IsNaN(v)) return true;
        return false;
    }

    private async Task<OpenFile> OpenAsync(List<(string Column, string? Value)> partition, CancellationToken ct)
    {
        string codec = _options.Compression.ToString().ToLowerInvariant() switch { "uncompressed" => "none", "lz4raw" => "lz4", var c => c };
        string name = $"part-{Guid.NewGuid()}.{codec}.parquet";
        string relative = partition.Count == 0 ? name : PartitionValues.RelativePath(partition) + "/" + name;
        var stream = await _store.CreateAsync(relative, ct).ConfigureAwait(false);
        ParquetWriter writer;
        try
        {
            // (the writer starts the file at once: a full disk can fail it here)
            writer = new ParquetWriter(stream, _physicalSchema, new ParquetWriterOptions
            {
                Compression = _options.Compression,
                RowGroupMaxRows = _options.RowGroupMaxRows,
                RowGroupMaxBytes = Math.Max(1 << 20, Math.Min(_options.RowGroupMaxBytes, _targetSize)),
                StatisticsTruncateLength = 4096,
            }, leaveOpen: true);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new OpenFile(relative, partition, stream, writer);
    }

    private async Task CloseAsync(string key, CancellationToken ct)
    {
        var file = _open[key];
        file.Writer.Close();
        await file.Stream.CompleteAsync(ct).ConfigureAwait(false);
        // Only a published file leaves the open list: when closing fails (a full disk while the last pages and the
        // footer are written), DisposeAsync still abandons its stream, so no temp file or half-written block stays.
        _open.Remove(key);
        await file.Stream.DisposeAsync().ConfigureAwait(false);
        long size = file.Writer.BytesWritten;
        string stats = DeltaStatistics.Build(_dataSchema, _mode, file.Rows, file.Writer.GetStatistics(), file.NaN, _indexedColumns);
        var partitionValues = file.Partition.ToDictionary(p => p.Column, p => p.Value, StringComparer.Ordinal);
        _written.Add(new AddFile(PartitionValues.ToUriPath(file.Path), partitionValues, size, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), true, stats));
        Diagnostics.FaultPoints.Reach("data-file-written");
    }

    /// <summary>Closes every open file; returns all add actions.</summary>
    public async Task<IReadOnlyList<AddFile>> FinishAsync(CancellationToken ct)
    {
        foreach (var key in _open.Keys.ToList()) await CloseAsync(key, ct).ConfigureAwait(false);
        Diagnostics.FaultPoints.Reach("after-data-files");
        return _written;
    }

    /// <summary>Abandons open files (their objects are never published).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var f in _open.Values) await f.Stream.DisposeAsync().ConfigureAwait(false);
        _open.Clear();
    }

    private sealed class OpenFile(string path, List<(string Column, string? Value)> partition, ObjectWriteStream stream, ParquetWriter writer)
    {
        public string Path { get; } = path;
        public List<(string Column, string? Value)> Partition { get; } = partition;
        public ObjectWriteStream Stream { get; } = stream;
        public ParquetWriter Writer { get; } = writer;
        public long Rows { get; set; }
        public long LastUsed { get; set; }
        public HashSet<string> NaN { get; } = new(StringComparer.Ordinal);
    }
}
