using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// A SQLite file. Decimals are bound as invariant two-decimal text ("1234.50") into columns declared DECIMAL(p,s),
/// which SQLite stores as REAL (NUMERIC affinity), exact to the cent at these magnitudes. Dates are TEXT "yyyy-MM-dd",
/// timestamps TEXT "yyyy-MM-dd HH:mm:ss" in UTC (the form Microsoft.Data.Sqlite binds DateTime with, so comparisons
/// against DateTime parameters order correctly). A year is written in one transaction with one prepared INSERT whose
/// parameters are rebound per row (<see cref="SqliteRowWriter"/>). During that transaction the connection runs with
/// synchronous=OFF and a 64 MB page cache, then synchronous goes back to FULL: a crash of the machine (not of the
/// process) during a load can lose that load. The journal mode is left as the file has it (rollback journal for a new
/// file: for an append-only load it writes the data once, where WAL writes it twice); a new file gets 16 KB pages.
/// </summary>
internal sealed class SqliteLoanTarget : ILoanTarget
{
    private readonly string _connectionString;
    private readonly TableName _table;
    private SqliteConnection? _connection;

    public SqliteLoanTarget(string connectionString, TableName table)
    {
        _connectionString = connectionString;
        _table = table;
    }

    private string Quoted => Quote(_table.Name);

    private SqliteConnection Connection => _connection ?? throw new InvalidOperationException("target not opened");

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// The declared type: what a SQL source reads to know a column's logical type. DECIMAL(p,s) has NUMERIC affinity,
    /// so SQLite keeps the two-decimal text as REAL (exact to the cent for these magnitudes); DATE and TIMESTAMP values
    /// are not numbers and stay TEXT.
    /// </summary>
    internal static string SqlType(LoanColumn c) => c.Kind switch
    {
        LoanColumnKind.BigInt or LoanColumnKind.Int => "INTEGER",
        LoanColumnKind.Decimal => $"DECIMAL({c.Precision},{c.Scale})",
        LoanColumnKind.Date => "DATE",
        LoanColumnKind.Timestamp => "TIMESTAMP",
        _ => "TEXT",
    };

    /// <summary>The CREATE TABLE statement.</summary>
    internal static string CreateTableSql(string table)
    {
        var columns = LoanSchema.Columns.Select(c => c.Name == "id"
            ? $"{Quote(c.Name)} INTEGER PRIMARY KEY"
            : $"{Quote(c.Name)} {SqlType(c)}{(c.Nullable ? "" : " NOT NULL")}");
        return $"CREATE TABLE IF NOT EXISTS {Quote(table)} (\n  {string.Join(",\n  ", columns)}\n);";
    }

    /// <summary>The index on updated_at (created after the columns were checked).</summary>
    internal static string CreateIndexSql(string table) =>
        $"CREATE INDEX IF NOT EXISTS {Quote("ix_" + table + "_updated_at")} ON {Quote(table)} ({Quote("updated_at")});";

    public async Task<TargetState> OpenAsync(CancellationToken ct)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(_connectionString);
        }
        catch (ArgumentException e)
        {
            throw new LoanGeneratorException($"bad SQLite connection string: {e.Message}");
        }
        try
        {
            builder.Pooling = false;
            _connection = new SqliteConnection(builder.ToString());
            await _connection.OpenAsync(ct).ConfigureAwait(false);
            await using (var tables = Connection.CreateCommand())
            {
                tables.CommandText = "SELECT count(*) FROM sqlite_master";
                if (Convert.ToInt64(await tables.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
                {
                    // A new database file: larger pages make the bulk insert about a fifth faster.
                    await ExecuteAsync("PRAGMA page_size=16384;", ct).ConfigureAwait(false);
                }
            }
            await ExecuteAsync(CreateTableSql(_table.Name), ct).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw new LoanGeneratorException($"cannot open SQLite database '{builder.DataSource}': {OneLine(e.Message)}");
        }
        await CheckColumnsAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(CreateIndexSql(_table.Name), ct).ConfigureAwait(false);

        await using var cmd = Connection.CreateCommand();
        cmd.CommandText = $"SELECT max(id), max(issue_d), max(updated_at) FROM {Quoted}";
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        if (reader.IsDBNull(0))
        {
            return new TargetState(null, 0);
        }
        var maxIssue = LoanText.ParseDate(reader.GetString(1), "issue_d").Year;
        var maxUpdated = LoanText.ParseTimestamp(reader.GetString(2), "updated_at").Year;
        return new TargetState(Math.Max(maxIssue, maxUpdated), reader.GetInt64(0));
    }

    private async Task CheckColumnsAsync(CancellationToken ct)
    {
        await using var cmd = Connection.CreateCommand();
        cmd.CommandText = $"SELECT name FROM pragma_table_info({Quote(_table.Name).Replace('"', '\'')})";
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }
        var missing = LoanSchema.Columns.Where(c => !names.Contains(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new LoanGeneratorException($"table '{_table.Name}' exists but is not a loans table (missing {string.Join(", ", missing.Take(5))})");
        }
    }

    public async IAsyncEnumerable<LoanRecord> ReadOpenLoansAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = Connection.CreateCommand();
        cmd.CommandText = $"SELECT {string.Join(", ", LoanSchema.Columns.Select(c => Quote(c.Name)))} FROM {Quoted} "
            + "WHERE loan_status IN ($s0, $s1, $s2) ORDER BY id";
        cmd.Parameters.AddWithValue("$s0", LoanStatuses.CurrentText);
        cmd.Parameters.AddWithValue("$s1", LoanStatuses.Late16Text);
        cmd.Parameters.AddWithValue("$s2", LoanStatuses.Late31Text);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var loan = new LoanRecord();
            for (var i = 0; i < LoanSchema.Columns.Count; i++)
            {
                LoanValues.Set(loan, i, reader.IsDBNull(i) ? null : reader.GetValue(i));
            }
            yield return loan;
        }
    }

    internal static string InsertSql(string table) =>
        $"INSERT INTO {Quote(table)} ({string.Join(", ", LoanSchema.Columns.Select(c => Quote(c.Name)))}) VALUES ({string.Join(", ", LoanSchema.Columns.Select((_, i) => $"?{i + 1}"))})";

    internal static string UpdateSql(string table) =>
        $"UPDATE {Quote(table)} SET {string.Join(", ", LoanSchema.MutableColumns.Select(c => $"{Quote(c.Name)} = ?{Ordinal(c) + 1}"))} WHERE {Quote("id")} = ?1";

    private static int Ordinal(LoanColumn c) => LoanSchema.Columns.ToList().IndexOf(c);

    public Task<long> WriteYearAsync(int year, IReadOnlyList<LoanRecord> updates, IEnumerable<LoanRecord> newLoans, CancellationToken ct)
    {
        var (db, own) = OpenWriteHandle();
        long inserted = 0;
        try
        {
            Exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-65536; PRAGMA busy_timeout=10000; BEGIN IMMEDIATE;");
            try
            {
                if (updates.Count > 0)
                {
                    using var update = new SqliteRowWriter(db, UpdateSql(_table.Name));
                    foreach (var loan in updates)
                    {
                        if (update.Execute(loan) != 1)
                        {
                            throw new LoanGeneratorException($"loan {loan.Id} vanished from table '{_table.Name}' during the run");
                        }
                    }
                }
                using (var insert = new SqliteRowWriter(db, InsertSql(_table.Name)))
                {
                    foreach (var loan in newLoans)
                    {
                        insert.Execute(loan);
                        inserted++;
                        if ((inserted & 0xFFFF) == 0)
                        {
                            ct.ThrowIfCancellationRequested();
                        }
                    }
                }
                Exec(db, "COMMIT;");
            }
            catch
            {
                raw.sqlite3_exec(db, "ROLLBACK;");
                throw;
            }
            Exec(db, "PRAGMA synchronous=FULL;");
        }
        finally
        {
            if (own)
            {
                db.Dispose();
            }
        }
        return Task.FromResult(inserted);
    }

    /// <summary>
    /// The handle the year is written through: for a database file, a second native connection opened with
    /// SQLITE_OPEN_NOMUTEX (used by this thread only), which spares the serialized-mode mutex SQLite otherwise takes on
    /// each of the 38 binds per row; for an in-memory database, the ADO.NET connection's own handle.
    /// </summary>
    private (sqlite3 Db, bool Own) OpenWriteHandle()
    {
        var builder = new SqliteConnectionStringBuilder(Connection.ConnectionString);
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(source) || source == ":memory:")
        {
            return (Connection.Handle!, false);
        }
        var uri = source.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        var flags = raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX | (uri ? raw.SQLITE_OPEN_URI : 0);
        var rc = raw.sqlite3_open_v2(uri ? source : Path.GetFullPath(source), out var db, flags, null);
        if (rc != raw.SQLITE_OK)
        {
            var message = db is null ? $"error {rc}" : raw.sqlite3_errmsg(db).utf8_to_string();
            db?.Dispose();
            throw new LoanGeneratorException($"cannot open SQLite database '{source}' for writing: {message}");
        }
        return (db, true);
    }

    private static void Exec(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_exec(db, sql);
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }

    public Task CompleteAsync(int lastYear, long maxId, CancellationToken ct) => Task.CompletedTask;

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }
}
