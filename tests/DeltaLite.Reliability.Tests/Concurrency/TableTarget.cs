using DeltaLite.Azure;
using DeltaLite.Storage;

namespace DeltaLite.Reliability.Tests.Concurrency;

/// <summary>
/// Where a table under test lives, said twice: as the CLI takes it (a location and environment variables holding
/// the credentials, so no key sits on a command line) and as the in-process API opens it (location and options).
/// </summary>
internal sealed class TableTarget : IAsyncDisposable
{
    private readonly Func<ValueTask>? _dispose;

    private TableTarget(string location, IReadOnlyDictionary<string, string> environment, IReadOnlyDictionary<string, string> options, string kind, Func<ValueTask>? dispose)
    {
        Location = location;
        Environment = environment;
        Options = options;
        Kind = kind;
        _dispose = dispose;
    }

    /// <summary>The table's location (a folder, or an http URI on Azurite).</summary>
    public string Location { get; }

    /// <summary>Environment variables for a CLI process working on the table.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Storage options for <see cref="DeltaTable.OpenAsync"/>.</summary>
    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>"local" or "azurite", for messages.</summary>
    public string Kind { get; }

    public static TableTarget Local(string folder) =>
        new(folder, new Dictionary<string, string>(), new Dictionary<string, string>(), "local", null);

    /// <summary>A table in a fresh container of the Azurite at <paramref name="endpoint"/> (the suite's, or one a test started); the container is deleted on dispose.</summary>
    public static async Task<TableTarget> AzuriteAsync(AzuriteEndpoint endpoint, string table, bool deleteContainer = true)
    {
        AzureStorage.Register();
        string container = "r" + Guid.NewGuid().ToString("N");
        var options = new Dictionary<string, string> { ["connection_string"] = endpoint.ConnectionString };
        await using (var store = AzureStorage.Open($"{endpoint.Blob}/{container}", options, useEnvironment: false))
            await store.CreateContainerIfNotExistsAsync();
        var environment = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = endpoint.ConnectionString };
        return new TableTarget($"{endpoint.Blob}/{container}/{table}", environment, options, "azurite", deleteContainer ? async () =>
        {
            await using var store = AzureStorage.Open($"{endpoint.Blob}/{container}", options, useEnvironment: false);
            await store.DeleteContainerAsync();
        } : null);
    }

    public Task<DeltaTable> OpenAsync() => DeltaTable.OpenAsync(Location, Options);

    public IObjectStore OpenStore() => ObjectStores.Open(Location, Options);

    /// <summary>The versions of the commit files in _delta_log, ascending.</summary>
    public async Task<List<long>> CommitVersionsAsync()
    {
        await using var store = OpenStore();
        var versions = new List<long>();
        await foreach (var info in store.ListAsync("_delta_log/"))
        {
            string name = info.Path["_delta_log/".Length..];
            if (name.Length == 25 && name.EndsWith(".json", StringComparison.Ordinal) && long.TryParse(name[..20], out long v)) versions.Add(v);
        }
        versions.Sort();
        return versions;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dispose is not null) await _dispose();
    }
}

/// <summary>An Azurite blob service: its endpoint and the connection string of the well-known development account.</summary>
internal sealed record AzuriteEndpoint(string Blob, string ConnectionString)
{
    /// <summary>The Azurite scripts/test.sh started (DELTALITE_TEST_AZURITE_BLOB / _CONNECTION_STRING); fails when it is not there.</summary>
    public static AzuriteEndpoint FromEnvironment()
    {
        string? blob = System.Environment.GetEnvironmentVariable("DELTALITE_TEST_AZURITE_BLOB");
        string? cs = System.Environment.GetEnvironmentVariable("DELTALITE_TEST_AZURITE_CONNECTION_STRING");
        if (string.IsNullOrWhiteSpace(blob) || string.IsNullOrWhiteSpace(cs))
            throw new InvalidOperationException(
                "DELTALITE_TEST_AZURITE_BLOB and DELTALITE_TEST_AZURITE_CONNECTION_STRING are not set: these tests need Azurite. Run them with scripts/test.sh, which starts it and exports both.");
        return new AzuriteEndpoint(blob.TrimEnd('/'), cs);
    }

    /// <summary>The same account on another port (an Azurite a test started itself).</summary>
    public static AzuriteEndpoint OnPort(int port, string accountKey)
    {
        string blob = $"http://127.0.0.1:{port}/devstoreaccount1";
        return new AzuriteEndpoint(blob, $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={accountKey};BlobEndpoint={blob};");
    }

    /// <summary>The account key inside the connection string (to check that no message shows it).</summary>
    public string AccountKey => ConnectionString.Split(';').Select(p => p.Trim()).First(p => p.StartsWith("AccountKey=", StringComparison.OrdinalIgnoreCase))["AccountKey=".Length..];
}
