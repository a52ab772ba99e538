using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// A PostgreSQL table: numeric(p,s) decimals, date, timestamptz (UTC). New loans go in by binary COPY; updates are
/// binary-COPied into a temporary table and applied with one UPDATE ... FROM; both in one transaction per year.
/// </summary>
internal sealed class PostgresLoanTarget : ILoanTarget
{
    private const string UpdatesTable = "loangen_updates";

    private readonly string _connectionString;
    private readonly TableName _table;
    private NpgsqlConnection? _connection;

    public PostgresLoanTarget(string connectionString, TableName table)
    {
        _connectionString = connectionString;
        _table = table;
    }

    private NpgsqlConnection Connection => _connection ?? throw new InvalidOperationException("target not opened");

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string QualifiedName(TableName t) => t.Schema is null ? Quote(t.Name) : Quote(t.Schema) + "." + Quote(t.Name);

    internal static string SqlType(LoanColumn c) => c.Kind switch
    {
        LoanColumnKind.BigInt => "bigint",
        LoanColumnKind.Int => "integer",
        LoanColumnKind.Decimal => $"numeric({c.Precision},{c.Scale})",
        LoanColumnKind.Text => "text",
        LoanColumnKind.Date => "date",
        LoanColumnKind.Timestamp => "timestamptz",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    internal static string CreateTableSql(TableName t)
    {
        var columns = LoanSchema.Columns.Select(c => $"{Quote(c.Name)} {SqlType(c)}{(c.Nullable ? "" : " NOT NULL")}{(c.Name == "id" ? " PRIMARY KEY" : "")}");
        return $"CREATE TABLE IF NOT EXISTS {QualifiedName(t)} (\n  {string.Join(",\n  ", columns)}\n);";
    }

    internal static string CreateIndexSql(TableName t) =>
        $"CREATE INDEX IF NOT EXISTS {Quote("ix_" + t.Name + "_updated_at")} ON {QualifiedName(t)} ({Quote("updated_at")});";

    internal static string CopySql(string qualifiedTable, IEnumerable<LoanColumn> columns) =>
        $"COPY {qualifiedTable} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";

    internal static string UpdateFromSql(TableName t) =>
        $"UPDATE {QualifiedName(t)} AS t SET {string.Join(", ", LoanSchema.MutableColumns.Select(c => $"{Quote(c.Name)} = s.{Quote(c.Name)}"))} "
        + $"FROM {UpdatesTable} AS s WHERE t.{Quote("id")} = s.{Quote("id")}";

    private static IReadOnlyList<LoanColumn> UpdateColumns { get; } = [LoanSchema.Columns[LoanSchema.Id], .. LoanSchema.MutableColumns];

    public async Task<TargetState> OpenAsync(CancellationToken ct)
    {
        try
        {
            _connection = new NpgsqlConnection(_connectionString);
            await _connection.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or ArgumentException or TimeoutException or InvalidOperationException)
        {
            throw new LoanGeneratorException($"cannot connect to PostgreSQL ({ConnectionStrings.Redact(_connectionString)}): {SqliteLoanTarget.OneLine(e.Message)}");
        }
        await ExecuteAsync(CreateTableSql(_table), ct).ConfigureAwait(false);
        await CheckColumnsAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(CreateIndexSql(_table), ct).ConfigureAwait(false);

        await using var cmd = new NpgsqlCommand($"SELECT max(id), max(extract(year from issue_d))::int, max(extract(year from updated_at at time zone 'UTC'))::int FROM {QualifiedName(_table)}", Connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return reader.IsDBNull(0)
            ? new TargetState(null, 0)
            : new TargetState(Math.Max(reader.GetInt32(1), reader.GetInt32(2)), reader.GetInt64(0));
    }

    private async Task CheckColumnsAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = coalesce(@schema, current_schema()) AND table_name = @table", Connection);
        cmd.Parameters.AddWithValue("schema", NpgsqlDbType.Text, (object?)_table.Schema ?? DBNull.Value);
        cmd.Parameters.AddWithValue("table", NpgsqlDbType.Text, _table.Name);
        var names = new HashSet<string>(StringComparer.Ordinal);
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
        await using var cmd = new NpgsqlCommand(
            $"SELECT {string.Join(", ", LoanSchema.Columns.Select(c => Quote(c.Name)))} FROM {QualifiedName(_table)} WHERE loan_status = ANY(@open) ORDER BY id", Connection);
        cmd.Parameters.AddWithValue("open", new[] { LoanStatuses.CurrentText, LoanStatuses.Late16Text, LoanStatuses.Late31Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var loan = new LoanRecord();
            for (var i = 0; i < LoanSchema.Columns.Count; i++)
            {
                object? value = reader.IsDBNull(i) ? null
                    : LoanSchema.Columns[i].Kind == LoanColumnKind.Date ? reader.GetFieldValue<DateOnly>(i)
                    : reader.GetValue(i);
                LoanValues.Set(loan, i, value);
            }
            yield return loan;
        }
    }

    public async Task<long> WriteYearAsync(int year, IReadOnlyList<LoanRecord> updates, IEnumerable<LoanRecord> newLoans, CancellationToken ct)
    {
        await using var tx = await Connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (updates.Count > 0)
        {
            var columns = string.Join(", ", UpdateColumns.Select(c => $"{Quote(c.Name)} {SqlType(c)}"));
            await ExecuteAsync($"CREATE TEMP TABLE {UpdatesTable} ({columns}) ON COMMIT DROP", ct).ConfigureAwait(false);
            await CopyAsync(UpdatesTable, UpdateColumns, updates, ct).ConfigureAwait(false);
            await using var apply = new NpgsqlCommand(UpdateFromSql(_table), Connection);
            var changed = await apply.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (changed != updates.Count)
            {
                throw new LoanGeneratorException($"expected to update {updates.Count} loans in '{_table.Name}' but updated {changed}");
            }
        }
        var inserted = await CopyAsync(QualifiedName(_table), LoanSchema.Columns, newLoans, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    public Task CompleteAsync(int lastYear, long maxId, CancellationToken ct) => Task.CompletedTask;

    private async Task<long> CopyAsync(string table, IReadOnlyList<LoanColumn> columns, IEnumerable<LoanRecord> rows, CancellationToken ct)
    {
        var ordinals = columns.Select(c => LoanSchema.Columns.ToList().IndexOf(c)).ToArray();
        long count = 0;
        await using var importer = await Connection.BeginBinaryImportAsync(CopySql(table, columns), ct).ConfigureAwait(false);
        foreach (var r in rows)
        {
            importer.StartRow();
            foreach (var ordinal in ordinals)
            {
                WriteValue(importer, r, ordinal);
            }
            count++;
        }
        await importer.CompleteAsync(ct).ConfigureAwait(false);
        return count;
    }

    private static void WriteValue(NpgsqlBinaryImporter w, LoanRecord r, int ordinal)
    {
        switch (ordinal)
        {
            case LoanSchema.Id: w.Write(r.Id, NpgsqlDbType.Bigint); break;
            case LoanSchema.MemberId: w.Write(r.MemberId, NpgsqlDbType.Bigint); break;
            case LoanSchema.LoanAmnt: w.Write(LoanSchema.Cents(r.LoanAmntCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.FundedAmnt: w.Write(LoanSchema.Cents(r.FundedAmntCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.Term: w.Write(r.Term, NpgsqlDbType.Integer); break;
            case LoanSchema.IntRate: w.Write(new decimal(r.IntRateBp, 0, 0, false, 2), NpgsqlDbType.Numeric); break;
            case LoanSchema.Installment: w.Write(LoanSchema.Cents(r.InstallmentCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.Grade: w.Write(r.Grade, NpgsqlDbType.Text); break;
            case LoanSchema.SubGrade: w.Write(r.SubGrade, NpgsqlDbType.Text); break;
            case LoanSchema.EmpTitle: WriteText(w, r.EmpTitle); break;
            case LoanSchema.EmpLength: WriteText(w, r.EmpLength); break;
            case LoanSchema.HomeOwnership: w.Write(r.HomeOwnership, NpgsqlDbType.Text); break;
            case LoanSchema.AnnualInc: w.Write(LoanSchema.Cents(r.AnnualIncCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.VerificationStatus: w.Write(r.VerificationStatus, NpgsqlDbType.Text); break;
            case LoanSchema.IssueD: w.Write(r.IssueD, NpgsqlDbType.Date); break;
            case LoanSchema.LoanStatusOrdinal: w.Write(r.Status.ToText(), NpgsqlDbType.Text); break;
            case LoanSchema.Purpose: w.Write(r.Purpose, NpgsqlDbType.Text); break;
            case LoanSchema.Title: w.Write(r.Title, NpgsqlDbType.Text); break;
            case LoanSchema.ZipCode: w.Write(r.ZipCode, NpgsqlDbType.Text); break;
            case LoanSchema.AddrState: w.Write(r.AddrState, NpgsqlDbType.Text); break;
            case LoanSchema.Dti: w.Write(new decimal(r.DtiHundredths, 0, 0, false, 2), NpgsqlDbType.Numeric); break;
            case LoanSchema.Delinq2Yrs: w.Write(r.Delinq2Yrs, NpgsqlDbType.Integer); break;
            case LoanSchema.EarliestCrLine: w.Write(r.EarliestCrLine, NpgsqlDbType.Date); break;
            case LoanSchema.FicoRangeLow: w.Write(r.FicoRangeLow, NpgsqlDbType.Integer); break;
            case LoanSchema.FicoRangeHigh: w.Write(r.FicoRangeHigh, NpgsqlDbType.Integer); break;
            case LoanSchema.OpenAcc: w.Write(r.OpenAcc, NpgsqlDbType.Integer); break;
            case LoanSchema.PubRec: w.Write(r.PubRec, NpgsqlDbType.Integer); break;
            case LoanSchema.RevolBal: w.Write(LoanSchema.Cents(r.RevolBalCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.RevolUtil: w.Write(new decimal(r.RevolUtilTenths, 0, 0, false, 1), NpgsqlDbType.Numeric); break;
            case LoanSchema.TotalAcc: w.Write(r.TotalAcc, NpgsqlDbType.Integer); break;
            case LoanSchema.OutPrncp: w.Write(LoanSchema.Cents(r.OutPrncpCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.TotalPymnt: w.Write(LoanSchema.Cents(r.TotalPymntCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.TotalRecPrncp: w.Write(LoanSchema.Cents(r.TotalRecPrncpCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.TotalRecInt: w.Write(LoanSchema.Cents(r.TotalRecIntCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.LastPymntD:
                if (r.LastPymntD is { } d) w.Write(d, NpgsqlDbType.Date); else w.WriteNull();
                break;
            case LoanSchema.LastPymntAmnt: w.Write(LoanSchema.Cents(r.LastPymntAmntCents), NpgsqlDbType.Numeric); break;
            case LoanSchema.CreatedAt: w.Write(r.CreatedAt, NpgsqlDbType.TimestampTz); break;
            case LoanSchema.UpdatedAt: w.Write(r.UpdatedAt, NpgsqlDbType.TimestampTz); break;
            default: throw new ArgumentOutOfRangeException(nameof(ordinal));
        }
    }

    private static void WriteText(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null)
        {
            w.WriteNull();
        }
        else
        {
            w.Write(value, NpgsqlDbType.Text);
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, Connection);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }
}
