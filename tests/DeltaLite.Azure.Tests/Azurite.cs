using System.Net;
using DeltaLite.Storage;

namespace DeltaLite.Azure.Tests;

/// <summary>
/// The Azurite started by scripts/test.sh (DELTALITE_TEST_AZURITE_BLOB). Without it the Azure tests fail, never skip.
/// Everything here talks to 127.0.0.1 only.
/// </summary>
public static class Azurite
{
    public const string Account = StorageConnectionString.DevelopmentAccountName;
    public const string Key = StorageConnectionString.DevelopmentAccountKey;

    /// <summary>http://127.0.0.1:port/devstoreaccount1</summary>
    public static string BlobEndpoint
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("DELTALITE_TEST_AZURITE_BLOB");
            if (string.IsNullOrWhiteSpace(value))
                throw new InvalidOperationException(
                    "DELTALITE_TEST_AZURITE_BLOB is not set: the Azure tests need Azurite. Run them with scripts/test.sh, which starts Azurite on 127.0.0.1 and exports the endpoint.");
            var uri = new Uri(value.TrimEnd('/'));
            if (!IPAddress.TryParse(uri.Host, out var ip) || !IPAddress.IsLoopback(ip))
                throw new InvalidOperationException($"DELTALITE_TEST_AZURITE_BLOB must be a loopback address (127.0.0.1), not {uri.Host}.");
            return uri.ToString().TrimEnd('/');
        }
    }

    public static int Port => new Uri(BlobEndpoint).Port;

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("DELTALITE_TEST_AZURITE_CONNECTION_STRING") is { Length: > 0 } cs
            ? cs
            : $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint={BlobEndpoint};";

    public static Dictionary<string, string> KeyOptions() => new() { ["account_key"] = Key };

    public static Dictionary<string, string> SasOptions(string permissions = "rwdlac", TimeSpan? validFor = null) =>
        new() { ["sas_token"] = Sas(permissions, validFor ?? TimeSpan.FromHours(2)) };

    public static Dictionary<string, string> ConnectionStringOptions() => new() { ["connection_string"] = ConnectionString };

    public static string Sas(string permissions, TimeSpan validFor) =>
        SharedAccessSignatures.CreateAccountSas(Account, Key, permissions, DateTimeOffset.UtcNow + validFor, DateTimeOffset.UtcNow.AddMinutes(-5));

    /// <summary>A fresh container (deleted on dispose), for one test.</summary>
    public static async Task<TestContainer> NewContainerAsync(string? endpoint = null)
    {
        string name = "t" + Guid.NewGuid().ToString("N");
        var container = new TestContainer(endpoint ?? BlobEndpoint, name);
        await using var store = container.OpenStore("", KeyOptions());
        await store.CreateContainerIfNotExistsAsync();
        return container;
    }
}

/// <summary>A container on Azurite for one test: locations inside it, stores on them; deleted when disposed.</summary>
public sealed class TestContainer(string endpoint, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string Endpoint { get; } = endpoint;

    /// <summary>http://127.0.0.1:port/devstoreaccount1/container/path</summary>
    public string Location(string path) => path.Length == 0 ? $"{Endpoint}/{Name}" : $"{Endpoint}/{Name}/{path}";

    public AzureBlobObjectStore OpenStore(string path, IReadOnlyDictionary<string, string> options) =>
        AzureStorage.Open(Location(path), new Dictionary<string, string>(options), useEnvironment: false);

    public AzureBlobObjectStore OpenStore(string path, AzureStorageOptions options) => AzureStorage.Open(Location(path), options);

    public async ValueTask DisposeAsync()
    {
        await using var store = AzureStorage.Open($"{Azurite.BlobEndpoint}/{Name}", new AzureStorageOptions { AccountKey = Azurite.Key });
        await store.DeleteContainerAsync();
    }
}
