using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using DeltaLite.Azure;
using DeltaLite.Cli.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace DeltaLite.Reliability.Tests.Secrets;

using Cli = DeltaLite.Cli.Tests.Cli;

/// <summary>
/// One realistic session through the CLI with secrets in play: the Azurite account key (in a connection string, an
/// environment variable and --storage-option), a container SAS token signed here with that key, the PostgreSQL
/// password (in a connection string on the command line and in one an environment variable holds), and failing
/// commands (wrong key, unreachable host, bad password, bad SQL, read-only SAS) with --verbose and --json. Every
/// stdout and stderr line (with --verbose, the whole exception chain), every _delta_log file (commitInfo, ingest
/// state in domain metadata, txn) and the history are collected; none holds a secret, raw or URL-encoded, nor the
/// SAS signature.
/// </summary>
public sealed class SecretSweepTests(ITestOutputHelper output)
{
    private const string AccountKey = StorageConnectionString.DevelopmentAccountKey;
    private const string Account = StorageConnectionString.DevelopmentAccountName;

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v
            : throw new InvalidOperationException($"{variable} is not set: the secret sweep needs PostgreSQL and Azurite; run it through scripts/test.sh, which starts both and exports {variable}.");

    [Fact]
    public async Task No_secret_appears_in_any_output_error_or_commit_of_a_session()
    {
        string blob = Require("DELTALITE_TEST_AZURITE_BLOB").TrimEnd('/');
        string azuriteConnection = Require("DELTALITE_TEST_AZURITE_CONNECTION_STRING");
        string pgConnection = Require("DELTALITE_TEST_PG");
        string password = new NpgsqlConnectionStringBuilder(pgConnection).Password
            ?? throw new InvalidOperationException("DELTALITE_TEST_PG has no password; the sweep needs one (scripts/test.sh sets one).");
        string wrongPassword = "Wr0ng-" + Guid.NewGuid().ToString("N")[..12];
        string wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

        string container = "sweep" + Guid.NewGuid().ToString("N")[..16];
        await using (var store = AzureStorage.Open($"{blob}/{container}", new AzureStorageOptions { AccountKey = AccountKey }))
            await store.CreateContainerIfNotExistsAsync();
        string sas = ContainerSas(container, "racwdl", DateTimeOffset.UtcNow.AddHours(1));
        string readOnlySas = ContainerSas(container, "rl", DateTimeOffset.UtcNow.AddHours(1));
        var secrets = new List<(string What, string Value)>
        {
            ("account key", AccountKey), ("wrong account key", wrongKey), ("PostgreSQL password", password), ("wrong password", wrongPassword),
        };
        foreach (var (what, token) in new[] { ("SAS", sas), ("read-only SAS", readOnlySas) })
        {
            string sig = token.Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal))[4..];
            secrets.Add(($"{what} signature", Uri.UnescapeDataString(sig)));
            secrets.Add(($"{what} signature (as sent)", sig));
            secrets.Add(($"{what} token", token));
        }

        var pg = await PgSourceAsync(pgConnection);
        try
        {
            string table = $"{blob}/{container}/loans";
            var seen = new List<(string Where, string Text)>();
            void Run(string label, int? expectedExit, IReadOnlyDictionary<string, string>? env, params string[] args)
            {
                var r = Cli.Run(args, env, null);
                seen.Add(($"{label} stdout", r.Stdout));
                seen.Add(($"{label} stderr", r.Stderr));
                if (expectedExit is int code) r.Expect(code);
                else Assert.NotEqual(0, r.ExitCode); // a failure of the kind the label says
                output.WriteLine($"{label}: exit {r.ExitCode} {r.Stderr.Split('\n')[0]}");
            }
            var none = new Dictionary<string, string>();
            string pgInline = pgConnection; // the password on the command line

            // Successes: the key from a connection string in the environment, from AZURE_STORAGE_ACCOUNT_KEY and from
            // --storage-option; the PostgreSQL password inline and through an environment variable.
            Run("ingest, connection string env, inline password", 0, new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azuriteConnection },
                "ingest", table, "--source", "postgres", "--connection", pgInline, "--source-table", pg.Table, "--watermark", "updated_at", "--key", "id", "--mode", "merge", "--json", "--verbose");
            await pg.AddRowsAsync(2);
            Run("ingest, key env, password env", 0, new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT_KEY"] = AccountKey, ["SWEEP_PG"] = pgConnection },
                "ingest", table, "--source", "postgres", "--connection-env", "SWEEP_PG", "--source-table", pg.Table, "--watermark", "updated_at", "--key", "id", "--mode", "merge", "--verbose");
            await pg.AddRowsAsync(2);
            Run("ingest, key option, env: connection", 0, new Dictionary<string, string> { ["SWEEP_PG"] = pgConnection },
                "ingest", table, "--storage-option", $"account_key={AccountKey}", "--source", "postgres", "--connection", "env:SWEEP_PG", "--source-table", pg.Table,
                "--watermark", "updated_at", "--key", "id", "--mode", "merge", "--json");
            Run("dry run", 0, new Dictionary<string, string> { ["AZURE_STORAGE_SAS_TOKEN"] = sas },
                "ingest", table, "--source", "postgres", "--connection", pgInline, "--source-table", pg.Table, "--watermark", "updated_at", "--key", "id", "--mode", "merge", "--dry-run", "--json");
            foreach (var verb in new[] { new[] { "history", table, "--json" }, ["describe", table, "--json"], ["show", table, "--json"], ["check", table, "--json"] })
            {
                Run($"{verb[0]} with SAS option", 0, none, [.. verb, "--storage-option", $"sas_token={sas}", "--verbose"]);
                Run($"{verb[0]} with SAS env", 0, new Dictionary<string, string> { ["AZURE_STORAGE_SAS_TOKEN"] = sas }, verb);
            }

            // Failures, each with --verbose (the exception chain on stderr) and --json.
            Run("wrong key", null, none, "show", table, "--storage-option", $"account_key={wrongKey}", "--storage-option", "max_retries=0", "--verbose", "--json");
            Run("wrong key in a connection string", null, new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azuriteConnection.Replace(AccountKey, wrongKey, StringComparison.Ordinal) },
                "history", table, "--verbose", "--json");
            Run("read-only SAS writing", null, new Dictionary<string, string> { ["AZURE_STORAGE_SAS_TOKEN"] = readOnlySas },
                "ingest", table, "--source", "postgres", "--connection", pgInline, "--source-table", pg.Table, "--watermark", "updated_at", "--mode", "overwrite", "--verbose", "--json");
            Run("SAS of another container", null, none, "show", $"{blob}/other{container}/loans", "--storage-option", $"sas_token={sas}", "--verbose");
            Run("unreachable storage", null, none, "show", $"http://127.0.0.1:{ClosedPort()}/{Account}/{container}/loans",
                "--storage-option", $"account_key={AccountKey}", "--storage-option", "max_retries=1", "--storage-option", "retry_delay_ms=10", "--verbose", "--json");
            var bad = new NpgsqlConnectionStringBuilder(pgConnection) { Password = wrongPassword, Timeout = 5 };
            Run("bad password", null, new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT_KEY"] = AccountKey },
                "ingest", table, "--source", "postgres", "--connection", bad.ConnectionString, "--source-table", pg.Table, "--watermark", "updated_at", "--verbose", "--json");
            var unreachable = new NpgsqlConnectionStringBuilder(pgConnection) { Port = ClosedPort(), Timeout = 5 };
            Run("unreachable database", null, new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT_KEY"] = AccountKey, ["SWEEP_PG"] = unreachable.ConnectionString },
                "ingest", table, "--source", "postgres", "--connection-env", "SWEEP_PG", "--source-table", pg.Table, "--watermark", "updated_at", "--verbose", "--json");
            Run("bad SQL", null, new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT_KEY"] = AccountKey },
                "ingest", table, "--source", "postgres", "--connection", pgInline, "--query", $"SELEC id FROM {pg.Table}", "--verbose", "--json");
            Run("missing source table", null, new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT_KEY"] = AccountKey },
                "ingest", table, "--source", "postgres", "--connection", pgInline, "--source-table", pg.Table + "_missing", "--verbose", "--json");
            Run("malformed key", null, none, "show", table, "--storage-option", $"account_key={AccountKey[..20]}!!", "--verbose");

            // The table's log as stored: commitInfo, the ingest state (domain metadata), txn.
            await using (var store = AzureStorage.Open(table, new AzureStorageOptions { AccountKey = AccountKey }))
            {
                int files = 0;
                await foreach (var info in store.ListAsync("_delta_log/"))
                {
                    seen.Add((info.Path, Encoding.UTF8.GetString(await store.ReadAllAsync(info.Path))));
                    files++;
                }
                Assert.True(files >= 3, $"the table has only {files} log files");
            }
            Assert.Contains(seen, s => s.Where.StartsWith("_delta_log/", StringComparison.Ordinal) && s.Text.Contains("deltalite.ingest", StringComparison.Ordinal));

            var leaks = new List<string>();
            foreach (var (where, text) in seen)
            {
                foreach (var (what, value) in secrets)
                {
                    foreach (var form in new[] { value, Uri.EscapeDataString(value), WebUtility.UrlEncode(value) }.Distinct())
                    {
                        int at = text.IndexOf(form, StringComparison.Ordinal);
                        if (at >= 0) leaks.Add($"{what} in {where}: ...{text[Math.Max(0, at - 60)..Math.Min(text.Length, at + form.Length + 20)]}...");
                    }
                }
                if (text.Contains("Password=", StringComparison.OrdinalIgnoreCase) || text.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase))
                    leaks.Add($"a credential keyword in {where}");
            }
            output.WriteLine($"{seen.Count} outputs and log files swept for {secrets.Count} secrets (raw and URL-encoded)");
            Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        }
        finally
        {
            await pg.DisposeAsync();
            await using var store = AzureStorage.Open($"{blob}/{container}", new AzureStorageOptions { AccountKey = AccountKey });
            await store.DeleteContainerAsync();
        }
    }

    /// <summary>
    /// A service SAS for a whole container (signed resource "c"), signed with the account key as the Storage service
    /// SAS scheme of version 2019-02-02 defines: HMAC-SHA256 over the permissions, start, expiry, canonical resource,
    /// identifier, IP range, protocol, version, resource, snapshot time and the five response headers, one per line.
    /// </summary>
    private static string ContainerSas(string container, string permissions, DateTimeOffset expires)
    {
        const string version = "2019-02-02";
        string start = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string expiry = expires.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string resource = $"/blob/{Account}/{container}";
        string protocol = "https,http";
        string toSign = string.Join('\n', permissions, start, expiry, resource, "", "", protocol, version, "c", "", "", "", "", "", "");
        using var hmac = new HMACSHA256(Convert.FromBase64String(AccountKey));
        string signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(toSign)));
        return $"sv={version}&sr=c&sp={permissions}&st={Uri.EscapeDataString(start)}&se={Uri.EscapeDataString(expiry)}&spr={Uri.EscapeDataString(protocol)}&sig={Uri.EscapeDataString(signature)}";
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<PgSource> PgSourceAsync(string connection)
    {
        var source = new PgSource(connection, "sweep_" + Guid.NewGuid().ToString("N")[..10]);
        await source.ExecuteAsync($"CREATE SCHEMA {source.Schema}; CREATE TABLE {source.Table} (id int PRIMARY KEY, amount numeric(10,2), updated_at timestamptz NOT NULL)");
        await source.AddRowsAsync(5);
        return source;
    }

    /// <summary>A PostgreSQL table of loans-like rows in a schema of its own.</summary>
    private sealed class PgSource(string connection, string schema) : IAsyncDisposable
    {
        private int _next;

        public string Schema { get; } = schema;

        public string Table => $"{Schema}.loans";

        public async Task ExecuteAsync(string sql)
        {
            await using var c = new NpgsqlConnection(connection);
            await c.OpenAsync();
            await using var command = new NpgsqlCommand(sql, c);
            await command.ExecuteNonQueryAsync();
        }

        public async Task AddRowsAsync(int count)
        {
            for (int i = 0; i < count; i++, _next++)
                await ExecuteAsync($"INSERT INTO {Table} VALUES ({_next}, {_next}.25, now() + interval '{_next} seconds')");
        }

        public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
    }
}
