using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// A SQLite file. Decimals are stored as TEXT in invariant two-decimal form ("1234.50"): the declared type is TEXT so
/// SQLite's NUMERIC affinity cannot turn them into REAL, and the text round-trips exactly. Dates are TEXT "yyyy-MM-dd",
/// timestamps TEXT "yyyy-MM-dd HH:mm:ss" in UTC (the form Microsoft.Data.Sqlite binds DateTime with, so comparisons
/// against DateTime parameters order correctly). A year is written in one transaction with one prepared INSERT whose
/// parameters are rebound per row (<see cref="SqliteRowInserter"/>); during that transaction the connection runs with synchronous=OFF (the database file is in
/// WAL mode, which stays set), then synchronous goes back to FULL.
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

    internal static string SqlType(LoanColumn c) => c.Kind is LoanColumnKind.BigInt or LoanColumnKind.Int ? "INTEGER" : "TEXT";

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
            await ExecuteAsync("PRAGMA journal_mode=WAL;", ct).ConfigureAwait(false);
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

    public async Task<long> WriteYearAsync(int year, IReadOnlyList<LoanRecord> updates, IEnumerable<LoanRecord> newLoans, CancellationToken ct)
    {
        await ExecuteAsync("PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;", ct).ConfigureAwait(false);
        long inserted = 0;
        await using (var tx = (SqliteTransaction)await Connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            if (updates.Count > 0)
            {
                await using var update = Connection.CreateCommand();
                update.Transaction = tx;
                var mutable = LoanSchema.MutableColumns;
                update.CommandText = $"UPDATE {Quoted} SET {string.Join(", ", mutable.Select(c => $"{Quote(c.Name)} = $p{LoanSchema.Columns.ToList().IndexOf(c)}"))} WHERE {Quote("id")} = $p0";
                var p = CreateParameters(update);
                update.Prepare();
                foreach (var loan in updates)
                {
                    Bind(p, loan);
                    if (update.ExecuteNonQuery() != 1)
                    {
                        throw new LoanGeneratorException($"loan {loan.Id} vanished from table '{_table.Name}' during the run");
                    }
                }
            }

            var sql = $"INSERT INTO {Quoted} ({string.Join(", ", LoanSchema.Columns.Select(c => Quote(c.Name)))}) VALUES ({string.Join(", ", LoanSchema.Columns.Select((_, i) => $"?{i + 1}"))})";
            using (var insert = new SqliteRowInserter(Connection, sql))
            {
                foreach (var loan in newLoans)
                {
                    insert.Insert(loan);
                    inserted++;
                    if ((inserted & 0xFFFF) == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }
                }
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        await ExecuteAsync("PRAGMA synchronous=FULL;", ct).ConfigureAwait(false);
        return inserted;
    }

    public Task CompleteAsync(int lastYear, long maxId, CancellationToken ct) => Task.CompletedTask;

    private static SqliteParameter[] CreateParameters(SqliteCommand cmd)
    {
        var text = cmd.CommandText;
        var result = new SqliteParameter[LoanSchema.Columns.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var name = "$p" + i.ToString(CultureInfo.InvariantCulture);
            // Only the parameters the statement names are added: SQLite rejects unknown ones.
            if (ContainsParameter(text, name))
            {
                var kind = LoanSchema.Columns[i].Kind;
                result[i] = cmd.Parameters.Add(name, kind is LoanColumnKind.BigInt or LoanColumnKind.Int ? SqliteType.Integer : SqliteType.Text);
            }
        }
        return result;
    }

    private static bool ContainsParameter(string sql, string name)
    {
        var at = 0;
        while ((at = sql.IndexOf(name, at, StringComparison.Ordinal)) >= 0)
        {
            var end = at + name.Length;
            if (end == sql.Length || !char.IsDigit(sql[end]))
            {
                return true;
            }
            at = end;
        }
        return false;
    }

    /// <summary>Binds every parameter the statement uses (null entries are skipped).</summary>
    private static void Bind(SqliteParameter?[] p, LoanRecord r)
    {
        Set(p, LoanSchema.Id, r.Id);
        Set(p, LoanSchema.MemberId, r.MemberId);
        Set(p, LoanSchema.LoanAmnt, r.LoanAmntCents, 2);
        Set(p, LoanSchema.FundedAmnt, r.FundedAmntCents, 2);
        Set(p, LoanSchema.Term, r.Term);
        Set(p, LoanSchema.IntRate, r.IntRateBp, 2);
        Set(p, LoanSchema.Installment, r.InstallmentCents, 2);
        Set(p, LoanSchema.Grade, r.Grade);
        Set(p, LoanSchema.SubGrade, r.SubGrade);
        Set(p, LoanSchema.EmpTitle, r.EmpTitle);
        Set(p, LoanSchema.EmpLength, r.EmpLength);
        Set(p, LoanSchema.HomeOwnership, r.HomeOwnership);
        Set(p, LoanSchema.AnnualInc, r.AnnualIncCents, 2);
        Set(p, LoanSchema.VerificationStatus, r.VerificationStatus);
        Set(p, LoanSchema.IssueD, LoanText.Date(r.IssueD));
        Set(p, LoanSchema.LoanStatusOrdinal, r.Status.ToText());
        Set(p, LoanSchema.Purpose, r.Purpose);
        Set(p, LoanSchema.Title, r.Title);
        Set(p, LoanSchema.ZipCode, r.ZipCode);
        Set(p, LoanSchema.AddrState, r.AddrState);
        Set(p, LoanSchema.Dti, r.DtiHundredths, 2);
        Set(p, LoanSchema.Delinq2Yrs, r.Delinq2Yrs);
        Set(p, LoanSchema.EarliestCrLine, LoanText.Date(r.EarliestCrLine));
        Set(p, LoanSchema.FicoRangeLow, r.FicoRangeLow);
        Set(p, LoanSchema.FicoRangeHigh, r.FicoRangeHigh);
        Set(p, LoanSchema.OpenAcc, r.OpenAcc);
        Set(p, LoanSchema.PubRec, r.PubRec);
        Set(p, LoanSchema.RevolBal, r.RevolBalCents, 2);
        Set(p, LoanSchema.RevolUtil, r.RevolUtilTenths, 1);
        Set(p, LoanSchema.TotalAcc, r.TotalAcc);
        Set(p, LoanSchema.OutPrncp, r.OutPrncpCents, 2);
        Set(p, LoanSchema.TotalPymnt, r.TotalPymntCents, 2);
        Set(p, LoanSchema.TotalRecPrncp, r.TotalRecPrncpCents, 2);
        Set(p, LoanSchema.TotalRecInt, r.TotalRecIntCents, 2);
        Set(p, LoanSchema.LastPymntD, r.LastPymntD is { } d ? LoanText.Date(d) : null);
        Set(p, LoanSchema.LastPymntAmnt, r.LastPymntAmntCents, 2);
        Set(p, LoanSchema.CreatedAt, r.CreatedAt.ToString(LoanText.SqliteTimestampFormat, CultureInfo.InvariantCulture));
        Set(p, LoanSchema.UpdatedAt, r.UpdatedAt.ToString(LoanText.SqliteTimestampFormat, CultureInfo.InvariantCulture));
    }

    private static void Set(SqliteParameter?[] p, int ordinal, long value)
    {
        if (p[ordinal] is { } parameter)
        {
            parameter.Value = value;
        }
    }

    private static void Set(SqliteParameter?[] p, int ordinal, long scaled, int scale)
    {
        if (p[ordinal] is { } parameter)
        {
            parameter.Value = LoanText.Scaled(scaled, scale);
        }
    }

    private static void Set(SqliteParameter?[] p, int ordinal, string? value)
    {
        if (p[ordinal] is { } parameter)
        {
            parameter.Value = (object?)value ?? DBNull.Value;
        }
    }

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
