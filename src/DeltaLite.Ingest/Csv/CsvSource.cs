using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using DeltaLite.Ingest.Columns;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Csv;

/// <summary>
/// CSV files (plain or gzip) read with CsvHelper: one file, a folder, or a glob. Incremental by file (files already
/// loaded, with size and modification time, are kept in the table's state) and, optionally, by a watermark column.
/// Every value is parsed to the schema's type; a bad row stops the run naming file, line and column, or, with the
/// quarantine policy, goes to a rejects file with the reason. No row is dropped silently.
/// </summary>
public sealed class CsvSource
{
    private readonly IngestJob _job;
    private readonly CultureInfo _culture;
    private readonly string _root;

    public CsvSource(IngestJob job)
    {
        _job = job;
        try
        {
            _culture = job.Culture is null ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(job.Culture);
        }
        catch (CultureNotFoundException e)
        {
            throw new IngestException($"Unknown culture '{job.Culture}'.", e);
        }
        _root = System.IO.Path.GetFullPath(Directory.Exists(job.Path) ? job.Path! : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(job.Path!))!);
    }

    public string Description => $"csv:{_job.Path}";

    /// <summary>The size of the blocks a file is cut into to parse on several cores (small in tests, to put block edges everywhere).</summary>
    internal int BlockBytes { get; init; } = 4 << 20;

    /// <summary>How many blocks may be parsed or wait at once (bounds the memory of a read).</summary>
    internal int BlocksInFlight { get; init; } = 3;

    /// <summary>Reads each file with one reader, on one core (the reference the block reading is tested against).</summary>
    internal bool Sequential { get; init; }

    /// <summary>Blocks parsed on workers in the reads so far.</summary>
    internal int BlocksParsed { get; private set; }

    /// <summary>Files read sequentially (wholly, or their rest after some blocks) in the reads so far.</summary>
    internal int SequentialReads { get; private set; }

    private char Separator => _job.Delimiter.Length == 1 ? _job.Delimiter[0] : throw new IngestException($"The delimiter must be one character, not '{_job.Delimiter}'.");

    /// <summary>Rows rejected to the quarantine file in the last read.</summary>
    public long RejectedRows { get; private set; }

    /// <summary>Where rejected rows went.</summary>
    public string? RejectsFile { get; private set; }

    /// <summary>The largest watermark value read (when the job has a watermark column).</summary>
    public WatermarkValue? MaxWatermark { get; private set; }

    /// <summary>Every matching file, with its path relative to the input folder, in name order.</summary>
    public List<(string Relative, FileInfo Info)> ListFiles()
    {
        string path = _job.Path!;
        IEnumerable<string> files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path).Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase)
                || f.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase));
        }
        else if (path.IndexOfAny(['*', '?']) >= 0)
        {
            var dir = System.IO.Path.GetDirectoryName(path);
            if (string.IsNullOrEmpty(dir)) dir = ".";
            if (!Directory.Exists(dir)) throw new IngestException($"{path}: the folder '{dir}' does not exist.");
            files = Directory.EnumerateFiles(dir, System.IO.Path.GetFileName(path));
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            throw new IngestException($"{path}: no such file or folder.");
        }
        return files.Select(f => (System.IO.Path.GetRelativePath(_root, System.IO.Path.GetFullPath(f)).Replace('\\', '/'), new FileInfo(f)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    private static BadRowException NotUtf8(FileInfo file, InvalidUtf8Exception e) => CsvRowParser.NotUtf8(file.FullName, e);

    private static Stream OpenStream(FileInfo file)
    {
        Stream s = file.OpenRead();
        if (file.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) s = new GZipStream(s, CompressionMode.Decompress);
        return new Utf8CheckingStream(s);
    }

    /// <summary>Reader options: malformed quoting and ragged rows are reported (not silently repaired) into <paramref name="malformed"/>.</summary>
    private CsvReaderOptions Options(List<CsvMalformedRecord> malformed) => new()
    {
        Separator = Separator,
        HasHeader = true,
        TrackLineNumbers = true,
        FormatProvider = _culture,
        MalformedData = CsvMalformedDataHandling.Skip,
        FieldCountMismatch = CsvFieldCountHandling.Skip,
        OnMalformedRecord = malformed.Add,
        MaxRecordSize = 64 << 20,
        DetectSeparatorHint = false,
    };

    /// <summary>Infers the schema from the first rows of the first file (header names, value types).</summary>
    public Parquet.Schema InferSchema(FileInfo file, int sampleRows = 1000)
    {
        var malformed = new List<CsvMalformedRecord>();
        using var csv = CsvReader.Create(OpenStream(file), Options(malformed), leaveOpen: false);
        string[] header;
        List<string>[] samples;
        try
        {
            csv.ReadHeader();
            header = csv.Headers.ToArray();
            if (header.Length == 0) throw new IngestException($"{file.FullName}: the file is empty (no header line).");
            samples = header.Select(_ => new List<string>()).ToArray();
            int rows = 0;
            while (rows < sampleRows && csv.Read())
            {
                for (int c = 0; c < header.Length && c < csv.FieldCount; c++) samples[c].Add(csv.GetString(c));
                rows++;
            }
        }
        catch (CsvFormatException e)
        {
            throw new BadRowException($"{file.FullName}, line {e.LineNumber}: {CsvRowParser.OneLine(e.Message)}", file.FullName, e.LineNumber, null);
        }
        catch (DecoderFallbackException e)
        {
            throw new IngestException($"{file.FullName}: the file is not valid UTF-8 ({e.Message}); convert it or give its encoding.", e);
        }
        catch (InvalidUtf8Exception e)
        {
            throw NotUtf8(file, e);
        }
        CheckHeader(header, file.FullName);
        return new Parquet.Schema(header.Select((h, c) => new Field(h, CsvSchema.Infer(samples[c], _culture))).ToArray());
    }

    private static void CheckHeader(string[] header, string file)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(header[i])) throw new IngestException($"{file}, line 1: header column {i + 1} has no name.");
            if (!seen.Add(header[i])) throw new IngestException($"{file}, line 1: the header names column '{header[i]}' twice.");
        }
    }

    /// <summary>
    /// Reads the given files as batches of <paramref name="schema"/> (columns matched by header name, ignoring case).
    /// Rows whose watermark is not above <paramref name="low"/> are left out; a CSV column absent from the schema is
    /// an error (the caller widens the schema first when new columns are allowed).
    /// </summary>
    public async IAsyncEnumerable<RecordBatch> ReadAsync(IReadOnlyList<(string Relative, FileInfo Info)> files, Parquet.Schema schema,
        WatermarkValue? low, Action<long, string>? onRows, [EnumeratorCancellation] CancellationToken ct)
    {
        long total = 0;
        StreamWriter? rejects = null;
        var pool = new CsvFileReader.CsvBlockPool(BlockBytes);
        try
        {
            foreach (var (relative, info) in files)
            {
                CsvFileReader reader;
                try
                {
                    reader = await CsvFileReader.OpenAsync(OpenStream(info), Sequential ? null : Separator, Options, pool, BlocksInFlight, ct).ConfigureAwait(false);
                }
                catch (InvalidUtf8Exception e)
                {
                    throw NotUtf8(info, e);
                }
                await using var _ = reader.ConfigureAwait(false);
                var header = reader.Header;
                if (header.Length == 0) continue; // an empty file holds no rows
                CheckHeader(header, info.FullName);
                // Map schema columns to CSV columns by name (case-insensitive).
                var map = new int[schema.Count];
                for (int i = 0; i < schema.Count; i++)
                {
                    map[i] = Array.FindIndex(header, h => string.Equals(h, schema[i].Name, StringComparison.OrdinalIgnoreCase));
                    if (map[i] < 0 && !schema[i].Nullable)
                        throw new BadRowException($"{info.FullName}, line 1: column '{schema[i].Name}' is missing and may not be null.", info.FullName, 1, schema[i].Name);
                }
                var unknown = header.Where(h => schema.Fields.All(f => !string.Equals(f.Name, h, StringComparison.OrdinalIgnoreCase))).ToList();
                if (unknown.Count > 0)
                    throw new IngestException($"{info.FullName}, line 1: column{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} {(unknown.Count > 1 ? "are" : "is")} not in the table schema (use merge-schema to add new columns).");
                int watermarkIndex = _job.WatermarkColumn is null ? -1 : schema.IndexOf(schema.Fields.FirstOrDefault(f => string.Equals(f.Name, _job.WatermarkColumn, StringComparison.OrdinalIgnoreCase))?.Name ?? "\0");
                if (_job.WatermarkColumn is not null && watermarkIndex < 0)
                    throw new IngestException($"{info.FullName}: the watermark column '{_job.WatermarkColumn}' is not in the schema.");

                var rows = new CsvRowParser(_job, _culture, schema, map, header.Length, watermarkIndex, low, info.FullName, relative);
                // Pieces of rows come in file order; they are cut into batches of exactly BatchSize rows (a batch may end at the file's end).
                TypedColumn[]? pending = null;
                int n = 0;
                try
                {
                    await foreach (var piece in reader.PiecesAsync(rows, _job.BatchSize, ct).ConfigureAwait(false))
                    {
                        ct.ThrowIfCancellationRequested();
                        if (piece.Rejects is not null)
                        {
                            rejects ??= OpenRejects();
                            foreach (var line in piece.Rejects) await rejects.WriteLineAsync(line).ConfigureAwait(false);
                            RejectedRows += piece.Rejects.Count;
                        }
                        if (piece.MaxWatermark is not null && (MaxWatermark is null || piece.MaxWatermark.CompareTo(MaxWatermark) > 0)) MaxWatermark = piece.MaxWatermark;
                        int taken = 0, count = piece.Rows;
                        if (n == 0 && count == _job.BatchSize)
                        {
                            // A whole batch as it was parsed: no copy.
                            total += count;
                            onRows?.Invoke(total, relative);
                            yield return new RecordBatch(schema, piece.Columns.Select(c => c.BuildLast()).ToArray(), count);
                            taken = count;
                        }
                        while (taken < count)
                        {
                            pending ??= schema.Fields.Select(f => TypedColumn.Create(f.Type, _job.BatchSize)).ToArray();
                            int k = Math.Min(count - taken, _job.BatchSize - n);
                            for (int c = 0; c < pending.Length; c++) pending[c].AppendFrom(piece.Columns[c], taken, k);
                            taken += k;
                            n += k;
                            if (n == _job.BatchSize)
                            {
                                total += n;
                                onRows?.Invoke(total, relative);
                                yield return new RecordBatch(schema, pending.Select(c => c.Build()).ToArray(), n);
                                n = 0;
                            }
                        }
                        if (piece.Failure is not null) throw piece.Failure;
                    }
                }
                finally
                {
                    BlocksParsed += reader.Blocks;
                    if (reader.ReadSequentially) SequentialReads++;
                }
                if (n > 0)
                {
                    total += n;
                    onRows?.Invoke(total, relative);
                    yield return new RecordBatch(schema, pending!.Select(c => c.Build()).ToArray(), n);
                }
            }
        }
        finally
        {
            if (rejects is not null) await rejects.DisposeAsync().ConfigureAwait(false);
        }
    }

    private StreamWriter OpenRejects()
    {
        string path = _job.RejectsPath ?? DefaultRejectsPath();
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        bool exists = File.Exists(path);
        var w = new StreamWriter(path, append: true, new UTF8Encoding(false));
        if (!exists) w.WriteLine("file,line,column,reason,record");
        RejectsFile = path;
        return w;
    }

    /// <summary>
    /// &lt;target&gt;_rejects/rejects-&lt;time&gt;.csv beside a local table (as documented on <see cref="IngestJob.RejectsPath"/>);
    /// for a remote table, the current folder.
    /// </summary>
    private string DefaultRejectsPath()
    {
        string name = $"rejects-{DateTime.UtcNow:yyyyMMddTHHmmssfff}.csv";
        string target = _job.Target ?? "";
        bool local = target.Length > 0 && (!target.Contains("://", StringComparison.Ordinal) || target.StartsWith("file://", StringComparison.OrdinalIgnoreCase));
        if (!local) return System.IO.Path.Combine(Environment.CurrentDirectory, name);
        string folder = target.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(target).LocalPath : target;
        return System.IO.Path.Combine(System.IO.Path.GetFullPath(folder.TrimEnd('/', '\\')) + "_rejects", name);
    }

}
