using Npgsql;

namespace DeltaLite.Ingest.Tests.Support;

/// <summary>
/// The PostgreSQL server of the test run (DELTALITE_TEST_PG, exported by scripts/test.sh). Tests that need it FAIL,
/// never skip, when it is not set. Each test works in its own schema, dropped at the end.
/// </summary>
internal sealed class PgSchema : IAsyncDisposable
{
    public const string Variable = "DELTALITE_TEST_PG";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs
            : throw new InvalidOperationException($"{Variable} is not set: these tests need a PostgreSQL server; run them through scripts/test.sh, which starts one and exports {Variable}.");

    // As in a DeltaLite process (PostgresDialect.CreateConnection sets it before its first connection): this test
    // process's own connections come first, and Npgsql reads the switch once.
    static PgSchema() => AppContext.SetSwitch("Npgsql.DisableDateTimeInfinityConversions", true);

    private PgSchema(string name) => Name = name;

    /// <summary>The schema's name (lower case, unquoted-safe).</summary>
    public string Name { get; }

    /// <summary>A table name qualified by this schema.</summary>
    public string Table(string table) => $"{Name}.{table}";

    public static async Task<PgSchema> CreateAsync()
    {
        var schema = new PgSchema("it_" + Guid.NewGuid().ToString("N")[..10]);
        await schema.ExecuteAsync($"CREATE SCHEMA {schema.Name}");
        return schema;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (n, v) in parameters) command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {Name} CASCADE");
    }
}
