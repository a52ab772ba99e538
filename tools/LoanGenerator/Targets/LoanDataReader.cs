using System.Collections;
using System.Data.Common;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// A forward-only reader over loans for SqlBulkCopy: exposes the given columns, with dates as DateTime (which
/// SqlBulkCopy maps to date) and decimals as decimal.
/// </summary>
internal sealed class LoanDataReader : DbDataReader
{
    private readonly IEnumerator<LoanRecord> _rows;
    private readonly IReadOnlyList<LoanColumn> _columns;
    private readonly int[] _ordinals;
    private LoanRecord? _current;
    private bool _closed;

    public LoanDataReader(IEnumerable<LoanRecord> rows, IReadOnlyList<LoanColumn> columns)
    {
        _rows = rows.GetEnumerator();
        _columns = columns;
        _ordinals = columns.Select(c => LoanSchema.Columns.ToList().IndexOf(c)).ToArray();
    }

    public long RowsRead { get; private set; }

    public override int FieldCount => _columns.Count;

    public override bool Read()
    {
        if (_rows.MoveNext())
        {
            _current = _rows.Current;
            RowsRead++;
            return true;
        }
        _current = null;
        return false;
    }

    public override object GetValue(int ordinal)
    {
        var value = LoanSchema.GetValue(_current ?? throw new InvalidOperationException("no current row"), _ordinals[ordinal]);
        return value switch
        {
            null => DBNull.Value,
            DateOnly d => d.ToDateTime(TimeOnly.MinValue),
            _ => value,
        };
    }

    public override string GetName(int ordinal) => _columns[ordinal].Name;

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < _columns.Count; i++)
        {
            if (string.Equals(_columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        throw new IndexOutOfRangeException(name);
    }

    public override Type GetFieldType(int ordinal) => _columns[ordinal].Kind switch
    {
        LoanColumnKind.BigInt => typeof(long),
        LoanColumnKind.Int => typeof(int),
        LoanColumnKind.Decimal => typeof(decimal),
        LoanColumnKind.Text => typeof(string),
        _ => typeof(DateTime),
    };

    public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

    public override bool IsDBNull(int ordinal) => GetValue(ordinal) is DBNull;

    public override int GetValues(object[] values)
    {
        var n = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < n; i++)
        {
            values[i] = GetValue(i);
        }
        return n;
    }

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override bool GetBoolean(int ordinal) => (bool)GetValue(ordinal);

    public override byte GetByte(int ordinal) => (byte)GetValue(ordinal);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();

    public override char GetChar(int ordinal) => (char)GetValue(ordinal);

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();

    public override DateTime GetDateTime(int ordinal) => (DateTime)GetValue(ordinal);

    public override decimal GetDecimal(int ordinal) => (decimal)GetValue(ordinal);

    public override double GetDouble(int ordinal) => Convert.ToDouble(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override Guid GetGuid(int ordinal) => (Guid)GetValue(ordinal);

    public override short GetInt16(int ordinal) => Convert.ToInt16(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override int GetInt32(int ordinal) => Convert.ToInt32(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override long GetInt64(int ordinal) => Convert.ToInt64(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override string GetString(int ordinal) => (string)GetValue(ordinal);

    public override int Depth => 0;

    public override bool HasRows => true;

    public override bool IsClosed => _closed;

    public override int RecordsAffected => -1;

    public override bool NextResult() => false;

    public override IEnumerator GetEnumerator() => throw new NotSupportedException();

    public override void Close()
    {
        _closed = true;
        _rows.Dispose();
    }
}
