using System.Data.Common;
using System.Text;
using System.Text.Json;
using DeltaLite.LoanGenerator;
using DeltaLite.Parquet;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeltaLite.Ingest.Tests.Support;

/// <summary>One row as column name -> canonical text (null for NULL), in the project's canonical rendering.</summary>
internal sealed class Row : Dictionary<string, string?>
{
    public Row() : base(StringComparer.Ordinal) { }

    public override string ToString() => string.Join(", ", this.Select(kv => $"{kv.Key}={kv.Value ?? "NULL"}"));
}

/// <summary>Reads rows from a Delta table and from source databases in one comparable form, and compares them.</summary>
internal static class Rows
{
    /// <summary>Every row of a version of the table, in canonical rendering (CanonicalJson).</summary>
    public static async Task<List<Row>> ReadTableAsync(string location, long? version = null)
    {
        await using var table = await DeltaTable.OpenAsync(location);
        var snapshot = await table.GetSnapshotAsync(version);
        var rows = new List<Row>();
        foreach (var batch in await snapshot.ReadAllAsync())
            for (int i = 0; i < batch.RowCount; i++) rows.Add(Parse(CanonicalJson.RowToString(batch, i)));
        return rows;
    }

    public static Row Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var row = new Row();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            row[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => p.Value.GetString(),
                _ => p.Value.GetRawText(),
            };
        }
        return row;
    }

    /// <summary>
    /// The loans of a SQLite source rendered by SQLite itself: integers as text, decimals with exactly their scale
    /// (printf), dates as stored, timestamps as ISO-8601 with microseconds and Z (they are stored as UTC text).
    /// </summary>
    public static async Task<List<Row>> ReadSqliteLoansAsync(string connectionString, string table = "loans")
    {
        var select = LoanSchema.Columns.Select(c => c.Kind switch
        {
            LoanColumnKind.BigInt or LoanColumnKind.Int => $"CAST(\"{c.Name}\" AS TEXT)",
            LoanColumnKind.Decimal => $"printf('%.{c.Scale}f', \"{c.Name}\")",
            LoanColumnKind.Timestamp => $"strftime('%Y-%m-%dT%H:%M:%f', \"{c.Name}\") || '000Z'",
            _ => $"\"{c.Name}\"",
        });
        // printf of NULL gives '' in SQLite: keep NULLs NULL.
        var guarded = LoanSchema.Columns.Zip(select, (c, s) => c.Nullable ? $"CASE WHEN \"{c.Name}\" IS NULL THEN NULL ELSE {s} END" : s);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return await ReadAsync(connection, $"SELECT {string.Join(", ", guarded)} FROM \"{table}\" ORDER BY id");
    }

    /// <summary>The loans of a PostgreSQL source rendered by PostgreSQL (numeric::text keeps the scale; timestamptz in UTC).</summary>
    public static async Task<List<Row>> ReadPostgresLoansAsync(string qualifiedTable)
    {
        var select = LoanSchema.Columns.Select(c => c.Kind switch
        {
            LoanColumnKind.Date => $"to_char(\"{c.Name}\", 'YYYY-MM-DD')",
            LoanColumnKind.Timestamp => $"to_char(\"{c.Name}\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
            _ => $"\"{c.Name}\"::text",
        });
        await using var connection = new NpgsqlConnection(PgSchema.ConnectionString);
        await connection.OpenAsync();
        return await ReadAsync(connection, $"SELECT {string.Join(", ", select)} FROM {qualifiedTable} ORDER BY id");
    }

    private static async Task<List<Row>> ReadAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            var row = new Row();
            for (int i = 0; i < reader.FieldCount; i++) row[LoanSchema.Columns[i].Name] = reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Asserts that two row sets are equal as sets keyed by <paramref name="key"/>: no duplicate keys on either side,
    /// no missing or extra row, every column equal. Failures name the key, the column and both values.
    /// </summary>
    public static void AssertSameByKey(IReadOnlyList<Row> expected, IReadOnlyList<Row> actual, string key = "id", string what = "table")
    {
        var e = Index(expected, key, "expected rows");
        var a = Index(actual, key, what);
        var problems = new StringBuilder();
        int shown = 0;
        void Problem(string p)
        {
            if (shown++ < 10) problems.AppendLine(p);
        }
        foreach (var (k, row) in e)
        {
            if (!a.TryGetValue(k, out var got))
            {
                Problem($"{key}={k}: missing from the {what}");
                continue;
            }
            foreach (var (column, value) in row)
            {
                if (!got.TryGetValue(column, out var v)) Problem($"{key}={k}: column {column} missing from the {what}");
                else if (!string.Equals(value, v, StringComparison.Ordinal)) Problem($"{key}={k}, {column}: expected {value ?? "NULL"}, the {what} has {v ?? "NULL"}");
            }
            foreach (var column in got.Keys.Where(c => !row.ContainsKey(c))) Problem($"{key}={k}: unexpected column {column} in the {what}");
        }
        foreach (var k in a.Keys.Where(k => !e.ContainsKey(k))) Problem($"{key}={k}: extra row in the {what}");
        Assert.True(shown == 0, $"{shown} difference(s) between the expected rows ({expected.Count}) and the {what} ({actual.Count}):\n{problems}");
    }

    private static Dictionary<string, Row> Index(IReadOnlyList<Row> rows, string key, string what)
    {
        var index = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            var k = r[key] ?? throw new Xunit.Sdk.XunitException($"a row of the {what} has a NULL {key}: {r}");
            if (!index.TryAdd(k, r)) throw new Xunit.Sdk.XunitException($"duplicate {key}={k} in the {what}");
        }
        return index;
    }
}
