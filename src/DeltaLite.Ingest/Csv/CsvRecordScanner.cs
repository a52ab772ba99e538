using System.Buffers;

namespace DeltaLite.Ingest.Csv;

/// <summary>
/// Finds where CSV records end in UTF-8 bytes (RFC 4180 quoting), so that a file can be cut into blocks that parse on
/// their own. A quote opens a quoted field only at the start of a field, <c>""</c> inside quotes is a quote, and the
/// closing quote must be followed by the separator or a line end. Records end at LF or CR LF outside quotes.
/// Anything else (a quote inside an unquoted field, text after a closing quote, a CR not followed by LF, input ending
/// inside quotes) is irregular: the scanner stops there and does not guess, and the caller reads on sequentially.
/// </summary>
internal sealed class CsvRecordScanner
{
    private readonly byte _separator;
    private readonly SearchValues<byte> _outside = SearchValues.Create("\"\r\n"u8);
    private readonly SearchValues<byte> _inside = SearchValues.Create("\"\r"u8);

    public CsvRecordScanner(byte separator) => _separator = separator;

    /// <summary>Whether the separator can be scanned for (not a quote, CR or LF).</summary>
    public static bool CanScan(char separator) => separator < 0x80 && separator is not ('"' or '\r' or '\n');

    /// <summary>
    /// Scans whole records from the start of <paramref name="data"/> (which starts a record), at most
    /// <paramref name="maxRecords"/>. Returns the number of records found and sets <paramref name="end"/> just after the
    /// last one. <paramref name="irregular"/> is set when scanning stopped at irregular input right after them.
    /// With <paramref name="final"/>, the data is the end of the input: a last record without a line end counts.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> data, bool final, int maxRecords, out int end, out bool irregular)
    {
        int records = 0;
        end = 0;
        irregular = false;
        int i = 0;
        while (records < maxRecords && i < data.Length)
        {
            var outcome = Record(data, i, final, out int next);
            if (outcome == Outcome.Incomplete) break;
            if (outcome == Outcome.Irregular)
            {
                irregular = true;
                break;
            }
            records++;
            end = i = next;
        }
        return records;
    }

    private enum Outcome { Complete, Incomplete, Irregular }

    /// <summary>One record from <paramref name="start"/>; <paramref name="next"/> is just after its line end.</summary>
    private Outcome Record(ReadOnlySpan<byte> data, int start, bool final, out int next)
    {
        next = 0;
        int i = start;
        while (true)
        {
            // Outside quotes: the next quote, CR or LF (separators need no stop: a quote is checked against the byte before it).
            int k = data[i..].IndexOfAny(_outside);
            if (k < 0)
            {
                if (!final) return Outcome.Incomplete;
                next = data.Length;
                return Outcome.Complete;
            }
            i += k;
            byte b = data[i];
            if (b == '\n')
            {
                next = i + 1;
                return Outcome.Complete;
            }
            if (b == '\r') return LineEnd(data, i, final, out next);
            // A quote: it must open a field.
            if (i != start && data[i - 1] != _separator) return Outcome.Irregular;
            i++;
            while (true)
            {
                int q = data[i..].IndexOfAny(_inside);
                if (q < 0) return final ? Outcome.Irregular : Outcome.Incomplete;
                i += q;
                if (data[i] == '\r')
                {
                    if (i + 1 >= data.Length) return final ? Outcome.Irregular : Outcome.Incomplete;
                    if (data[i + 1] != '\n') return Outcome.Irregular;
                    i += 2;
                    continue;
                }
                if (i + 1 >= data.Length)
                {
                    if (!final) return Outcome.Incomplete;
                    next = data.Length;
                    return Outcome.Complete;
                }
                if (data[i + 1] == '"')
                {
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            // After the closing quote: the separator or a line end.
            b = data[i];
            if (b == _separator)
            {
                i++;
                continue;
            }
            if (b == '\n')
            {
                next = i + 1;
                return Outcome.Complete;
            }
            if (b == '\r') return LineEnd(data, i, final, out next);
            return Outcome.Irregular;
        }
    }

    /// <summary>A CR at <paramref name="i"/> outside quotes: the record ends if LF follows.</summary>
    private static Outcome LineEnd(ReadOnlySpan<byte> data, int i, bool final, out int next)
    {
        next = 0;
        if (i + 1 >= data.Length) return final ? Outcome.Irregular : Outcome.Incomplete;
        if (data[i + 1] != '\n') return Outcome.Irregular;
        next = i + 2;
        return Outcome.Complete;
    }
}
