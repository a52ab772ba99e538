using System.Runtime.CompilerServices;
using Microsoft.Data.SqlClient;

namespace DeltaLite.LoanGenerator.Targets;

/// <summary>
/// A SQL Server table. New loans go in with SqlBulkCopy (table lock); updates are bulk-copied into a temporary table
/// and applied with one UPDATE ... FROM ... JOIN; both in one transaction per year. The SQL text is in <see cref="SqlServerSql"/>.
/// </summary>
internal sealed class SqlServerLoanTarget : ILoanTarget
{
    private readonly string _connectionString;
    private readonly TableName _table;
    private SqlConnection? _connection;

    public SqlServerLoanTarget(string connectionString, TableName table)
    {
        _connectionString = connectionString;
        _table = table;
    }

    private SqlConnection Connection => _connection ?? throw new InvalidOperationException("target not opened");

    public async Task<TargetState> OpenAsync(CancellationToken ct)
    {
        try
        {
            _connection = new SqlConnection(_connectionString);
            await _connection.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqlException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            throw new LoanGeneratorException($"cannot connect to SQL Server ({ConnectionStrings.Redact(_connectionString)}): {SqliteLoanTarget.OneLine(e.Message)}");
        }
        await ExecuteAsync(SqlServerSql.CreateTable(_table), null, ct).ConfigureAwait(false);

        await using (var columns = new SqlCommand(SqlServerSql.ColumnNames(), Connection))
        {
            columns.Parameters.AddWithValue("@table", (_table.Schema ?? "dbo") + "." + _table.Name);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await using var reader = await columns.ExecuteReaderAsync(ct).ConfigureAwait(false);
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

        await using var cmd = new SqlCommand(SqlServerSql.State(_table), Connection);
        await using var state = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await state.ReadAsync(ct).ConfigureAwait(false);
        return state.IsDBNull(0)
            ? new TargetState(null, 0)
            : new TargetState(Math.Max(state.GetInt32(1), state.GetInt32(2)), state.GetInt64(0));
    }

    public async IAsyncEnumerable<LoanRecord> ReadOpenLoansAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = new SqlCommand(SqlServerSql.SelectOpen(_table), Connection);
        cmd.Parameters.AddWithValue("@s0", LoanStatuses.CurrentText);
        cmd.Parameters.AddWithValue("@s1", LoanStatuses.Late16Text);
        cmd.Parameters.AddWithValue("@s2", LoanStatuses.Late31Text);
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
        await using var tx = (SqlTransaction)await Connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (updates.Count > 0)
        {
            await ExecuteAsync(SqlServerSql.CreateUpdatesTable(), tx, ct).ConfigureAwait(false);
            await BulkCopyAsync(SqlServerSql.UpdatesTable, SqlServerSql.UpdateColumns, updates, tx, SqlBulkCopyOptions.Default, ct).ConfigureAwait(false);
            var changed = await ExecuteAsync(SqlServerSql.ApplyUpdates(_table), tx, ct).ConfigureAwait(false);
            if (changed != updates.Count)
            {
                throw new LoanGeneratorException($"expected to update {updates.Count} loans in '{_table.Name}' but updated {changed}");
            }
            await ExecuteAsync(SqlServerSql.DropUpdatesTable(), tx, ct).ConfigureAwait(false);
        }
        var inserted = await BulkCopyAsync(SqlServerSql.QualifiedName(_table), LoanSchema.Columns, newLoans, tx, SqlBulkCopyOptions.TableLock, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    public Task CompleteAsync(int lastYear, long maxId, CancellationToken ct) => Task.CompletedTask;

    private async Task<long> BulkCopyAsync(string table, IReadOnlyList<LoanColumn> columns, IEnumerable<LoanRecord> rows, SqlTransaction tx, SqlBulkCopyOptions options, CancellationToken ct)
    {
        using var bulk = new SqlBulkCopy(Connection, options, tx)
        {
            DestinationTableName = table,
            BatchSize = 0,
            BulkCopyTimeout = 0,
            EnableStreaming = true,
        };
        foreach (var c in columns)
        {
            bulk.ColumnMappings.Add(c.Name, c.Name);
        }
        await using var reader = new LoanDataReader(rows, columns);
        await bulk.WriteToServerAsync(reader, ct).ConfigureAwait(false);
        return reader.RowsRead;
    }

    private async Task<int> ExecuteAsync(string sql, SqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new SqlCommand(sql, Connection, tx) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
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
