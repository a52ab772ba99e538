namespace DeltaLite.Ingest.Tests.Support;

/// <summary>
/// A test class with a PostgreSQL schema of its own on the test server (dropped when the class's tests end) and a
/// temporary folder for its tables.
/// </summary>
public abstract class PostgresTestClass : IAsyncLifetime
{
    private protected readonly TempDir _dir = new();
    private protected PgSchema _pg = null!;

    public async Task InitializeAsync() => _pg = await PgSchema.CreateAsync();

    public async Task DisposeAsync()
    {
        await _pg.DisposeAsync();
        _dir.Dispose();
    }
}
