using System.Collections;
using System.Data;
using System.Data.Common;

namespace DeltaLite.Parquet;

/// <summary>
/// A forward-only <see cref="DbDataReader"/> over record batches, so any ADO.NET consumer (DataTable.Load,
/// SqlBulkCopy, CsvHelper) can take rows. Values come as <see cref="ColumnVector.GetValue"/> returns them;
/// nested columns as object arrays.
/// </summary>
public sealed class BatchDataReader : DbDataReader
{
    private readonly IEnumerator<RecordBatch> _batches;
    private readonly Schema _schema;
    private RecordBatch? _current;
    private int _row = -1;
    private bool _closed;

    public BatchDataReader(Schema schema, IEnumerable<RecordBatch> batches)
    {
        _schema = schema;
        _batches = batches.GetEnumerator();
    }

    public BatchDataReader(RecordBatch batch) : this(batch.Schema, [batch]) { }

    public override int FieldCount => _schema.Count;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override int RecordsAffected => -1;

    public override bool HasRows => true;

    public override bool IsClosed => _closed;

    public override int Depth => 0;

    public override bool Read()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _row++;
        while (_current is null || _row >= _current.RowCount)
        {
            if (!_batches.MoveNext())
            {
                _current = null;
                return false;
            }
            _current = _batches.Current;
            if (!_current.Schema.Equals(_schema)) throw new InvalidOperationException("A batch does not have the reader's schema.");
            _row = 0;
        }
        return true;
    }

    public override bool NextResult() => false;

    private ColumnVector Column(int ordinal)
    {
        if (_current is null) throw new InvalidOperationException("No current row: call Read() first.");
        return _current.Columns[ordinal];
    }

    public override object GetValue(int ordinal) => Column(ordinal).GetValue(_row) ?? DBNull.Value;

    public override int GetValues(object[] values)
    {
        int n = Math.Min(values.Length, FieldCount);
        for (int i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    public override bool IsDBNull(int ordinal) => Column(ordinal).IsNull(_row);

    public override string GetName(int ordinal) => _schema[ordinal].Name;

    public override int GetOrdinal(string name)
    {
        int i = _schema.IndexOf(name);
        if (i >= 0) return i;
        for (int k = 0; k < _schema.Count; k++)
            if (string.Equals(_schema[k].Name, name, StringComparison.OrdinalIgnoreCase)) return k;
        throw new IndexOutOfRangeException($"No column '{name}'.");
    }

    public override Type GetFieldType(int ordinal) => ClrType(_schema[ordinal].Type);

    public override string GetDataTypeName(int ordinal) => _schema[ordinal].Type.ToString();

    internal static Type ClrType(DataType type) => type.Kind switch
    {
        TypeKind.Boolean => typeof(bool),
        TypeKind.Int8 => typeof(sbyte),
        TypeKind.Int16 => typeof(short),
        TypeKind.Int32 => typeof(int),
        TypeKind.Int64 => typeof(long),
        TypeKind.UInt8 => typeof(byte),
        TypeKind.UInt16 => typeof(ushort),
        TypeKind.UInt32 => typeof(uint),
        TypeKind.UInt64 => typeof(ulong),
        TypeKind.Float => typeof(float),
        TypeKind.Double => typeof(double),
        TypeKind.Decimal => typeof(decimal),
        TypeKind.String => typeof(string),
        TypeKind.Binary or TypeKind.FixedBinary => typeof(byte[]),
        TypeKind.Uuid => typeof(Guid),
        TypeKind.Date => typeof(DateOnly),
        TypeKind.Time => typeof(TimeOnly),
        TypeKind.Timestamp => typeof(DateTime),
        TypeKind.Map => typeof(KeyValuePair<object, object?>[]),
        _ => typeof(object[]),
    };

    public override DataTable GetSchemaTable()
    {
        var table = new DataTable("SchemaTable");
        table.Columns.Add(SchemaTableColumn.ColumnName, typeof(string));
        table.Columns.Add(SchemaTableColumn.ColumnOrdinal, typeof(int));
        table.Columns.Add(SchemaTableColumn.ColumnSize, typeof(int));
        table.Columns.Add(SchemaTableColumn.NumericPrecision, typeof(short));
        table.Columns.Add(SchemaTableColumn.NumericScale, typeof(short));
        table.Columns.Add(SchemaTableColumn.DataType, typeof(Type));
        table.Columns.Add(SchemaTableColumn.AllowDBNull, typeof(bool));
        table.Columns.Add("DataTypeName", typeof(string));
        for (int i = 0; i < _schema.Count; i++)
        {
            var f = _schema[i];
            var row = table.NewRow();
            row[SchemaTableColumn.ColumnName] = f.Name;
            row[SchemaTableColumn.ColumnOrdinal] = i;
            row[SchemaTableColumn.ColumnSize] = -1;
            row[SchemaTableColumn.NumericPrecision] = f.Type is DecimalType d ? (short)d.Precision : DBNull.Value;
            row[SchemaTableColumn.NumericScale] = f.Type is DecimalType d2 ? (short)d2.Scale : DBNull.Value;
            row[SchemaTableColumn.DataType] = GetFieldType(i);
            row[SchemaTableColumn.AllowDBNull] = f.Nullable;
            row["DataTypeName"] = f.Type.ToString();
            table.Rows.Add(row);
        }
        return table;
    }

    public override bool GetBoolean(int ordinal) => ((PrimitiveVector<bool>)Column(ordinal))[_row];

    public override byte GetByte(int ordinal) => Convert.ToByte(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override short GetInt16(int ordinal) => Convert.ToInt16(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override int GetInt32(int ordinal) => Column(ordinal) is PrimitiveVector<int> v && v.Type.Kind == TypeKind.Int32
        ? v[_row] : Convert.ToInt32(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override long GetInt64(int ordinal) => Column(ordinal) is PrimitiveVector<long> v && v.Type.Kind == TypeKind.Int64
        ? v[_row] : Convert.ToInt64(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override float GetFloat(int ordinal) => Convert.ToSingle(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override double GetDouble(int ordinal) => Convert.ToDouble(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override decimal GetDecimal(int ordinal) => Column(ordinal) is DecimalVector d ? d.GetDecimal(_row)
        : Convert.ToDecimal(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public override string GetString(int ordinal) => Column(ordinal) is BinaryVector b && b.Type.Kind == TypeKind.String
        ? b.GetString(_row) : Convert.ToString(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture) ?? "";

    public override DateTime GetDateTime(int ordinal) => GetValue(ordinal) switch
    {
        DateTime dt => dt,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        var v => Convert.ToDateTime(v, System.Globalization.CultureInfo.InvariantCulture),
    };

    public override Guid GetGuid(int ordinal) => (Guid)GetValue(ordinal);

    public override char GetChar(int ordinal) => GetString(ordinal)[0];

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var span = ((BinaryVector)Column(ordinal)).GetSpan(_row);
        if (buffer is null) return span.Length;
        if (dataOffset >= span.Length) return 0;
        int n = (int)Math.Min(length, span.Length - dataOffset);
        span.Slice((int)dataOffset, n).CopyTo(buffer.AsSpan(bufferOffset));
        return n;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var s = GetString(ordinal);
        if (buffer is null) return s.Length;
        if (dataOffset >= s.Length) return 0;
        int n = (int)Math.Min(length, s.Length - dataOffset);
        s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    public override void Close()
    {
        if (_closed) return;
        _closed = true;
        _batches.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }
}
