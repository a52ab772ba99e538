using System.Globalization;
using System.Text;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// Streams loans as RFC 4180 CSV: UTF-8 without BOM, "\n" line ends, a header line, fields quoted only when they hold a
/// comma, quote or line break, NULL as an empty field. Each row is formatted into one reused char buffer.
/// </summary>
internal sealed class CsvLoanWriter : IDisposable
{
    private readonly TextWriter _writer;
    private readonly char[] _row = new char[4096];
    private int _pos;

    public CsvLoanWriter(Stream stream)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
    }

    public void WriteHeader()
    {
        _writer.Write(LoanSchema.CsvHeader);
        _writer.Write('\n');
    }

    public void Write(LoanRecord r)
    {
        _pos = 0;
        Long(r.Id); Comma();
        Long(r.MemberId); Comma();
        Scaled(r.LoanAmntCents, 2); Comma();
        Scaled(r.FundedAmntCents, 2); Comma();
        Long(r.Term); Comma();
        Scaled(r.IntRateBp, 2); Comma();
        Scaled(r.InstallmentCents, 2); Comma();
        Text(r.Grade); Comma();
        Text(r.SubGrade); Comma();
        Text(r.EmpTitle); Comma();
        Text(r.EmpLength); Comma();
        Text(r.HomeOwnership); Comma();
        Scaled(r.AnnualIncCents, 2); Comma();
        Text(r.VerificationStatus); Comma();
        Date(r.IssueD); Comma();
        Text(r.Status.ToText()); Comma();
        Text(r.Purpose); Comma();
        Text(r.Title); Comma();
        Text(r.ZipCode); Comma();
        Text(r.AddrState); Comma();
        Scaled(r.DtiHundredths, 2); Comma();
        Long(r.Delinq2Yrs); Comma();
        Date(r.EarliestCrLine); Comma();
        Long(r.FicoRangeLow); Comma();
        Long(r.FicoRangeHigh); Comma();
        Long(r.OpenAcc); Comma();
        Long(r.PubRec); Comma();
        Scaled(r.RevolBalCents, 2); Comma();
        Scaled(r.RevolUtilTenths, 1); Comma();
        Long(r.TotalAcc); Comma();
        Scaled(r.OutPrncpCents, 2); Comma();
        Scaled(r.TotalPymntCents, 2); Comma();
        Scaled(r.TotalRecPrncpCents, 2); Comma();
        Scaled(r.TotalRecIntCents, 2); Comma();
        if (r.LastPymntD is { } last)
        {
            Date(last);
        }
        Comma();
        Scaled(r.LastPymntAmntCents, 2); Comma();
        Timestamp(r.CreatedAt); Comma();
        Timestamp(r.UpdatedAt);
        _row[_pos++] = '\n';
        _writer.Write(_row, 0, _pos);
    }

    public void Flush() => _writer.Flush();

    private void Comma() => _row[_pos++] = ',';

    private void Long(long v)
    {
        v.TryFormat(_row.AsSpan(_pos), out var n, default, CultureInfo.InvariantCulture);
        _pos += n;
    }

    private void Scaled(long v, int scale) => _pos += LoanText.FormatScaled(v, scale, _row.AsSpan(_pos));

    private void Date(DateOnly d)
    {
        d.TryFormat(_row.AsSpan(_pos), out var n, LoanText.DateFormat, CultureInfo.InvariantCulture);
        _pos += n;
    }

    private void Timestamp(DateTime t)
    {
        t.TryFormat(_row.AsSpan(_pos), out var n, LoanText.CsvTimestampFormat, CultureInfo.InvariantCulture);
        _pos += n;
    }

    private void Text(string? s)
    {
        if (s is null)
        {
            return;
        }
        if (s.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            s.AsSpan().CopyTo(_row.AsSpan(_pos));
            _pos += s.Length;
            return;
        }
        _row[_pos++] = '"';
        foreach (var c in s)
        {
            if (c == '"')
            {
                _row[_pos++] = '"';
            }
            _row[_pos++] = c;
        }
        _row[_pos++] = '"';
    }

    public void Dispose() => _writer.Dispose();
}
