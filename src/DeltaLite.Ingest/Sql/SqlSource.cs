using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using DeltaLite.Ingest.Columns;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeltaLite.Ingest.Sql;

/// <summary>A table or query of a SQL database, read in batches between two watermarks.</summary>
public sealed class SqlSource
{
    private readonly IngestJob _job;
    private readonly string _connectionString;

    public SqlSource(IngestJob job)
    {
        _job = job;
        Dialect = SqlDialect.For(job.Source);
        _connectionString = job.ResolveConnection();
        From = Dialect.Source(job.Table, job.Query);
    }

    public SqlDialect Dialect { get; }

    /// <summary>The FROM clause (quoted table or wrapped query).</summary>
    public string From { get; }

    /// <summary>Where rows come from, without secrets.</summary>
    public string Description => Dialect.Describe(_connectionString) + (_job.Table is not null ? $" table {_job.Table}" : " query");

    /// <summary>Whether the watermark column is a row version (discovered with the schema).</summary>
    public bool RowVersion { get; private set; }

    /// <summary>The watermark column's type name in the source (discovered with the schema).</summary>
    public string? WatermarkTypeName { get; private set; }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = Dialect.CreateConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new IngestException($"Cannot connect to {Dialect.Describe(_connectionString)}: {Redact(e.Message)}", e);
        }
    }

    private string Redact(string message)
    {
        // Drivers may echo parts of the connection string; never let a password through.
        foreach (var key in new[] { "Password", "Pwd", "password", "pwd" })
        {
            int i = _connectionString.IndexOf(key + "=", StringComparison.OrdinalIgnoreCase);
            if (i < 0) continue;
            int start = i + key.Length + 1, end = _connectionString.IndexOf(';', start);
            string secret = end < 0 ? _connectionString[start..] : _connectionString[start..end];
            if (secret.Length > 0) message = message.Replace(secret, "***", StringComparison.Ordinal);
        }
        return message;
    }

    private Dictionary<string, string>? _declaredTypes;

    /// <summary>
    /// SQLite reports declared types without their precision ("DECIMAL" for DECIMAL(12,2)); for a table source the
    /// full declared types come from pragma_table_info.
    /// </summary>
    private async Task LoadDeclaredTypesAsync(DbConnection connection, CancellationToken ct)
    {
        if (_declaredTypes is not null || Dialect.Kind != SourceKind.Sqlite || _job.Table is null) return;
        var parts = SqlDialect.SplitName(_job.Table);
        await using var command = connection.CreateCommand();
        command.CommandText = parts.Count == 2 ? "SELECT name, type FROM pragma_table_info(@t, @s)" : "SELECT name, type FROM pragma_table_info(@t)";
        var t = command.CreateParameter();
        t.ParameterName = "@t";
        t.Value = parts[^1];
        command.Parameters.Add(t);
        if (parts.Count == 2)
        {
            var sch = command.CreateParameter();
            sch.ParameterName = "@s";
            sch.Value = parts[0];
            command.Parameters.Add(sch);
        }
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) map[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        if (map.Count == 0) throw new IngestException($"{Description}: no table '{_job.Table}' in the database.");
        _declaredTypes = map;
    }

    /// <summary>The columns of the source as a Delta schema.</summary>
    public async Task<Parquet.Schema> GetSchemaAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await LoadDeclaredTypesAsync(connection, ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Dialect.SchemaSql(From);
        await using var reader = await ExecuteAsync(command, CommandBehavior.SchemaOnly, ct).ConfigureAwait(false);
        return SchemaOf(reader);
    }

    private async Task<DbDataReader> ExecuteAsync(DbCommand command, CommandBehavior behavior, CancellationToken ct)
    {
        try
        {
            return await command.ExecuteReaderAsync(behavior, ct).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new IngestException($"{Description}: the query failed: {Redact(e.Message)}", e);
        }
    }

    private Parquet.Schema SchemaOf(DbDataReader reader)
    {
        DataTable? table = null;
        if (Dialect.PrecisionFromSchemaTable)
        {
            try { table = reader.GetSchemaTable(); } catch (NotSupportedException) { }
        }
        var fields = new List<Field>(reader.FieldCount);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < reader.FieldCount; i++)
        {
            string name = reader.GetName(i);
            if (string.IsNullOrEmpty(name)) throw new IngestException($"{Description}: result column {i + 1} has no name; alias it in the query.");
            if (!names.Add(name)) throw new IngestException($"{Description}: the result has two columns named '{name}'; alias one of them.");
            string typeName = _declaredTypes is not null && _declaredTypes.TryGetValue(name, out var declared) ? declared : reader.GetDataTypeName(i);
            int? precision = null, scale = null;
            bool nullable = true;
            if (table is not null && i < table.Rows.Count)
            {
                var row = table.Rows[i];
                if (table.Columns.Contains("NumericPrecision") && row["NumericPrecision"] is not DBNull) precision = Convert.ToInt32(row["NumericPrecision"], System.Globalization.CultureInfo.InvariantCulture);
                if (table.Columns.Contains("NumericScale") && row["NumericScale"] is not DBNull) scale = Convert.ToInt32(row["NumericScale"], System.Globalization.CultureInfo.InvariantCulture);
                if (precision is 255 or 0) precision = null;
                if (scale is 255) scale = null;
            }
            if (string.Equals(name, _job.WatermarkColumn, StringComparison.OrdinalIgnoreCase))
            {
                WatermarkTypeName = typeName;
                if (Dialect.IsRowVersion(typeName)) RowVersion = true;
            }
            fields.Add(new Field(name, Dialect.MapType(name, typeName, reader.GetFieldType(i), precision, scale), nullable));
        }
        if (_job.WatermarkColumn is { } w && !names.Contains(w))
            throw new IngestException($"{Description}: the watermark column '{w}' is not in the source (columns: {string.Join(", ", fields.Select(f => f.Name))}).");
        foreach (var k in _job.KeyColumns)
            if (!names.Contains(k)) throw new IngestException($"{Description}: the key column '{k}' is not in the source.");
        return new Parquet.Schema(fields);
    }

    /// <summary>The high mark: MAX of the watermark column now (null when the source has no non-null value).</summary>
    public async Task<WatermarkValue?> GetHighWatermarkAsync(CancellationToken ct)
    {
        if (_job.WatermarkColumn is null) return null;
        if (!RowVersion) await GetSchemaAsync(ct).ConfigureAwait(false);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Dialect.MaxWatermarkSql(From, _job.WatermarkColumn, RowVersion);
        object? value;
        try
        {
            value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new IngestException($"{Description}: the high-watermark query failed: {Redact(e.Message)}", e);
        }
        if (value is string s && Dialect.Kind == SourceKind.Sqlite)
        {
            // SQLite keeps dates and timestamps as text: the mark is typed by the column's declared type.
            var schema = await GetSchemaAsync(ct).ConfigureAwait(false);
            var type = schema[schema.IndexOf(schema.Fields.First(f => string.Equals(f.Name, _job.WatermarkColumn, StringComparison.OrdinalIgnoreCase)).Name)].Type;
            if (type.Kind == TypeKind.Timestamp) value = ColumnReaders.ParseTimestamp(s, _job.WatermarkColumn);
            else if (type.Kind == TypeKind.Date) value = DateOnly.ParseExact(s[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }
        return WatermarkValue.From(value);
    }

    /// <summary>How many rows a run between the marks would read.</summary>
    public async Task<long> CountAsync(WatermarkValue? low, WatermarkValue? high, bool includeNulls, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Dialect.CountSql(From, _job.WatermarkColumn, low is not null, high is not null, RowVersion, includeNulls);
        Bind(command, low, high);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Bind(DbCommand command, WatermarkValue? low, WatermarkValue? high)
    {
        void Add(string name, WatermarkValue v)
        {
            var p = command.CreateParameter();
            p.ParameterName = Dialect.Parameter(name);
            Dialect.BindParameter(p, v, RowVersion, WatermarkTypeName);
            command.Parameters.Add(p);
        }
        if (_job.WatermarkColumn is null) return;
        if (high is not null) Add("high", high);
        if (low is not null) Add("low", low);
    }

    /// <summary>
    /// Streams the rows with low &lt; watermark &lt;= high (plus rows with a NULL watermark when
    /// <paramref name="includeNulls"/>) as batches in <paramref name="schema"/>, the source's schema.
    /// </summary>
    public async IAsyncEnumerable<RecordBatch> ReadAsync(Parquet.Schema schema, WatermarkValue? low, WatermarkValue? high, bool includeNulls, Action<long>? onRows,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await LoadDeclaredTypesAsync(connection, ct).ConfigureAwait(false);
        ReadThroughCopy = ReadThroughRawCopy = false;
        if (connection is NpgsqlConnection pg)
        {
            // The describe, the watermark settings and the COPY share one transaction (see PostgresCopy).
            NpgsqlTransaction transaction;
            try
            {
                transaction = await pg.BeginTransactionAsync(ct).ConfigureAwait(false);
            }
            catch (DbException e)
            {
                throw new IngestException($"{Description}: the query failed: {Redact(e.Message)}", e);
            }
            await using var transactionScope = transaction;
            var copy = await PrepareCopyAsync(pg, schema, low, high, includeNulls, ct).ConfigureAwait(false);
            if (copy is { Decoders: { } decoders } raw)
            {
                ReadThroughCopy = ReadThroughRawCopy = true;
                await foreach (var batch in RawCopyAsync(pg, raw.Sql, decoders, schema, onRows, ct).ConfigureAwait(false)) yield return batch;
            }
            else if (copy is { } plan)
            {
                ReadThroughCopy = true;
                await foreach (var batch in CopyAsync(pg, plan.Sql, plan.Readers, schema, onRows, ct).ConfigureAwait(false)) yield return batch;
            }
            else
            {
                // A type COPY's binary rows are not read for: the data reader below, in the same transaction.
                await foreach (var batch in ReadRowsAsync(connection, schema, low, high, includeNulls, onRows, ct).ConfigureAwait(false)) yield return batch;
            }
            // Committed like the single statement it replaces would have been (a query may call functions that write).
            await CommitAsync(transaction, ct).ConfigureAwait(false);
            yield break;
        }
        ReadThroughRawSqlite = false;
        if (connection is SqliteConnection lite && RawSqliteEnabled && await SqliteStatementReader.IsUtf8Async(lite, ct).ConfigureAwait(false))
        {
            ReadThroughRawSqlite = true;
            await foreach (var batch in RawSqliteAsync(lite, schema, low, high, includeNulls, onRows, ct).ConfigureAwait(false)) yield return batch;
            yield break;
        }
        await foreach (var batch in ReadRowsAsync(connection, schema, low, high, includeNulls, onRows, ct).ConfigureAwait(false)) yield return batch;
    }

    private async Task CommitAsync(DbTransaction transaction, CancellationToken ct)
    {
        try
        {
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new IngestException($"{Description}: the query failed: {Redact(e.Message)}", e);
        }
    }

    /// <summary>Whether the last <see cref="ReadAsync"/> read through PostgreSQL's binary COPY (else the data reader).</summary>
    internal bool ReadThroughCopy { get; private set; }

    /// <summary>Whether the last <see cref="ReadAsync"/> decoded COPY's raw binary stream itself (else Npgsql's exporter, when it used COPY).</summary>
    internal bool ReadThroughRawCopy { get; private set; }

    /// <summary>Whether COPY's raw binary stream may be decoded here (tests turn it off to compare with the exporter).</summary>
    internal bool RawCopyEnabled { get; set; } = true;

    /// <summary>Whether the last <see cref="ReadAsync"/> read SQLite through its own statement (else the driver's data reader).</summary>
    internal bool ReadThroughRawSqlite { get; private set; }

    /// <summary>Whether SQLite rows may be read through a statement of our own (tests turn it off to compare with the driver's reader).</summary>
    internal bool RawSqliteEnabled { get; set; } = true;

    private void CheckColumns(IReadOnlyList<string> names, Parquet.Schema schema)
    {
        // The rows are read in the schema found at the start of the run (some columns may be selected as text).
        if (!names.SequenceEqual(schema.Fields.Select(f => f.Name), StringComparer.OrdinalIgnoreCase))
            throw new IngestException($"{Description}: the source's columns changed during the run (was: {string.Join(", ", schema.Fields.Select(f => f.Name))}; now: {string.Join(", ", names)}); run again.");
    }

    /// <summary>
    /// The COPY statement and column readers for this read, with the watermark bounds set as transaction-local
    /// settings; null when some column or bound is not one the COPY path reads exactly like the data reader.
    /// </summary>
    private async Task<(string Sql, PostgresCopy.Reader[] Readers, PostgresBinary.Decoder[]? Decoders)?> PrepareCopyAsync(NpgsqlConnection connection, Parquet.Schema schema,
        WatermarkValue? low, WatermarkValue? high, bool includeNulls, CancellationToken ct)
    {
        var names = new List<string>();
        var oids = new List<uint>();
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = Dialect.SchemaSql(From);
            await using var reader = (NpgsqlDataReader)await ExecuteAsync(describe, CommandBehavior.SchemaOnly, ct).ConfigureAwait(false);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                names.Add(reader.GetName(i));
                oids.Add(reader.GetDataTypeOID(i));
            }
        }
        CheckColumns(names, schema);
        var readers = PostgresCopy.Readers(schema, oids);
        if (readers is null) return null;
        string? column = _job.WatermarkColumn;
        (string Text, string Type)? lowBound = null, highBound = null;
        if (column is not null && RowVersion) return null;
        if (column is not null && low is not null && (lowBound = PostgresCopy.Bound(low, WatermarkTypeName)) is null) return null;
        if (column is not null && high is not null && (highBound = PostgresCopy.Bound(high, WatermarkTypeName)) is null) return null;
        if (lowBound is not null || highBound is not null)
        {
            // Values as parameters: the COPY below reads them back with current_setting.
            await using var set = connection.CreateCommand();
            var settings = new List<string>();
            foreach (var (setting, bound) in new[] { (PostgresCopy.LowSetting, lowBound), (PostgresCopy.HighSetting, highBound) })
            {
                if (bound is null) continue;
                string parameter = "p" + settings.Count;
                settings.Add($"set_config('{setting}', @{parameter}, true)");
                set.Parameters.Add(new NpgsqlParameter(parameter, NpgsqlTypes.NpgsqlDbType.Text) { Value = bound.Value.Text });
            }
            set.CommandText = "SELECT " + string.Join(", ", settings);
            try
            {
                await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            catch (DbException e)
            {
                throw new IngestException($"{Description}: the query failed: {Redact(e.Message)}", e);
            }
        }
        static string? Setting(string name, (string Text, string Type)? bound) => bound is { } b ? $"(SELECT current_setting('{name}')::{b.Type})" : null;
        string select = Dialect.SelectSql(From, column, low is not null, high is not null, RowVersion, includeNulls, Dialect.SelectList(schema),
            Setting(PostgresCopy.HighSetting, highBound), Setting(PostgresCopy.LowSetting, lowBound));
        // Text fields are taken as UTF-8 bytes as they come: only when the server sends UTF-8 (and checked it: not SQL_ASCII).
        bool utf8 = connection.PostgresParameters.TryGetValue("client_encoding", out var client) && client == "UTF8"
            && connection.PostgresParameters.TryGetValue("server_encoding", out var server) && server != "SQL_ASCII";
        var decoders = RawCopyEnabled && utf8 ? PostgresCopy.Decoders(schema, oids) : null;
        return ($"COPY ({select}) TO STDOUT (FORMAT BINARY)", readers, decoders);
    }

    /// <summary>The rows of a COPY in binary, in batches (the same batching, progress and errors as the data reader's).</summary>
    private async IAsyncEnumerable<RecordBatch> CopyAsync(NpgsqlConnection connection, string sql, PostgresCopy.Reader[] readers, Parquet.Schema schema,
        Action<long>? onRows, [EnumeratorCancellation] CancellationToken ct)
    {
        var exporter = await StartCopyAsync(connection.BeginBinaryExportAsync(sql, ct)).ConfigureAwait(false);
        try
        {
            // No practical time limit between rows (the data reader's CommandTimeout = 0): a query may take long to its
            // first row, and the server may pause. A zero timeout is not "none" here: rows failed with "Timeout during
            // reading attempt" as soon as the server fell behind.
            exporter.Timeout = TimeSpan.FromDays(1);
            var rows = BatchesAsync(schema, async row =>
            {
                return CopyRow(await exporter.StartRowAsync(ct).ConfigureAwait(false), row, readers.Length);
            }, (c, column) =>
            {
                if (exporter.IsNull)
                {
                    exporter.Skip();
                    column.AppendNull();
                }
                else readers[c](exporter, column);
            }, e => e is DbException or IOException, onRows);
            await foreach (var batch in rows.ConfigureAwait(false)) yield return batch;
        }
        finally
        {
            // Stopping early cancels the COPY.
            await CloseCopyAsync(exporter.DisposeAsync).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The rows of a COPY in binary, decoded from its raw stream straight into the columns (<see cref="CopyTupleReader"/>,
    /// <see cref="PostgresBinary"/>), in the same batches, progress and errors as <see cref="CopyAsync"/>'s.
    /// </summary>
    private async IAsyncEnumerable<RecordBatch> RawCopyAsync(NpgsqlConnection connection, string sql, PostgresBinary.Decoder[] decoders, Parquet.Schema schema,
        Action<long>? onRows, [EnumeratorCancellation] CancellationToken ct)
    {
        var stream = await StartCopyAsync(connection.BeginRawBinaryCopyAsync(sql, ct)).ConfigureAwait(false);
        var tuples = new CopyTupleReader(stream);
        try
        {
            // No practical time limit between reads (see CopyAsync).
            stream.ReadTimeout = (int)TimeSpan.FromDays(1).TotalMilliseconds;
            var rows = BatchesAsync(schema, async row =>
            {
                return CopyRow(await tuples.NextAsync(ct).ConfigureAwait(false), row, decoders.Length);
            }, (c, column) =>
            {
                if (tuples.IsNull(c)) column.AppendNull();
                else decoders[c](tuples.Value(c), column);
            }, e => e is DbException or IOException or InvalidDataException, onRows);
            await foreach (var batch in rows.ConfigureAwait(false)) yield return batch;
        }
        finally
        {
            // Stopping early cancels the COPY (disposing the raw stream would read it to its end).
            await CloseCopyAsync(async () =>
            {
                if (!tuples.Finished) await stream.CancelAsync().ConfigureAwait(false);
                await stream.DisposeAsync().ConfigureAwait(false);
            }).ConfigureAwait(false);
            tuples.Dispose();
        }
    }

    /// <summary>Starts a COPY: a failing query (a bad source query, a missing table) is an IngestException.</summary>
    private async Task<T> StartCopyAsync<T>(Task<T> start)
    {
        try
        {
            return await start.ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new IngestException($"{Description}: the query failed: {Redact(e.Message)}", e);
        }
    }

    /// <summary>Whether a COPY tuple of <paramref name="columns"/> fields (-1: the end) is a row of the expected width.</summary>
    private bool CopyRow(int columns, long row, int expected) =>
        columns >= 0 && (columns == expected ? true : throw new IngestException($"{Description}: row {row} has {columns} columns, expected {expected}."));

    /// <summary>Ends a COPY early or late; on a broken connection there is nothing left to close.</summary>
    private static async Task CloseCopyAsync(Func<ValueTask> close)
    {
        try
        {
            await close().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or IOException or InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    /// <summary>A value the Delta type cannot take (as opposed to a failing connection): a bad row.</summary>
    private static bool IsBadValue(Exception e) =>
        e is FormatException or InvalidCastException or OverflowException or ArgumentException || (e is IngestException and not BadRowException);

    private BadRowException BadRow(Exception e, long row, string column)
    {
        // The column readers' own errors name the column already; the row is known here.
        if (e is IngestException) return new($"{Description}: row {row}: {e.Message}", null, row, column);
        // ArgumentOutOfRangeException: a driver building a DateTime past year 9999 or before year 1.
        string reason = e.Message.Contains("infinity", StringComparison.OrdinalIgnoreCase)
            ? "PostgreSQL 'infinity' has no Delta date or timestamp value" : e.Message;
        return new($"{Description}: row {row}, column '{column}': {reason}", null, row, column);
    }

    private IngestException ReadFailed(Exception e, long rows)
    {
        // A driver's own message may be vague ("Exception while reading from stream"): add the cause.
        string cause = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({Redact(inner.Message)})" : "";
        return new IngestException($"{Description}: reading rows failed after {rows} rows: {Redact(e.Message)}{cause}; nothing was committed, run again", e);
    }

    /// <summary>The rows through the driver's data reader (every engine; PostgreSQL sources COPY cannot read).</summary>
    private async IAsyncEnumerable<RecordBatch> ReadRowsAsync(DbConnection connection, Parquet.Schema schema, WatermarkValue? low, WatermarkValue? high, bool includeNulls,
        Action<long>? onRows, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Dialect.SelectSql(From, _job.WatermarkColumn, low is not null, high is not null, RowVersion, includeNulls, Dialect.SelectList(schema));
        command.CommandTimeout = 0;
        Bind(command, low, high);
        await using var reader = await ExecuteAsync(command, CommandBehavior.SequentialAccess, ct).ConfigureAwait(false);
        CheckColumns(Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList(), schema);
        var readers = schema.Fields.Select(f => ColumnReaders.For(f.Type, f.Name, Dialect.Kind)).ToArray();
        // The connection can die anywhere in a row (a server restart): values are read from the network too
        // (sequential access), not only by ReadAsync.
        var rows = BatchesAsync(schema, _ => new ValueTask<bool>(reader.ReadAsync(ct)), (c, column) =>
        {
            if (reader.IsDBNull(c)) column.AppendNull();
            else readers[c](reader, c, column);
        }, e => e is DbException, onRows);
        await foreach (var batch in rows.ConfigureAwait(false)) yield return batch;
    }

    /// <summary>
    /// The rows of a SQLite source through a statement prepared on the connection's handle and read with SQLite's column
    /// functions (<see cref="SqliteStatementReader"/>): the same SQL, bound values, rows, values and errors as the
    /// driver's data reader, without a UTF-16 string for every text value.
    /// </summary>
    private async IAsyncEnumerable<RecordBatch> RawSqliteAsync(SqliteConnection connection, Parquet.Schema schema, WatermarkValue? low, WatermarkValue? high, bool includeNulls,
        Action<long>? onRows, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Dialect.SelectSql(From, _job.WatermarkColumn, low is not null, high is not null, RowVersion, includeNulls, Dialect.SelectList(schema));
        Bind(command, low, high);
        SqliteStatementReader reader;
        bool first;
        try
        {
            var bound = await SqliteStatementReader.BoundValuesAsync(command, ct).ConfigureAwait(false);
            reader = SqliteStatementReader.Prepare(connection, command.CommandText, bound);
        }
        catch (DbException e)
        {
            throw new IngestException($"{Description}: the query failed: {Redact(e.Message)}", e);
        }
        using (reader)
        {
            try
            {
                // The first step runs the query, as executing the driver's command does: its errors are the query's.
                first = reader.Read();
            }
            catch (DbException e)
            {
                throw new IngestException($"{Description}: the query failed: {Redact(e.Message)}", e);
            }
            CheckColumns(Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList(), schema);
            var readers = schema.Fields.Select(f => SqliteStatementReader.For(f.Type, f.Name)).ToArray();
            var rows = BatchesAsync(schema, row =>
            {
                ct.ThrowIfCancellationRequested();
                return new ValueTask<bool>(row == 1 ? first : reader.Read());
            }, (c, column) =>
            {
                int storage = reader.StorageClass(c);
                if (storage == SqliteStatementReader.NullStorage) column.AppendNull();
                else readers[c](reader, c, storage, column);
            }, e => e is DbException, onRows);
            await foreach (var batch in rows.ConfigureAwait(false)) yield return batch;
        }
    }

    /// <summary>
    /// Rows in batches of the job's batch size, for both ways of reading rows: <paramref name="nextRow"/> moves to row
    /// N (1-based; false at the end), <paramref name="readValue"/> appends column c's value. A value the Delta type
    /// cannot take is a bad row naming row and column; an exception <paramref name="lostConnection"/> accepts is a read
    /// failure naming the rows read.
    /// </summary>
    private async IAsyncEnumerable<RecordBatch> BatchesAsync(Parquet.Schema schema, Func<long, ValueTask<bool>> nextRow,
        Action<int, TypedColumn> readValue, Func<Exception, bool> lostConnection, Action<long>? onRows)
    {
        long total = 0;
        while (true)
        {
            var builders = schema.Fields.Select(f => ColumnReaders.CreateColumn(f.Type, _job.BatchSize)).ToArray();
            int n = 0;
            while (n < _job.BatchSize)
            {
                try
                {
                    if (!await nextRow(total + n + 1).ConfigureAwait(false)) break;
                    for (int c = 0; c < builders.Length; c++)
                    {
                        try
                        {
                            readValue(c, builders[c]);
                        }
                        catch (Exception e) when (IsBadValue(e))
                        {
                            throw BadRow(e, total + n + 1, schema[c].Name);
                        }
                    }
                }
                catch (Exception e) when (lostConnection(e))
                {
                    throw ReadFailed(e, total + n);
                }
                n++;
            }
            if (n == 0) yield break;
            total += n;
            onRows?.Invoke(total);
            yield return new RecordBatch(schema, builders.Select(b => b.Build()).ToArray(), n);
            if (n < _job.BatchSize) yield break;
        }
    }
}
