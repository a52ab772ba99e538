using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using DeltaLite.Ingest.State;
using DeltaLite.Parquet;

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
        await using var command = connection.CreateCommand();
        command.CommandText = Dialect.SelectSql(From, _job.WatermarkColumn, low is not null, high is not null, RowVersion, includeNulls, Dialect.SelectList(schema));
        command.CommandTimeout = 0;
        Bind(command, low, high);
        await using var reader = await ExecuteAsync(command, CommandBehavior.SequentialAccess, ct).ConfigureAwait(false);
        // The rows are read in the schema found at the start of the run (some columns may be selected as text).
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        if (!names.SequenceEqual(schema.Fields.Select(f => f.Name), StringComparer.OrdinalIgnoreCase))
            throw new IngestException($"{Description}: the source's columns changed during the run (was: {string.Join(", ", schema.Fields.Select(f => f.Name))}; now: {string.Join(", ", names)}); run again.");
        var readers = schema.Fields.Select(f => ColumnReaders.For(f.Type, f.Name, Dialect.Kind)).ToArray();
        long total = 0;
        while (true)
        {
            var builders = schema.Fields.Select(f => ColumnReaders.CreateColumn(f.Type, _job.BatchSize)).ToArray();
            int n = 0;
            while (n < _job.BatchSize)
            {
                // The connection can die anywhere in here (a server restart): values of a row are read from the
                // network too (sequential access), not only by ReadAsync.
                try
                {
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false)) break;
                    for (int c = 0; c < readers.Length; c++)
                    {
                        if (reader.IsDBNull(c)) builders[c].AppendNull();
                        else
                        {
                            try
                            {
                                readers[c](reader, c, builders[c]);
                            }
                            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
                            {
                                // ArgumentOutOfRangeException: a driver building a DateTime past year 9999 or before year 1.
                                string reason = e.Message.Contains("infinity", StringComparison.OrdinalIgnoreCase)
                                    ? "PostgreSQL 'infinity' has no Delta date or timestamp value" : e.Message;
                                throw new BadRowException($"{Description}: row {total + n + 1}, column '{schema[c].Name}': {reason}", null, total + n + 1, schema[c].Name);
                            }
                            catch (IngestException e) when (e is not BadRowException)
                            {
                                // The column readers name the column; the row is known here.
                                throw new BadRowException($"{Description}: row {total + n + 1}: {e.Message}", null, total + n + 1, schema[c].Name);
                            }
                        }
                    }
                }
                catch (DbException e)
                {
                    // A driver's own message may be vague ("Exception while reading from stream"): add the cause.
                    string cause = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({Redact(inner.Message)})" : "";
                    throw new IngestException($"{Description}: reading rows failed after {total + n} rows: {Redact(e.Message)}{cause}; nothing was committed, run again", e);
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
