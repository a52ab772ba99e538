using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// One statement of the SQLite target (the INSERT, or the UPDATE of the mutable columns), prepared once on a native
/// connection handle with numbered parameters ?1..?38 in column order (a statement may leave some unused); each row
/// rebinds its parameters from one reused UTF-8 buffer (numbers and dates are formatted straight to UTF-8), which avoids
/// boxing and string allocations per value. When <see cref="NativeSqliteBinder.Available"/>, the bind calls go straight
/// to the native library and text is bound in place (SQLITE_STATIC) from the pinned buffer, which is neither moved nor
/// rewritten before the row's step. Values are the same text forms <see cref="SqliteLoanTarget"/> documents.
/// </summary>
internal sealed unsafe class SqliteRowWriter : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    // Pinned (pinned object heap) so native binds can point into it; a row never needs more than ~1 KB.
    private readonly byte[] _buffer = GC.AllocateArray<byte>(8192, pinned: true);
    private int _pos;

    public SqliteRowWriter(sqlite3 db, string sql)
    {
        _db = db;
        var rc = raw.sqlite3_prepare_v2(db, sql, out _statement);
        Check(rc);
        if (NativeSqliteBinder.Available)
        {
            // The statement handle stays referenced by this object until Dispose, so its raw pointer stays valid.
            _native = _statement.DangerousGetHandle();
        }
    }

    private readonly nint _native;

    /// <summary>Binds the row and steps the statement; returns the number of rows changed.</summary>
    public int Execute(LoanRecord r)
    {
        _pos = 0;
        Int(1, r.Id);
        Int(2, r.MemberId);
        Scaled(3, r.LoanAmntCents, 2);
        Scaled(4, r.FundedAmntCents, 2);
        Int(5, r.Term);
        Scaled(6, r.IntRateBp, 2);
        Scaled(7, r.InstallmentCents, 2);
        Text(8, r.Grade);
        Text(9, r.SubGrade);
        Text(10, r.EmpTitle);
        Text(11, r.EmpLength);
        Text(12, r.HomeOwnership);
        Scaled(13, r.AnnualIncCents, 2);
        Text(14, r.VerificationStatus);
        Date(15, r.IssueD);
        Text(16, r.Status.ToText());
        Text(17, r.Purpose);
        Text(18, r.Title);
        Text(19, r.ZipCode);
        Text(20, r.AddrState);
        Scaled(21, r.DtiHundredths, 2);
        Int(22, r.Delinq2Yrs);
        Date(23, r.EarliestCrLine);
        Int(24, r.FicoRangeLow);
        Int(25, r.FicoRangeHigh);
        Int(26, r.OpenAcc);
        Int(27, r.PubRec);
        Scaled(28, r.RevolBalCents, 2);
        Scaled(29, r.RevolUtilTenths, 1);
        Int(30, r.TotalAcc);
        Scaled(31, r.OutPrncpCents, 2);
        Scaled(32, r.TotalPymntCents, 2);
        Scaled(33, r.TotalRecPrncpCents, 2);
        Scaled(34, r.TotalRecIntCents, 2);
        if (r.LastPymntD is { } last)
        {
            Date(35, last);
        }
        else
        {
            Check(raw.sqlite3_bind_null(_statement, 35));
        }
        Scaled(36, r.LastPymntAmntCents, 2);
        Timestamp(37, r.CreatedAt);
        Timestamp(38, r.UpdatedAt);

        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
        return raw.sqlite3_changes(_db);
    }

    private void Int(int index, long value) => Check(_native != 0
        ? NativeSqliteBinder.BindInt64(_native, index, value)
        : raw.sqlite3_bind_int64(_statement, index, value));

    private void Scaled(int index, long value, int scale)
    {
        var start = _pos;
        _pos += Utf8Digits.Scaled(value, scale, _buffer.AsSpan(_pos));
        Bind(index, start);
    }

    private void Date(int index, DateOnly value)
    {
        var start = _pos;
        _pos += Utf8Digits.Date(value, _buffer.AsSpan(_pos));
        Bind(index, start);
    }

    private void Timestamp(int index, DateTime value)
    {
        var start = _pos;
        _pos += Utf8Digits.Date(DateOnly.FromDateTime(value), _buffer.AsSpan(_pos));
        _buffer[_pos++] = (byte)' ';
        _pos += Utf8Digits.Time(value, _buffer.AsSpan(_pos));
        Bind(index, start);
    }

    private void Text(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }
        var start = _pos;
        _pos += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_pos));
        Bind(index, start);
    }

    private void Bind(int index, int start) => Check(_native != 0
        ? NativeSqliteBinder.BindStaticText(_native, index, (byte*)Unsafe.AsPointer(ref _buffer[start]), _pos - start)
        : raw.sqlite3_bind_text(_statement, index, _buffer.AsSpan(start, _pos - start)));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            var message = raw.sqlite3_errmsg(_db).utf8_to_string();
            throw new SqliteException(message, rc);
        }
    }

    public void Dispose() => _statement.Dispose();
}
