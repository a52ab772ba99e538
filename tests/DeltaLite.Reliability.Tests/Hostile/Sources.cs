using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeltaLite.Reliability.Tests.Hostile;

/// <summary>Source databases for the hostile suites: a SQLite file, a throwaway PostgreSQL schema.</summary>
internal static class Sources
{
    public const string PgVariable = "DELTALITE_TEST_PG";

    public static string PgConnectionString =>
        Environment.GetEnvironmentVariable(PgVariable) is { Length: > 0 } cs ? cs
            : throw new InvalidOperationException($"{PgVariable} is not set: this test needs a PostgreSQL server; run it through scripts/test.sh, which starts one and exports {PgVariable}.");

    /// <summary>A connection string for the SQLite file <paramref name="path"/>.</summary>
    public static string Sqlite(string path) => $"Data Source={path}";

    public static void SqliteExecute(string path, string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = new SqliteConnection(Sqlite(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (n, v) in parameters) command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    public static object? SqliteScalar(string path, string sql)
    {
        using var connection = new SqliteConnection(Sqlite(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static async Task PgExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PgConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> PgScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PgConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

/// <summary>A PostgreSQL schema of its own for one test, dropped afterwards.</summary>
internal sealed class PgScratch : IAsyncDisposable
{
    private PgScratch(string name) => Name = name;

    public string Name { get; }

    public static async Task<PgScratch> CreateAsync()
    {
        var s = new PgScratch("hostile_" + Guid.NewGuid().ToString("N")[..10]);
        await Sources.PgExecuteAsync($"CREATE SCHEMA {s.Name}");
        return s;
    }

    public async ValueTask DisposeAsync() => await Sources.PgExecuteAsync($"DROP SCHEMA IF EXISTS {Name} CASCADE");
}
