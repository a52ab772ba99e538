using DeltaLite.Ingest.Tests.Support;
using Npgsql;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// A PostgreSQL connection string with a password: the password never appears in the result, the commit files
/// (commitInfo and the ingestion state), or error messages (bad host, bad password, bad table).
/// </summary>
public sealed class SecretsTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private PgSchema _pg = null!;

    public async Task InitializeAsync()
    {
        _pg = await PgSchema.CreateAsync();
        await _pg.ExecuteAsync($"CREATE TABLE {_pg.Table("t")} (id int, ts timestamptz)");
        await _pg.ExecuteAsync($"INSERT INTO {_pg.Table("t")} VALUES (1, now())");
    }

    public async Task DisposeAsync()
    {
        await _pg.DisposeAsync();
        _dir.Dispose();
    }

    private static string Password => new NpgsqlConnectionStringBuilder(PgSchema.ConnectionString).Password
        ?? throw new InvalidOperationException($"{PgSchema.Variable} has no password; these tests need one (scripts/test.sh sets one)");

    private IngestJob Job(string connection, string? table = null) => new()
    {
        Source = SourceKind.Postgres, Connection = connection, Table = table ?? _pg.Table("t"), WatermarkColumn = "ts", Target = _dir["table"], SourceId = "secret",
    };

    private static void AssertNoSecret(string text, string secret, string where) =>
        Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the password appears in {where}: {text}");

    [Fact]
    public async Task PasswordIsNeitherInTheResultNorInTheCommits()
    {
        string password = Password;
        var result = await IngestRunner.RunAsync(Job(PgSchema.ConnectionString));
        Assert.Equal(IngestOutcome.Committed, result.Outcome);
        AssertNoSecret(System.Text.Json.JsonSerializer.Serialize(result), password, "the result");
        Assert.StartsWith("postgres:", result.Source);
        var dry = await IngestRunner.RunAsync(Job(PgSchema.ConnectionString) with { DryRun = true });
        AssertNoSecret(System.Text.Json.JsonSerializer.Serialize(dry), password, "the dry-run result");
        var log = Path.Combine(_dir["table"], "_delta_log");
        var commits = Directory.GetFiles(log, "*.json");
        Assert.NotEmpty(commits);
        foreach (var file in commits)
        {
            string text = File.ReadAllText(file);
            Assert.Contains("deltalite.source", text);
            AssertNoSecret(text, password, Path.GetFileName(file));
        }
    }

    [Fact]
    public async Task ConnectionFromAnEnvironmentVariableKeepsTheJobFileClean()
    {
        string variable = "DELTALITE_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, PgSchema.ConnectionString);
        try
        {
            var job = Job("x") with { Connection = null, ConnectionEnv = variable };
            string jobFile = _dir["job.json"];
            using (var worker = WorkerProcess.Start(job, jobFile))
            {
                var result = await worker.WaitAsync(TimeSpan.FromMinutes(1));
                Assert.Equal(IngestOutcome.Committed, result.Outcome);
            }
            AssertNoSecret(File.ReadAllText(jobFile), Password, "the job file");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("bad password")]
    [InlineData("bad host")]
    [InlineData("closed port")]
    [InlineData("bad table")]
    public async Task ErrorsNameNoPassword(string problem)
    {
        string secret = problem == "bad password" ? "Wr0ng-" + Guid.NewGuid().ToString("N")[..10] : Password;
        var b = new NpgsqlConnectionStringBuilder(PgSchema.ConnectionString) { Password = secret, Timeout = 5 };
        if (problem == "bad host") b.Host = "no-such-host.invalid";
        if (problem == "closed port") b.Port = 1;
        var job = Job(b.ConnectionString, problem == "bad table" ? _pg.Table("missing") : null);
        var e = await Assert.ThrowsAsync<IngestException>(() => IngestRunner.RunAsync(job));
        for (Exception? x = e; x is not null; x = x.InnerException) AssertNoSecret(x.Message, secret, $"the {x.GetType().Name} message");
        AssertNoSecret(e.ToString(), secret, "the exception");
        Assert.Contains("postgres:", e.Message);
    }
}
