using System.Text;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>Reads the CSV files the writer produced (RFC 4180 quoting, header line checked against the schema).</summary>
internal static class CsvLoanReader
{
    public static IEnumerable<LoanRecord> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var header = reader.ReadLine();
        if (header != LoanSchema.CsvHeader)
        {
            throw new LoanGeneratorException($"{path}: the header line is not the loans header");
        }
        var fields = new List<string>(LoanSchema.Columns.Count);
        var lineNumber = 1;
        while (ReadRecord(reader, fields, ref lineNumber))
        {
            if (fields.Count != LoanSchema.Columns.Count)
            {
                throw new LoanGeneratorException($"{path}:{lineNumber}: expected {LoanSchema.Columns.Count} fields, found {fields.Count}");
            }
            var loan = new LoanRecord();
            for (var i = 0; i < fields.Count; i++)
            {
                LoanValues.Set(loan, i, fields[i]);
            }
            yield return loan;
        }
    }

    /// <summary>Splits the next record into <paramref name="fields"/>; a quoted field may span lines.</summary>
    internal static bool ReadRecord(TextReader reader, List<string> fields, ref int lineNumber)
    {
        fields.Clear();
        var line = reader.ReadLine();
        if (line is null)
        {
            return false;
        }
        lineNumber++;
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        var next = reader.ReadLine() ?? throw new LoanGeneratorException($"line {lineNumber}: unterminated quoted field");
                        lineNumber++;
                        field.Append('\n');
                        line = next;
                        i = 0;
                        continue;
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
            }
            while (i < line.Length && line[i] != ',')
            {
                field.Append(line[i++]);
            }
            fields.Add(field.ToString());
            field.Clear();
            if (i >= line.Length)
            {
                return true;
            }
            i++;
        }
    }
}
