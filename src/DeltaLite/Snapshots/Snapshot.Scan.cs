using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DeltaLite.Actions;
using DeltaLite.DeletionVectors;
using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Partitions;
using DeltaLite.Schema;
using DeltaLite.Storage;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Snapshots;

public sealed partial class Snapshot
{
    private ParquetSchema? _schema;
    private StatsLayout? _statsLayout;
    private IReadOnlyList<DeltaSchema.TypeChange>? _typeChanges;

    /// <summary>The table's logical schema at this version.</summary>
    public ParquetSchema Schema => _schema ??= DeltaSchema.Parse(Metadata.SchemaString);

    /// <summary>
    /// The type changes the schema records (type widening, <c>delta.typeChanges</c>): data files written before one
    /// hold the older type, and reads convert them to the current one.
    /// </summary>
    /// <exception cref="UnsupportedTableFeatureException">A recorded change is not a widening DeltaLite converts.</exception>
    public IReadOnlyList<DeltaSchema.TypeChange> TypeChanges => _typeChanges ??= DeltaSchema.GetTypeChanges(Schema);

    /// <summary>The column mapping mode of the table (none, name or id).</summary>
    public ColumnMappingMode ColumnMapping => DeltaSchema.ParseColumnMappingMode(Configuration);

    /// <summary>The physical name of a top-level column (its logical name without column mapping).</summary>
    public string PhysicalName(string column)
    {
        int i = Schema.IndexOf(column);
        if (i < 0) throw new ArgumentException($"{Store.DisplayRoot}: no column '{column}' at version {Version}.", nameof(column));
        return DeltaSchema.PhysicalName(Schema[i], ColumnMapping);
    }

    /// <summary>The typed partition values of a file, by logical column name.</summary>
    public Dictionary<string, object?> GetPartitionValues(AddFile file)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var column in PartitionColumns)
        {
            var field = Schema[Schema.IndexOf(column)];
            string key = DeltaSchema.PhysicalName(field, ColumnMapping);
            string? text = file.PartitionValues.TryGetValue(key, out var t) ? t : file.PartitionValues.TryGetValue(column, out var t2) ? t2 : null;
            values[column] = PartitionValues.Parse(text, field.Type);
        }
        return values;
    }

    /// <summary>The parsed statistics of a file (null when it has none).</summary>
    public FileStatistics? GetStatistics(AddFile file)
    {
        var layout = StatsColumns();
        return FileStatistics.Parse(file.Stats, layout.Columns, layout.WidenedFromFloat);
    }

    /// <summary>The stats columns by physical name, and those of them that were float (one object, so it is cached whole).</summary>
    private sealed record StatsLayout(Dictionary<string, (string Logical, DataType Type)> Columns, HashSet<string>? WidenedFromFloat);

    private StatsLayout StatsColumns()
    {
        if (_statsLayout is not null) return _statsLayout;
        var map = new Dictionary<string, (string, DataType)>(StringComparer.Ordinal);
        void Walk(IReadOnlyList<Field> fields, string logicalPrefix, string physicalPrefix)
        {
            foreach (var f in fields)
            {
                string logical = logicalPrefix + f.Name;
                string physical = physicalPrefix + DeltaSchema.PhysicalName(f, ColumnMapping);
                if (f.Type is StructType s) Walk(s.Fields, logical + ".", physical + ".");
                else map[physical] = (logical, f.Type);
            }
        }
        Walk(Schema.Fields, "", "");
        // Files written while a double column was a float have float-precision bounds ("0.1" for 0.1f, which as a
        // double is 0.100000001...): those columns' bounds are loosened to cover both readings.
        var fromFloat = TypeChanges.Where(c => c.From.Kind == TypeKind.Float).Select(c => c.Column).ToHashSet(StringComparer.Ordinal);
        var widened = fromFloat.Count == 0 ? null : map.Where(kv => fromFloat.Contains(kv.Value.Item1)).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        return _statsLayout = new StatsLayout(map, widened);
    }

    /// <summary>The live files that may hold rows matching <paramref name="filter"/> (partition pruning and data skipping).</summary>
    public IReadOnlyList<AddFile> SelectFiles(Predicate? filter)
    {
        if (filter is null) return Files;
        var result = new List<AddFile>();
        foreach (var file in Files)
        {
            var partition = GetPartitionValues(file);
            if (filter.Evaluate(c => partition.TryGetValue(c, out var v) ? v : Predicate.Unknown) == false) continue;
            var stats = GetStatistics(file);
            if (stats is not null && !filter.MightMatch(new WithPartitions(stats, partition))) continue;
            result.Add(file);
        }
        return result;
    }

    /// <summary>Statistics with partition columns known exactly.</summary>
    private sealed class WithPartitions(FileStatistics stats, Dictionary<string, object?> partition) : IColumnStatistics
    {
        public long? NumRecords => stats.NumRecords;

        public (object? Min, object? Max) Bounds(string column) => partition.TryGetValue(column, out var v) ? (v, v) : stats.Bounds(column);

        public long? NullCount(string column) => partition.TryGetValue(column, out var v) ? (v is null ? stats.NumRecords : 0) : stats.NullCount(column);
    }

    /// <summary>
    /// The rows of this version: <paramref name="columns"/> (all when null) in that order, partition values filled in,
    /// deleted rows (deletion vectors) left out, and only rows matching <paramref name="filter"/>.
    /// </summary>
    public async IAsyncEnumerable<RecordBatch> ReadAsync(IReadOnlyList<string>? columns = null, Predicate? filter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var output = ResolveColumns(columns);
        var needed = output.ToList();
        if (filter is not null)
        {
            foreach (var c in filter.Columns)
            {
                string top = c.Split('.')[0];
                int i = Schema.IndexOf(top);
                if (i < 0) throw new ArgumentException($"{Store.DisplayRoot}: the filter names column '{c}', which the table does not have at version {Version}.");
                if (!needed.Contains(Schema[i])) needed.Add(Schema[i]);
            }
        }
        var outSchema = new ParquetSchema(output);
        var files = SelectFiles(filter);
        async IAsyncEnumerable<RecordBatch> ReadOne(AddFile file, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var batch in ReadFileAsync(file, needed, ct).ConfigureAwait(false))
            {
                var result = batch;
                if (filter is not null) result = ApplyFilter(result, filter);
                if (result.RowCount == 0) continue;
                if (needed.Count != output.Count) result = result.Select(output.Select(f => f.Name));
                yield return new RecordBatch(outSchema, result.Columns, result.RowCount);
            }
        }
        if (files.Count <= 1 || ReadAheadFiles <= 1)
        {
            foreach (var file in files)
                await foreach (var batch in ReadOne(file, cancellationToken).ConfigureAwait(false))
                    yield return batch;
            yield break;
        }
        await foreach (var batch in ReadAheadAsync(files, ReadOne, cancellationToken).ConfigureAwait(false))
            yield return batch;
    }

    /// <summary>How many files a scan decodes at once (the one being returned and the next ones), one per core, at most 4.</summary>
    private static readonly int ReadAheadFiles = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// The batches of <paramref name="files"/> in file order, while the next files are already being decoded on other
    /// threads: at most <see cref="ReadAheadFiles"/> files in flight, each holding at most one decoded batch that
    /// waits for the reader, so memory stays bounded. A failure in a file surfaces when the reader reaches that file;
    /// stopping early cancels the files in flight.
    /// </summary>
    private static async IAsyncEnumerable<RecordBatch> ReadAheadAsync(IReadOnlyList<AddFile> files,
        Func<AddFile, CancellationToken, IAsyncEnumerable<RecordBatch>> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<(Channel<RecordBatch> Batches, Task Producer)>();
        int next = 0;
        void StartNext()
        {
            var file = files[next++];
            var channel = Channel.CreateBounded<RecordBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            var producer = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in read(file, cts.Token).ConfigureAwait(false))
                        await channel.Writer.WriteAsync(batch, cts.Token).ConfigureAwait(false);
                    channel.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e);
                }
            }, CancellationToken.None);
            inFlight.Enqueue((channel, producer));
        }
        try
        {
            while (next < files.Count && inFlight.Count < ReadAheadFiles) StartNext();
            while (inFlight.TryPeek(out var current))
            {
                // WaitToReadAsync rethrows the producer's own exception when the file failed.
                while (await current.Batches.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    while (current.Batches.Reader.TryRead(out var batch))
                        yield return batch;
                inFlight.Dequeue();
                if (next < files.Count) StartNext();
            }
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            foreach (var (_, producer) in inFlight) await producer.ConfigureAwait(false);
        }
    }

    /// <summary>Every matching row in memory.</summary>
    public async Task<List<RecordBatch>> ReadAllAsync(IReadOnlyList<string>? columns = null, Predicate? filter = null, CancellationToken cancellationToken = default)
    {
        var list = new List<RecordBatch>();
        await foreach (var b in ReadAsync(columns, filter, cancellationToken).ConfigureAwait(false)) list.Add(b);
        return list;
    }

    /// <summary>The rows as a <see cref="System.Data.Common.DbDataReader"/> (streams; blocks the calling thread while it reads).</summary>
    public BatchDataReader GetDataReader(IReadOnlyList<string>? columns = null, Predicate? filter = null) =>
        new(new ParquetSchema(ResolveColumns(columns)), ReadAsync(columns, filter).ToBlockingEnumerable());

    /// <summary>Counts the rows of this version (from statistics when every file has them and nothing is deleted).</summary>
    public async Task<long> CountRowsAsync(Predicate? filter = null, CancellationToken cancellationToken = default)
    {
        if (filter is null)
        {
            long total = 0;
            bool exact = true;
            foreach (var f in Files)
            {
                var n = GetStatistics(f)?.NumRecords;
                if (n is null) { exact = false; break; }
                total += n.Value - (f.DeletionVector?.Cardinality ?? 0);
            }
            if (exact) return total;
        }
        long count = 0;
        var first = Schema.Fields.Count > 0 ? new[] { (PartitionColumns.Count > 0 ? PartitionColumns[0] : Schema[0].Name) } : null;
        await foreach (var b in ReadAsync(first, filter, cancellationToken).ConfigureAwait(false)) count += b.RowCount;
        return count;
    }

    private List<Field> ResolveColumns(IReadOnlyList<string>? columns)
    {
        if (columns is null) return Schema.Fields.ToList();
        var list = new List<Field>(columns.Count);
        foreach (var c in columns)
        {
            int i = Schema.IndexOf(c);
            if (i < 0)
                throw new ArgumentException($"{Store.DisplayRoot}: no column '{c}' at version {Version}. The table has: {string.Join(", ", Schema.Fields.Select(f => f.Name))}.", nameof(columns));
            list.Add(Schema[i]);
        }
        return list;
    }

    private RecordBatch ApplyFilter(RecordBatch batch, Predicate filter)
    {
        var mask = new bool[batch.RowCount];
        var cols = new Dictionary<string, ColumnVector>(StringComparer.Ordinal);
        for (int c = 0; c < batch.Columns.Count; c++) cols[batch.Schema[c].Name] = batch.Columns[c];
        for (int r = 0; r < batch.RowCount; r++)
        {
            int row = r;
            mask[r] = filter.Evaluate(name => Lookup(cols, name, row)) == true;
        }
        return VectorOps.Filter(batch, mask);
    }

    private static object? Lookup(Dictionary<string, ColumnVector> cols, string name, int row)
    {
        var parts = name.Split('.');
        if (!cols.TryGetValue(parts[0], out var v)) return Predicate.Unknown;
        for (int i = 1; i < parts.Length; i++)
        {
            if (v is not StructVector s) return Predicate.Unknown;
            if (s.IsNull(row)) return null;
            int k = ((StructType)s.Type).IndexOf(parts[i]);
            if (k < 0) return Predicate.Unknown;
            v = s.Children[k];
        }
        return v.GetValue(row);
    }

    /// <summary>Reads the given logical columns of one file, cast to the table's types, with deleted rows removed.</summary>
    internal async IAsyncEnumerable<RecordBatch> ReadFileAsync(AddFile file, IReadOnlyList<Field> fields, [EnumeratorCancellation] CancellationToken ct)
    {
        string path = ResolveDataPath(file.Path);
        var mode = ColumnMapping;
        var partitionSet = new HashSet<string>(PartitionColumns, StringComparer.Ordinal);
        RoaringBitmapArray? deleted = file.DeletionVector is null ? null
            : await DeletionVectorReader.ReadAsync(Store, file.DeletionVector, ct).ConfigureAwait(false);

        await using var reader = await OpenDataFileAsync(path, file.Size, ct).ConfigureAwait(false);
        var fileSchema = reader.Schema;
        // Which file column holds each wanted (non-partition) field.
        var fileColumns = new List<string>();
        var sources = new (Field Field, int FileIndex)[fields.Count];
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (partitionSet.Contains(f.Name)) { sources[i] = (f, -2); continue; }
            int idx = FindInFile(fileSchema, f, mode);
            if (idx >= 0 && !fileColumns.Contains(fileSchema[idx].Name)) fileColumns.Add(fileSchema[idx].Name);
            sources[i] = (f, idx);
        }
        var partitionText = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var column in PartitionColumns)
        {
            var field = Schema[Schema.IndexOf(column)];
            string key = DeltaSchema.PhysicalName(field, mode);
            partitionText[column] = file.PartitionValues.TryGetValue(key, out var t) ? t : file.PartitionValues.TryGetValue(column, out var t2) ? t2 : null;
        }

        long rowOffset = 0;
        var outSchema = new ParquetSchema(fields);
        RecordBatch Build(RecordBatch? raw, int n)
        {
            var vectors = new ColumnVector[fields.Count];
            for (int i = 0; i < fields.Count; i++)
            {
                var (field, idx) = sources[i];
                if (idx == -2) vectors[i] = PartitionValues.Constant(partitionText[field.Name], field.Type, n);
                else if (idx < 0)
                {
                    if (!field.Nullable) throw new DeltaLogException($"{Store.DisplayRoot}: data file '{path}' of version {Version} has no column for non-nullable '{field.Name}'.");
                    vectors[i] = ConstantVectors.Nulls(field.Type, n);
                }
                else
                {
                    var source = raw!.Column(fileSchema[idx].Name);
                    var physicalType = mode == ColumnMappingMode.None ? field.Type : DeltaSchema.ToPhysical(new ParquetSchema(field), mode)[0].Type;
                    var cast = ColumnCast.Cast(source, physicalType, field.Name);
                    vectors[i] = mode == ColumnMappingMode.None ? cast : Retype(cast, field.Type);
                }
            }
            var batch = new RecordBatch(outSchema, vectors, n);
            if (deleted is not null)
            {
                var keep = new bool[n];
                deleted.FillDeleted(keep, rowOffset);
                for (int r = 0; r < n; r++) keep[r] = !keep[r];
                batch = VectorOps.Filter(batch, keep);
            }
            rowOffset += n;
            return batch;
        }

        if (fileColumns.Count > 0)
        {
            // Bounded batches: a row group larger than ScanBatchRows (e.g. Spark's 128 MiB groups) is decoded page by
            // page, so memory does not follow the row-group size the file was written with.
            await foreach (var raw in reader.ReadBatchesAsync(ScanBatchRows, fileColumns, null, ct).ConfigureAwait(false))
                yield return Build(raw, raw.RowCount);
        }
        else
        {
            // Only partition values and absent columns: the row counts come from the footer.
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                ct.ThrowIfCancellationRequested();
                long claimed = reader.Metadata.RowGroups[g].NumRows;
                if (claimed is < 0 or > int.MaxValue)
                    throw new ParquetFormatException($"{reader.Name}: row group {g} claims {claimed} rows, more than one batch holds.") { FilePath = reader.Name, RowGroup = g };
                for (long left = claimed; left > 0;)
                {
                    int n = (int)Math.Min(ScanBatchRows, left);
                    yield return Build(null, n);
                    left -= n;
                }
            }
        }
    }

    /// <summary>
    /// The most rows of one batch a scan returns: whole row groups up to this size (DuckDB's and DeltaLite's 122,880-row
    /// groups come whole, decoded on every core), larger ones in slices.
    /// </summary>
    private const int ScanBatchRows = 131_072;

    private async Task<ParquetReader> OpenDataFileAsync(string path, long size, CancellationToken ct)
    {
        try
        {
            return await StoreParquet.OpenAsync(Store, path, size, ct).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            throw new DeltaLogException($"{Store.DisplayRoot}: data file '{path}' of version {Version} is missing (was it vacuumed or deleted by hand?).", e);
        }
    }

    /// <summary>
    /// The store path of a data file from its add.path (a URI-encoded relative path, or an absolute URI inside the
    /// table). A path that is empty, malformed, or leaves the table folder once decoded (<c>..</c> segments, also as
    /// <c>%2e%2e</c>; an absolute path elsewhere) is refused with a <see cref="DeltaLogException"/> naming it.
    /// </summary>
    public string ResolveDataPath(string addPath)
    {
        string resolved;
        if (addPath.Contains("://", StringComparison.Ordinal) || addPath.StartsWith('/'))
        {
            var root = Store.DisplayRoot.TrimEnd('/');
            var decoded = Uri.UnescapeDataString(addPath);
            resolved = "";
            foreach (var prefix in new[] { root + "/", "file://" + root + "/", "file:" + root + "/" })
            {
                if (decoded.StartsWith(prefix, StringComparison.Ordinal))
                {
                    resolved = decoded[prefix.Length..];
                    break;
                }
            }
            if (resolved.Length == 0)
                throw new DeltaLogException($"{Store.DisplayRoot}: data file '{addPath}' of version {Version} lies outside the table; absolute paths elsewhere are not supported.");
        }
        else
        {
            try
            {
                resolved = PartitionValues.FromUriPath(addPath);
            }
            catch (FormatException e)
            {
                throw new DeltaLogException($"{Store.DisplayRoot}: data file path '{addPath}' of version {Version} is malformed ({e.Message}).", e);
            }
        }
        if (resolved.Length == 0 || resolved.Contains('\0') || resolved.Split('/').Any(s => s is "" or "." or ".."))
            throw new DeltaLogException($"{Store.DisplayRoot}: data file path '{addPath}' of version {Version} is empty or leaves the table folder ('.', '..' or empty segments are not allowed).");
        return resolved;
    }

    private static int FindInFile(ParquetSchema fileSchema, Field field, ColumnMappingMode mode)
    {
        if (mode == ColumnMappingMode.Id && DeltaSchema.GetColumnMappingId(field) is int id)
        {
            for (int i = 0; i < fileSchema.Count; i++) if (fileSchema[i].FieldId == id) return i;
        }
        return fileSchema.IndexOf(DeltaSchema.PhysicalName(field, mode));
    }

    /// <summary>The same values under another type of the same shape (physical names back to logical names).</summary>
    private static ColumnVector Retype(ColumnVector v, DataType type) => (v, type) switch
    {
        (StructVector s, StructType t) => new StructVector(t, s.Children.Select((c, i) => Retype(c, t.Fields[i].Type)).ToArray(), s.Length, s.Validity),
        (ListVector l, ListType t) => new ListVector(t, l.Offsets, Retype(l.Values, t.Element.Type), l.Length, l.Validity),
        (MapVector m, MapType t) => new MapVector(t, m.Offsets, Retype(m.Keys, t.Key.Type), Retype(m.Values, t.Value.Type), m.Length, m.Validity),
        _ => v,
    };
}
