using System.Globalization;
using System.Text;
using CsvHelper;
using DeltaLite.Ingest.Columns;
using DeltaLite.Ingest.State;

namespace DeltaLite.Ingest.Csv;

/// <summary>
/// Rows parsed from a stretch of one CSV file, in file order: up to a batch of values, the rejects file lines of the
/// rows refused among them (quarantine), and the failure that ended the stretch (bad rows fail), after those rows.
/// </summary>
internal sealed class CsvPiece(TypedColumn[] columns)
{
    public TypedColumn[] Columns { get; } = columns;

    public int Rows => Columns.Length == 0 ? 0 : Columns[0].Count;

    public List<string>? Rejects { get; set; }

    public BadRowException? Failure { get; set; }

    /// <summary>The largest watermark among the rows kept.</summary>
    public WatermarkValue? MaxWatermark { get; set; }
}

/// <summary>
/// Parses the records of one CSV file into typed columns, the same way for a block of the file (on a worker thread)
/// and for the file read sequentially: a reader positioned after the header gives its records, whose line numbers are
/// moved by the stretch's offset in the file. Each value is parsed to the schema's type; a bad row becomes a failure or
/// a rejects line, rows not above the low watermark are left out. Holds no state between stretches, so blocks of one
/// file parse concurrently.
/// </summary>
internal sealed class CsvRowParser
{
    private readonly Parquet.Schema _schema;
    private readonly int[] _map;
    private readonly int _headerLength;
    private readonly int _watermarkIndex;
    private readonly WatermarkValue? _low;
    private readonly BadRowPolicy _policy;
    private readonly int _batchSize;
    private readonly CultureInfo _culture;
    private readonly string _file;
    private readonly string _relative;
    // Per column, the bytes the last full piece's strings took (shared by the workers: a size hint, races are harmless).
    private readonly int[] _dataBytes;

    public CsvRowParser(IngestJob job, CultureInfo culture, Parquet.Schema schema, int[] map, int headerLength, int watermarkIndex,
        WatermarkValue? low, string file, string relative)
    {
        _schema = schema;
        _map = map;
        _headerLength = headerLength;
        _watermarkIndex = watermarkIndex;
        _low = low;
        _policy = job.BadRows;
        _batchSize = job.BatchSize;
        _culture = culture;
        _file = file;
        _relative = relative;
        _dataBytes = new int[schema.Count];
    }

    /// <summary>
    /// The records of <paramref name="csv"/> (its header already read) as pieces of at most a batch each. Line numbers
    /// are the reader's plus <paramref name="lineOffset"/>; <paramref name="malformed"/> is where the reader reports the
    /// records it skipped. Ends after the first failure.
    /// </summary>
    public IEnumerable<CsvPiece> Parse(CsvReader csv, List<CsvMalformedRecord> malformed, long lineOffset, CancellationToken ct)
    {
        var parser = new CsvValueParser(_culture);
        CsvPiece? piece = null; // made when something goes into it: a stretch ending on a whole batch leaves no empty piece behind
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            bool more;
            BadRowException? failure = null;
            try
            {
                more = csv.Read();
            }
            catch (CsvFormatException e)
            {
                long line = e.LineNumber + lineOffset;
                failure = new BadRowException($"{_file}, line {line}: {OneLine(e.Message)}", _file, line, null);
                more = false;
            }
            catch (DecoderFallbackException e)
            {
                long line = csv.LineNumber + lineOffset;
                failure = new BadRowException($"{_file}, near line {line}: the file is not valid UTF-8 ({e.Message}).", _file, line, null);
                more = false;
            }
            catch (InvalidUtf8Exception e)
            {
                failure = NotUtf8(_file, e);
                more = false;
            }
            if (failure is not null)
            {
                piece ??= NewPiece();
                piece.Failure = failure;
                yield return piece;
                yield break;
            }
            // Records the reader skipped for broken quoting or a wrong field count: an error, or the rejects file.
            foreach (var m in malformed)
            {
                long line = m.LineNumber + lineOffset;
                string reason = m.Reason == CsvMalformedReason.FieldCountMismatch ? $"the row has a different number of fields than the header ({_headerLength})" : $"broken quoting ({m.Reason})";
                if (_policy == BadRowPolicy.Fail)
                {
                    failure = new BadRowException($"{_file}, line {line}: {reason}: {Shorten(m.RawRecord)}", _file, line, null);
                    break;
                }
                piece ??= NewPiece();
                (piece.Rejects ??= []).Add($"{Quote(_relative)},{line},\"\",{Quote(reason)},{Quote(m.RawRecord)}");
            }
            malformed.Clear();
            if (failure is not null)
            {
                piece ??= NewPiece();
                piece.Failure = failure;
                yield return piece;
                yield break;
            }
            if (!more) break;
            piece ??= NewPiece();
            var columns = piece.Columns;
            int n = piece.Rows;
            long recordLine = csv.LineNumber + lineOffset;
            var (problem, problemColumn) = ParseRow(parser, csv, columns);
            if (problem is not null)
            {
                foreach (var c in columns) c.Truncate(n);
                string where = $"{_file}, line {recordLine}" + (problemColumn is null ? "" : $", column '{problemColumn}'");
                if (_policy == BadRowPolicy.Fail)
                {
                    piece.Failure = new BadRowException($"{where}: {problem}.", _file, recordLine, problemColumn);
                    yield return piece;
                    yield break;
                }
                (piece.Rejects ??= []).Add($"{Quote(_relative)},{recordLine},{Quote(problemColumn ?? "")},{Quote(problem)},{Quote(Encoding.UTF8.GetString(csv.RawRecord))}");
                continue;
            }
            if (_watermarkIndex >= 0)
            {
                var w = WatermarkValue.From(columns[_watermarkIndex].GetValue(n));
                if (w is not null)
                {
                    if (_low is not null && w.CompareTo(_low) <= 0)
                    {
                        foreach (var c in columns) c.Truncate(n);
                        continue;
                    }
                    if (piece.MaxWatermark is null || w.CompareTo(piece.MaxWatermark) > 0) piece.MaxWatermark = w;
                }
            }
            if (n + 1 == _batchSize)
            {
                for (int c = 0; c < columns.Length; c++)
                    if (columns[c] is BytesColumn text) _dataBytes[c] = text.DataBytes + text.DataBytes / 8;
                yield return piece;
                piece = null;
            }
        }
        if (piece is not null && (piece.Rows > 0 || piece.Rejects is not null)) yield return piece;
    }

    private CsvPiece NewPiece() => new(_schema.Fields.Select((f, c) => TypedColumn.Create(f.Type, _batchSize, _dataBytes[c])).ToArray());

    /// <summary>
    /// Appends the current record's fields to <paramref name="columns"/> (one value each, nulls for absent columns);
    /// on a bad value returns why and in which column (some columns then hold one value more: the caller truncates).
    /// </summary>
    private (string? Problem, string? Column) ParseRow(CsvValueParser parser, CsvReader csv, TypedColumn[] columns)
    {
        for (int i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            int index = _map[i];
            if (index < 0 || index >= csv.FieldCount || csv.IsEmpty(index))
            {
                if (index >= 0 && !_schema[i].Nullable) return ("the value is empty but the column may not be null", _schema[i].Name);
                column.AppendNull();
                continue;
            }
            try
            {
                if (parser.TryAppend(column, csv.GetSpan(index))) continue;
                // The slow path: the field's text, parsed (or refused, with the reason) as before.
                CsvValueParser.AppendParsed(column, CsvSchema.Parse(csv.GetString(index), _schema[i].Type, _culture));
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                return (e.Message, _schema[i].Name);
            }
        }
        return (null, null);
    }

    /// <summary>The error for bytes of this file that are not UTF-8.</summary>
    public BadRowException NotUtf8(InvalidUtf8Exception e) => NotUtf8(_file, e);

    public static BadRowException NotUtf8(string file, InvalidUtf8Exception e) => new($"{file}, {e.Message}.", file, e.Line, null);

    private static string Shorten(string s) => s.Length <= 80 ? s.ReplaceLineEndings(" ") : s[..80].ReplaceLineEndings(" ") + "...";

    public static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string OneLine(string s) => s.Split('\n')[0].Trim();
}
