using System.Collections;
using System.Data.Common;
using System.Text;
using System.Text.Unicode;
using DeltaLite.Ingest.Columns;
using DeltaLite.Parquet;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// A forward-only reader over one statement prepared directly on a Microsoft.Data.Sqlite connection's handle. Values
/// come straight from SQLite's column functions: text as the UTF-8 bytes SQLite holds (no UTF-16 string on the way),
/// numbers as they are stored. As a <see cref="DbDataReader"/> it answers exactly as Microsoft.Data.Sqlite's reader
/// does for the calls <see cref="ColumnReaders"/> makes (field types INTEGER → long, REAL → double, TEXT → string,
/// BLOB → byte[]), so every value the fast paths of <see cref="For"/> do not take reads as it did through the driver.
/// Only for UTF-8 databases (see <see cref="IsUtf8Async"/>): SQLite hands text over in the database's encoding.
/// </summary>
internal sealed class SqliteStatementReader : DbDataReader
{
    private const int Integer = 1, Real = 2, Text = 3, Blob = 4, Null = 5;

    /// <summary>The storage class of a NULL (<see cref="StorageClass"/>).</summary>
    public const int NullStorage = Null;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly int _busyTimeoutSeconds;
    private bool _started;
    private bool _done;

    /// <summary>The statement pointer for <see cref="SqliteNative"/> (zero when it is not available); the handle is kept alive meanwhile.</summary>
    private readonly IntPtr _native;

    private SqliteStatementReader(sqlite3 db, sqlite3_stmt stmt, int busyTimeoutSeconds)
    {
        _db = db;
        _stmt = stmt;
        _busyTimeoutSeconds = busyTimeoutSeconds;
        FieldCount = raw.sqlite3_column_count(stmt);
        if (SqliteNative.Available)
        {
            bool added = false;
            stmt.DangerousAddRef(ref added);
            if (added) _native = stmt.DangerousGetHandle();
        }
    }

    /// <summary>
    /// Whether text in the database is UTF-8 (SQLite's default; a database may be created UTF-16). False when SQLite
    /// cannot say: the driver's reader then runs the read and reports whatever is wrong in its own words.
    /// </summary>
    public static async Task<bool> IsUtf8Async(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA encoding";
        try
        {
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is string s && s.Equals("UTF-8", StringComparison.OrdinalIgnoreCase);
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>
    /// Prepares <paramref name="sql"/> on the connection and binds <paramref name="parameters"/> (name, value as
    /// Microsoft.Data.Sqlite would bind it: see <see cref="BoundValuesAsync"/>).
    /// </summary>
    /// <exception cref="SqliteException">SQLite refuses the statement (its own message, as the driver words it).</exception>
    public static SqliteStatementReader Prepare(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object Value)> parameters)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        int rc = raw.sqlite3_prepare_v2(db, sql, out var stmt);
        if (rc != raw.SQLITE_OK)
        {
            stmt?.Dispose();
            throw Error(db, rc);
        }
        var reader = new SqliteStatementReader(db, stmt, connection.DefaultTimeout);
        try
        {
            foreach (var (name, value) in parameters) reader.Bind(name, value);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        return reader;
    }

    /// <summary>
    /// The values of <paramref name="command"/>'s parameters as Microsoft.Data.Sqlite binds them (its own conversions
    /// of dates, timestamps and decimals to text), read back through <c>SELECT @p, ...</c>: binding those to a raw
    /// statement gives SQLite exactly what the driver would have given it.
    /// </summary>
    public static async Task<List<(string Name, object Value)>> BoundValuesAsync(SqliteCommand command, CancellationToken ct)
    {
        var names = command.Parameters.Cast<SqliteParameter>().Select(p => p.ParameterName).ToList();
        if (names.Count == 0) return [];
        string text = command.CommandText;
        command.CommandText = "SELECT " + string.Join(", ", names);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException("SELECT of the bound parameters returned no row.");
            return names.Select((n, i) => (n, reader.GetValue(i))).ToList();
        }
        finally
        {
            command.CommandText = text;
        }
    }

    private void Bind(string name, object value)
    {
        int index = raw.sqlite3_bind_parameter_index(_stmt, name);
        if (index == 0) throw new InvalidOperationException($"The statement has no parameter {name}.");
        int rc = value switch
        {
            DBNull or null => raw.sqlite3_bind_null(_stmt, index),
            long l => raw.sqlite3_bind_int64(_stmt, index, l),
            double d => raw.sqlite3_bind_double(_stmt, index, d),
            string s => raw.sqlite3_bind_text(_stmt, index, s),
            byte[] b => raw.sqlite3_bind_blob(_stmt, index, b),
            _ => throw new InvalidOperationException($"Cannot bind a {value.GetType().Name} to {name}."),
        };
        if (rc != raw.SQLITE_OK) throw Error(_db, rc);
    }

    private static SqliteException Error(sqlite3 db, int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));

    /// <summary>
    /// Steps to the next row. Before the first row a busy or locked database is waited for (up to the connection's
    /// default timeout), as the driver does when it executes a command.
    /// </summary>
    public override bool Read()
    {
        if (_done) return false;
        var clock = _started ? null : System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            int rc = raw.sqlite3_step(_stmt);
            if (rc == raw.SQLITE_ROW)
            {
                _started = true;
                return true;
            }
            if (rc == raw.SQLITE_DONE)
            {
                _done = true;
                return false;
            }
            if (clock is not null && rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && clock.Elapsed.TotalSeconds < _busyTimeoutSeconds)
            {
                raw.sqlite3_reset(_stmt);
                Thread.Sleep(150);
                continue;
            }
            _done = true;
            throw Error(_db, rc);
        }
    }

    /// <summary>SQLite's storage class of the current row's value (1 INTEGER, 2 REAL, 3 TEXT, 4 BLOB, 5 NULL).</summary>
    public int StorageClass(int ordinal) => _native != 0 ? SqliteNative.ColumnType(_native, ordinal) : raw.sqlite3_column_type(_stmt, ordinal);

    /// <summary>A TEXT or BLOB value's bytes (text in the database's encoding), valid until the next call on this column or row.</summary>
    public ReadOnlySpan<byte> Bytes(int ordinal) => _native != 0 ? SqliteNative.ColumnBytes(_native, ordinal) : raw.sqlite3_column_blob(_stmt, ordinal);

    public override int FieldCount { get; }

    public override bool IsDBNull(int ordinal) => StorageClass(ordinal) == Null;

    public override Type GetFieldType(int ordinal) => StorageClass(ordinal) switch
    {
        Integer => typeof(long),
        Real => typeof(double),
        Text => typeof(string),
        Blob => typeof(byte[]),
        _ => typeof(object),
    };

    public override long GetInt64(int ordinal) => _native != 0 ? SqliteNative.ColumnInt64(_native, ordinal) : raw.sqlite3_column_int64(_stmt, ordinal);

    public override double GetDouble(int ordinal) => _native != 0 ? SqliteNative.ColumnDouble(_native, ordinal) : raw.sqlite3_column_double(_stmt, ordinal);

    public override string GetString(int ordinal) => Encoding.UTF8.GetString(Bytes(ordinal));

    public override object GetValue(int ordinal) => StorageClass(ordinal) switch
    {
        Integer => GetInt64(ordinal),
        Real => GetDouble(ordinal),
        Text => GetString(ordinal),
        Blob => Bytes(ordinal).ToArray(),
        _ => DBNull.Value,
    };

    public override string GetName(int ordinal) => raw.sqlite3_column_name(_stmt, ordinal).utf8_to_string();

    public override int GetValues(object[] values)
    {
        int n = Math.Min(values.Length, FieldCount);
        for (int i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override int GetOrdinal(string name)
    {
        for (int i = 0; i < FieldCount; i++)
            if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new IndexOutOfRangeException(name);
    }

    public override string GetDataTypeName(int ordinal) => raw.sqlite3_column_decltype(_stmt, ordinal).utf8_to_string() ?? "";

    public override bool HasRows => !_done || _started;

    public override bool IsClosed => _stmt.IsInvalid;

    public override int RecordsAffected => -1;

    public override int Depth => 0;

    public override bool NextResult() => false;

    public override IEnumerator GetEnumerator() => new DbEnumerator(this);

    // The typed getters below are never reached for SQLite (its field types are long, double, string and byte[]); the
    // driver converts through text or numbers, which ColumnReaders does itself from GetValue.
    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

    public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));

    public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));

    public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override char GetChar(int ordinal) => GetString(ordinal)[0];

    public override decimal GetDecimal(int ordinal) => throw new NotSupportedException("SQLite values are read as long, double, string or byte[].");

    public override DateTime GetDateTime(int ordinal) => throw new NotSupportedException("SQLite values are read as long, double, string or byte[].");

    public override Guid GetGuid(int ordinal) => throw new NotSupportedException("SQLite values are read as long, double, string or byte[].");

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var bytes = Bytes(ordinal);
        if (buffer is null) return bytes.Length;
        int n = (int)Math.Max(0, Math.Min(length, bytes.Length - dataOffset));
        bytes.Slice((int)dataOffset, n).CopyTo(buffer.AsSpan(bufferOffset));
        return n;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        string s = GetString(ordinal);
        if (buffer is null) return s.Length;
        int n = (int)Math.Max(0, Math.Min(length, s.Length - dataOffset));
        s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_stmt.IsClosed)
        {
            if (_native != 0) _stmt.DangerousRelease();
            _stmt.Dispose();
        }
        base.Dispose(disposing);
    }

    private static IngestException NotUtf8(ReadOnlySpan<byte> text, string column)
    {
        int at = 0;
        while (at < text.Length && System.Text.Rune.DecodeFromUtf8(text[at..], out _, out int used) == System.Buffers.OperationStatus.Done) at += used;
        return new IngestException($"Column '{column}': the text is not valid UTF-8 (byte 0x{text[Math.Min(at, text.Length - 1)]:X2} at offset {at} of {text.Length}); "
            + "SQLite keeps the bytes it was given: convert them to UTF-8, or select the column as a BLOB (CAST(... AS BLOB)) to load the bytes as they are.");
    }

    public delegate void Reader(SqliteStatementReader reader, int ordinal, int storageClass, TypedColumn column);

    /// <summary>
    /// Reads one column's non-null value (of the storage class the caller got from <see cref="StorageClass"/>) into
    /// its builder: text straight from SQLite's UTF-8 bytes for strings (text that is not valid UTF-8 is a bad value,
    /// never replaced), dates and timestamps in the forms <see cref="ColumnReaders"/> parses fast, integers, reals,
    /// REAL decimals and integer booleans as stored; anything else (other storage classes, other text forms) through
    /// <see cref="ColumnReaders.For"/>, with exactly the driver reader's results and errors.
    /// </summary>
    public static Reader For(DataType type, string column)
    {
        var general = ColumnReaders.For(type, column, SourceKind.Sqlite);
        switch (type)
        {
            case TimestampType:
                return (r, i, k, b) =>
                {
                    if (k == Text && ColumnReaders.TryFastTimestamp(r.Bytes(i), out var t))
                        ((FixedColumn<long>)b).Append(ValueConverters.FromDateTime(t, DeltaLite.Parquet.Metadata.TimeUnit.Micros));
                    else general(r, i, b);
                };
            case DecimalType d:
            {
                long factor = ColumnReaders.ScaleFactor(d);
                return (r, i, k, b) =>
                {
                    if (k == Real) ColumnReaders.AppendReal((DecimalColumn)b, r.GetDouble(i), d, factor, column);
                    else if (k == Integer) ColumnReaders.Append((DecimalColumn)b, r.GetInt64(i), d, column);
                    else general(r, i, b);
                };
            }
        }
        return type.Kind switch
        {
            TypeKind.String => (r, i, k, b) =>
            {
                if (k == Text && b is BytesColumn bytes)
                {
                    var text = r.Bytes(i);
                    // SQLite stores whatever bytes it is given. Replacing bad ones (as the driver's decoding did)
                    // would change the data without a word: a bad value instead, like invalid UTF-8 in a CSV file.
                    if (!Utf8.IsValid(text)) throw NotUtf8(text, column);
                    bytes.Append(text);
                    return;
                }
                general(r, i, b);
            },
            TypeKind.Date => (r, i, k, b) =>
            {
                if (k == Text && ColumnReaders.TryDatePrefix(r.Bytes(i), out var d)) ((FixedColumn<int>)b).Append(ValueConverters.ToDays(d));
                else general(r, i, b);
            },
            TypeKind.Int64 => (r, i, k, b) =>
            {
                if (k == Integer) ((FixedColumn<long>)b).Append(r.GetInt64(i));
                else general(r, i, b);
            },
            TypeKind.Double => (r, i, k, b) =>
            {
                if (k == Real) ((FixedColumn<double>)b).Append(r.GetDouble(i));
                else general(r, i, b);
            },
            TypeKind.Boolean => (r, i, k, b) =>
            {
                if (k == Integer) ((FixedColumn<bool>)b).Append(r.GetInt64(i) != 0);
                else general(r, i, b);
            },
            _ => (r, i, k, b) => general(r, i, b),
        };
    }
}
