using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using DeltaLite.Parquet.IO;
using DeltaLite.Parquet.Metadata;
using DeltaLite.Parquet.Reading;
using DeltaLite.Parquet.Shapes;
using DeltaLite.Parquet.Threading;

namespace DeltaLite.Parquet;

/// <summary>
/// Reads a Parquet file: the footer once, then only the column chunks of the row groups and columns asked for.
/// Not thread-safe for concurrent reads of the same instance unless the source is (local files are).
/// </summary>
public sealed class ParquetReader : IAsyncDisposable, IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private const int TailGuess = 64 * 1024;

    private readonly IByteRangeSource _source;
    private readonly bool _ownsSource;
    private readonly FileSchema _schema;

    private ParquetReader(IByteRangeSource source, bool ownsSource, FileMetaData metadata, FileSchema schema)
    {
        _source = source;
        _ownsSource = ownsSource;
        Metadata = metadata;
        _schema = schema;
    }

    /// <summary>The footer as written.</summary>
    public FileMetaData Metadata { get; }

    /// <summary>The logical schema of the file.</summary>
    public Schema Schema => _schema.Schema;

    public string Name => _source.Name;

    public int RowGroupCount => Metadata.RowGroups.Count;

    public long RowCount => Metadata.NumRows;

    /// <summary>Opens a local file.</summary>
    public static Task<ParquetReader> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        FileByteRangeSource source;
        try
        {
            source = new FileByteRangeSource(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{path}: no such file.", path, e);
        }
        return OpenAsync(source, ownsSource: true, cancellationToken);
    }

    /// <summary>Opens a local file synchronously.</summary>
    public static ParquetReader Open(string path) => OpenAsync(path).GetAwaiter().GetResult();

    /// <summary>Opens a seekable stream.</summary>
    public static Task<ParquetReader> OpenAsync(Stream stream, string name = "<stream>", bool leaveOpen = false, CancellationToken cancellationToken = default) =>
        OpenAsync(new StreamByteRangeSource(stream, name, leaveOpen), ownsSource: true, cancellationToken);

    /// <summary>Opens any byte-range source (e.g. a remote object).</summary>
    public static async Task<ParquetReader> OpenAsync(IByteRangeSource source, bool ownsSource = true, CancellationToken cancellationToken = default)
    {
        try
        {
            var (metadata, schema) = await ReadFooterAsync(source, cancellationToken).ConfigureAwait(false);
            return new ParquetReader(source, ownsSource, metadata, schema);
        }
        catch
        {
            if (ownsSource) await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(FileMetaData, FileSchema)> ReadFooterAsync(IByteRangeSource source, CancellationToken ct)
    {
        string name = source.Name;
        long length = source.Length;
        if (length < 12)
            throw new ParquetFormatException($"{name}: {length} bytes is too short for a Parquet file (at least 12 needed).") { FilePath = name };
        int tailLength = (int)Math.Min(length, TailGuess);
        var tail = new byte[tailLength];
        await source.ReadAsync(length - tailLength, tail, ct).ConfigureAwait(false);
        if (!tail.AsSpan(tailLength - 4).SequenceEqual(Magic))
            throw new ParquetFormatException($"{name}: not a Parquet file (the last 4 bytes are not 'PAR1').") { FilePath = name };
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail.AsSpan(tailLength - 8));
        if (footerLength <= 0 || footerLength > length - 12)
            throw new ParquetFormatException($"{name}: the footer length {footerLength} does not fit a file of {length} bytes.") { FilePath = name };
        byte[] footer;
        if (footerLength + 8 <= tailLength)
        {
            footer = tail.AsSpan(tailLength - 8 - footerLength, footerLength).ToArray();
        }
        else
        {
            footer = new byte[footerLength];
            await source.ReadAsync(length - 8 - footerLength, footer, ct).ConfigureAwait(false);
        }
        var head = new byte[4];
        await source.ReadAsync(0, head, ct).ConfigureAwait(false);
        if (!head.AsSpan().SequenceEqual(Magic))
            throw new ParquetFormatException($"{name}: not a Parquet file (the first 4 bytes are not 'PAR1').") { FilePath = name };

        FileMetaData metadata;
        try
        {
            metadata = FileMetaData.Parse(footer);
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException($"{name}: corrupt footer: {e.Message}", e) { FilePath = name };
        }
        FileSchema schema;
        try
        {
            schema = FileSchema.FromElements(metadata.Schema, name);
        }
        catch (ParquetFormatException e) when (e.FilePath is null)
        {
            throw new ParquetFormatException($"{name}: {e.Message}", e) { FilePath = name };
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw new ParquetFormatException($"{name}: the schema in the footer is malformed ({e.Message}).", e) { FilePath = name };
        }
        Validate(metadata, schema, name, length);
        return (metadata, schema);
    }

    private static void Validate(FileMetaData m, FileSchema schema, string name, long length)
    {
        for (int g = 0; g < m.RowGroups.Count; g++)
        {
            var rg = m.RowGroups[g];
            if (rg.NumRows < 0) throw new ParquetFormatException($"{name}: row group {g} has {rg.NumRows} rows.") { FilePath = name, RowGroup = g };
            if (rg.Columns.Count != schema.Leaves.Count)
                throw new ParquetFormatException($"{name}: row group {g} has {rg.Columns.Count} column chunks; the schema has {schema.Leaves.Count} columns.") { FilePath = name, RowGroup = g };
            CheckChunksApart(rg, g, name);
        }
    }

    /// <summary>
    /// The column chunks of a row group lie apart: a damaged footer offset that points one column at another column's
    /// pages (valid pages, with valid checksums) would read that column's values as its own.
    /// </summary>
    private static void CheckChunksApart(RowGroup rg, int g, string name)
    {
        var ranges = new List<(long Start, long End, int Column)>(rg.Columns.Count);
        for (int c = 0; c < rg.Columns.Count; c++)
        {
            if (rg.Columns[c].MetaData is not { } m || rg.Columns[c].FilePath is not null) continue;
            long start = m.DataPageOffset;
            if (m.DictionaryPageOffset is long dict && dict > 0 && dict < start) start = dict;
            ranges.Add((start, start + Math.Max(0, m.TotalCompressedSize), c));
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Start < ranges[i - 1].End)
                throw new ParquetFormatException($"{name}: row group {g}: column chunks {ranges[i - 1].Column} and {ranges[i].Column} overlap (bytes {ranges[i].Start} to {Math.Min(ranges[i].End, ranges[i - 1].End)}); the footer is damaged.") { FilePath = name, RowGroup = g };
        }
    }

    /// <summary>Finds the leaves of the named top-level columns (all when null).</summary>
    private IReadOnlyList<ColumnShape> Project(IReadOnlyList<string>? columns)
    {
        if (columns is null) return _schema.Columns;
        var result = new List<ColumnShape>(columns.Count);
        foreach (var c in columns)
        {
            int i = _schema.Schema.IndexOf(c);
            if (i < 0)
                throw new ArgumentException($"{Name}: no column '{c}'. The file has: {string.Join(", ", _schema.Schema.Fields.Select(f => f.Name))}.", nameof(columns));
            result.Add(_schema.Columns[i]);
        }
        return result;
    }

    /// <summary>Exceptions that hostile bytes can provoke below the format checks; they are reported as format errors.</summary>
    internal static bool IsCorruption(Exception e) => e is IndexOutOfRangeException or ArgumentException or OverflowException
        or InvalidOperationException or InvalidCastException or NullReferenceException or KeyNotFoundException or EndOfStreamException
        or InvalidDataException or Compression.UnsupportedCodecException;

    /// <summary>Reads one row group, decoding only <paramref name="columns"/> (top-level names; all when null).</summary>
    public async Task<RecordBatch> ReadRowGroupAsync(int rowGroup, IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default)
    {
        if ((uint)rowGroup >= (uint)RowGroupCount) throw new ArgumentOutOfRangeException(nameof(rowGroup), rowGroup, $"{Name} has {RowGroupCount} row groups.");
        var shapes = Project(columns);
        var rg = Metadata.RowGroups[rowGroup];
        if (rg.NumRows is < 0 or > int.MaxValue) throw new ParquetFormatException($"{Name}: row group {rowGroup} claims {rg.NumRows} rows, more than one batch holds.") { FilePath = Name, RowGroup = rowGroup };
        // Chunk bytes are fetched one after another (sources need not be thread-safe), then decoded and assembled
        // on every core: columns are independent.
        var wanted = LeavesOf(shapes);
        var raw = new (ColumnMetaData Meta, byte[] Bytes, int Length)[wanted.Count];
        for (int i = 0; i < wanted.Count; i++)
            raw[i] = await FetchChunkAsync(rowGroup, rg.Columns[wanted[i].Index], wanted[i], cancellationToken).ConfigureAwait(false);
        var decoded = new LeafData[wanted.Count];
        Parallelism.For(wanted.Count, i =>
        {
            try
            {
                decoded[i] = ColumnChunkDecoder.Decode(wanted[i], raw[i].Meta, raw[i].Bytes.AsSpan(0, raw[i].Length), Name, rowGroup);
            }
            finally
            {
                // Decoding copies what it keeps: the chunk's buffer goes back to the pool.
                ArrayPool<byte>.Shared.Return(raw[i].Bytes);
                raw[i] = default;
            }
        });
        var vectors = Assemble(shapes, wanted, decoded, rg.NumRows, rowGroup);
        return new RecordBatch(new Schema(shapes.Select(s => s.Field).ToArray()), vectors, (int)rg.NumRows);
    }

    /// <summary>The distinct leaves under <paramref name="shapes"/>, in order.</summary>
    private static List<LeafShape> LeavesOf(IReadOnlyList<ColumnShape> shapes)
    {
        var wanted = new List<LeafShape>();
        var seen = new HashSet<int>();
        foreach (var shape in shapes)
            foreach (var leaf in shape.Leaves)
                if (seen.Add(leaf.Index)) wanted.Add(leaf);
        return wanted;
    }

    /// <summary>Builds the top-level vectors from decoded leaves, one column per core at a time.</summary>
    private ColumnVector[] Assemble(IReadOnlyList<ColumnShape> shapes, List<LeafShape> wanted, LeafData[] decoded, long rows, int rowGroup)
    {
        var leaves = new Dictionary<int, LeafData>(wanted.Count);
        for (int i = 0; i < wanted.Count; i++) leaves[wanted[i].Index] = decoded[i];
        var vectors = new ColumnVector[shapes.Count];
        Parallelism.For(shapes.Count, i =>
        {
            try
            {
                vectors[i] = ColumnAssembler.Build(shapes[i], leaves, rows, Name, rowGroup);
            }
            catch (ParquetFormatException e) when (e.FilePath is null)
            {
                throw new ParquetFormatException($"{Name}: row group {rowGroup}: {e.Message}", e) { FilePath = Name, RowGroup = rowGroup, Column = e.Column };
            }
            catch (Exception e) when (IsCorruption(e))
            {
                throw new ParquetFormatException($"{Name}: row group {rowGroup}, column '{shapes[i].Field.Name}': the levels or values are inconsistent ({e.Message}).", e)
                { FilePath = Name, RowGroup = rowGroup, Column = shapes[i].Field.Name };
            }
        });
        return vectors;
    }

    /// <summary>
    /// Default batch size of <see cref="ReadBatchesAsync"/>: 8,192 rows keep a batch's arrays of 8-byte values under
    /// the large object heap's threshold, so they are reclaimed by cheap young-generation collections.
    /// </summary>
    public const int DefaultBatchRows = 8_192;

    /// <summary>
    /// Reads the file (or the given columns, and the row groups <paramref name="rowGroupFilter"/> keeps) in batches of
    /// at most <paramref name="maxRows"/> rows. A row group larger than that is decoded page by page: memory holds the
    /// group's compressed chunks, one batch of decoded values and the rest of one page per column, whatever the group's
    /// row count. Batches never span row groups.
    /// </summary>
    public async IAsyncEnumerable<RecordBatch> ReadBatchesAsync(int maxRows = DefaultBatchRows, IReadOnlyList<string>? columns = null,
        Func<int, RowGroup, bool>? rowGroupFilter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var shapes = Project(columns);
        var schema = new Schema(shapes.Select(s => s.Field).ToArray());
        ColumnChunkDecoder[]? previous = null;
        for (int g = 0; g < RowGroupCount; g++)
        {
            var rg = Metadata.RowGroups[g];
            if (rowGroupFilter is not null && !rowGroupFilter(g, rg)) continue;
            if (rg.NumRows <= maxRows)
            {
                yield return await ReadRowGroupAsync(g, columns, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var wanted = LeavesOf(shapes);
            var decoders = new ColumnChunkDecoder[wanted.Count];
            var buffers = new List<byte[]>(wanted.Count);
            try
            {
                for (int i = 0; i < wanted.Count; i++)
                {
                    var (meta, bytes, length) = await FetchChunkAsync(g, rg.Columns[wanted[i].Index], wanted[i], cancellationToken).ConfigureAwait(false);
                    buffers.Add(bytes);
                    decoders[i] = ColumnChunkDecoder.Open(wanted[i], meta, bytes, length, maxRows, Name, g, previous?[i]);
                }
                for (long left = rg.NumRows; left > 0;)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int rows = (int)Math.Min(maxRows, left);
                    var parts = new LeafData[wanted.Count];
                    Parallelism.For(wanted.Count, i => parts[i] = decoders[i].TakeRows(rows));
                    yield return new RecordBatch(schema, Assemble(shapes, wanted, parts, rows, g), rows);
                    left -= rows;
                }
                previous = decoders;
            }
            finally
            {
                foreach (var b in buffers) ArrayPool<byte>.Shared.Return(b);
            }
        }
    }

    /// <summary>Reads every row group (or those <paramref name="rowGroupFilter"/> keeps), one batch each.</summary>
    public async IAsyncEnumerable<RecordBatch> ReadAsync(IReadOnlyList<string>? columns = null, Func<int, RowGroup, bool>? rowGroupFilter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int g = 0; g < RowGroupCount; g++)
        {
            if (rowGroupFilter is not null && !rowGroupFilter(g, Metadata.RowGroups[g])) continue;
            yield return await ReadRowGroupAsync(g, columns, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the whole file (or the given columns) into one list of batches.</summary>
    public async Task<List<RecordBatch>> ReadAllAsync(IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default)
    {
        var list = new List<RecordBatch>();
        await foreach (var b in ReadAsync(columns, null, cancellationToken).ConfigureAwait(false)) list.Add(b);
        return list;
    }

    /// <summary>Statistics of a column chunk, decoded to CLR values of the leaf's type; null when the file has none.</summary>
    public ColumnStatistics? GetStatistics(int rowGroup, string dottedPath)
    {
        var leaf = _schema.Leaves.FirstOrDefault(l => l.DottedPath == dottedPath)
            ?? throw new ArgumentException($"{Name}: no leaf column '{dottedPath}'.", nameof(dottedPath));
        var meta = Metadata.RowGroups[rowGroup].Columns[leaf.Index].MetaData;
        return meta?.Statistics is null ? null : StatisticsDecoder.Decode(leaf, meta.Statistics, Metadata.CreatedBy);
    }

    /// <summary>Dotted paths of every leaf column, in file order.</summary>
    public IReadOnlyList<string> LeafPaths => _schema.Leaves.Select(l => l.DottedPath).ToArray();

    /// <summary>Reads a column chunk's bytes (from its first page to its end) after checking its metadata.</summary>
    /// <remarks>The bytes are [0, Length) of a buffer rented from <see cref="ArrayPool{T}.Shared"/>; the caller returns it.</remarks>
    private async Task<(ColumnMetaData Meta, byte[] Bytes, int Length)> FetchChunkAsync(int rowGroup, ColumnChunk chunk, LeafShape leaf, CancellationToken ct)
    {
        var meta = chunk.MetaData ?? throw new ParquetFormatException($"{Name}: row group {rowGroup}, column '{leaf.DottedPath}' has no metadata.") { FilePath = Name, RowGroup = rowGroup, Column = leaf.DottedPath };
        if (chunk.FilePath is not null)
            throw new ParquetFormatException($"{Name}: row group {rowGroup}, column '{leaf.DottedPath}' lives in another file ('{chunk.FilePath}'), which is not supported.") { FilePath = Name, RowGroup = rowGroup, Column = leaf.DottedPath };
        long start = meta.DataPageOffset;
        if (meta.DictionaryPageOffset is long dict && dict > 0 && dict < start) start = dict;
        long size = meta.TotalCompressedSize;
        if (start < 4 || size < 0 || start + size > _source.Length - 8 || size > int.MaxValue)
        {
            // Some writers record a total size that overlaps the footer by a little; clamp to the data region.
            long limit = _source.Length - 8;
            if (start >= 4 && start < limit && size >= 0) size = Math.Min(size, limit - start);
            else throw new ParquetFormatException($"{Name}: row group {rowGroup}, column '{leaf.DottedPath}': chunk at {start} of {size} bytes lies outside the file ({_source.Length} bytes).") { FilePath = Name, RowGroup = rowGroup, Column = leaf.DottedPath };
            if (size > int.MaxValue) throw new ParquetFormatException($"{Name}: row group {rowGroup}, column '{leaf.DottedPath}': chunk of {size} bytes is over 2 GiB.") { FilePath = Name, RowGroup = rowGroup, Column = leaf.DottedPath };
        }
        if (meta.Type != leaf.Physical)
            throw new ParquetFormatException($"{Name}: row group {rowGroup}, column '{leaf.DottedPath}' is {meta.Type} in its chunk but {leaf.Physical} in the schema.") { FilePath = Name, RowGroup = rowGroup, Column = leaf.DottedPath };
        var bytes = ArrayPool<byte>.Shared.Rent((int)Math.Max(size, 1));
        try
        {
            await _source.ReadAsync(start, bytes.AsMemory(0, (int)size), ct).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(bytes);
            throw;
        }
        return (meta, bytes, (int)size);
    }

    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
