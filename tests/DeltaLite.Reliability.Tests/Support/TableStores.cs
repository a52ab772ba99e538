using System.Net;
using DeltaLite.Azure;
using DeltaLite.Storage;

namespace DeltaLite.Reliability.Tests.Support;

/// <summary>
/// Where a test's tables live: a local folder or an Azurite container. Gives fresh table locations, the options to
/// open them in-process and from the CLI, a way to seed a location with a prepared table, and a raw listing of every
/// object under a location (on disk including hidden temp files, which the object-store listing leaves out).
/// </summary>
internal abstract class TableStore : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>A location no table uses yet.</summary>
    public abstract string NewLocation(string name);

    /// <summary>Storage options for <see cref="DeltaTable.OpenAsync"/> in this process.</summary>
    public abstract IReadOnlyDictionary<string, string> OpenOptions { get; }

    /// <summary>Arguments the CLI needs for this store (before or after the verb: --storage-option is recursive).</summary>
    public abstract IReadOnlyList<string> CliArguments { get; }

    /// <summary>Environment for the CLI (secrets go here, never on the command line).</summary>
    public abstract IReadOnlyDictionary<string, string> CliEnvironment { get; }

    /// <summary>Storage options for an ingestion job file read by the CLI (no secrets).</summary>
    public abstract IReadOnlyDictionary<string, string> JobStorageOptions { get; }

    /// <summary>Every object under the location, relative to it, '/'-separated, sorted (hidden and temp files too).</summary>
    public abstract Task<List<string>> ListEverythingAsync(string location);

    /// <summary>Copies the table in a local folder (its objects: no temp files) to <paramref name="location"/>.</summary>
    public async Task SeedAsync(string localFolder, string location)
    {
        await using var source = new LocalObjectStore(localFolder);
        await using var target = ObjectStores.Open(location, OpenOptions);
        var objects = new List<ObjectInfo>();
        await foreach (var o in source.ListAsync("")) objects.Add(o);
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (o, ct) =>
            await target.WriteAsync(o.Path, await source.ReadAllAsync(o.Path, ct), ct));
    }

    public Task<DeltaTable> OpenAsync(string location) => DeltaTable.OpenAsync(location, OpenOptions);

    public abstract ValueTask DisposeAsync();

    public static async Task<TableStore> CreateAsync(string kind, string localRoot) => kind switch
    {
        "local" => new LocalTables(localRoot),
        "azurite" => await AzuriteTables.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "local or azurite"),
    };
}

internal sealed class LocalTables(string root) : TableStore
{
    public override string Name => "local";

    public override string NewLocation(string name) => Path.Combine(root, name);

    public override IReadOnlyDictionary<string, string> OpenOptions { get; } = new Dictionary<string, string>();

    public override IReadOnlyList<string> CliArguments => [];

    public override IReadOnlyDictionary<string, string> CliEnvironment { get; } = new Dictionary<string, string>();

    public override IReadOnlyDictionary<string, string> JobStorageOptions { get; } = new Dictionary<string, string>();

    public override Task<List<string>> ListEverythingAsync(string location)
    {
        if (!Directory.Exists(location)) return Task.FromResult(new List<string>());
        var files = Directory.EnumerateFiles(location, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(location, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(files);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// A fresh container on the Azurite that scripts/test.sh starts (DELTALITE_TEST_AZURITE_BLOB); deleted on dispose.
/// Without the variable the test fails, never skips. The CLI (the process that is killed) writes every object in blocks
/// (single_put_threshold=0), so every write is multi-step (Put Block..., then Put Block List) and the fault points
/// between the steps apply.
/// </summary>
internal sealed class AzuriteTables : TableStore
{
    private readonly string _endpoint;
    private readonly string _container;

    private AzuriteTables(string endpoint, string container)
    {
        _endpoint = endpoint;
        _container = container;
    }

    public static string BlobEndpoint
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("DELTALITE_TEST_AZURITE_BLOB");
            if (string.IsNullOrWhiteSpace(value))
                throw new InvalidOperationException(
                    "DELTALITE_TEST_AZURITE_BLOB is not set: the crash suite runs against Azurite. Run it with scripts/test.sh, which starts Azurite on 127.0.0.1 and exports the endpoint.");
            var uri = new Uri(value.TrimEnd('/'));
            if (!IPAddress.TryParse(uri.Host, out var ip) || !IPAddress.IsLoopback(ip))
                throw new InvalidOperationException($"DELTALITE_TEST_AZURITE_BLOB must be a loopback address (127.0.0.1), not {uri.Host}.");
            return uri.ToString().TrimEnd('/');
        }
    }

    public static async Task<AzuriteTables> CreateAsync()
    {
        AzureStorage.Register();
        var tables = new AzuriteTables(BlobEndpoint, "crash" + Guid.NewGuid().ToString("N")[..20]);
        await using var store = tables.OpenStore(tables.ContainerLocation);
        await store.CreateContainerIfNotExistsAsync();
        return tables;
    }

    private string ContainerLocation => $"{_endpoint}/{_container}";

    public override string Name => "azurite";

    public override string NewLocation(string name) => $"{ContainerLocation}/{name}";

    /// <summary>In this process (the reruns and checks, never killed) objects go up the usual way: small ones in one request.</summary>
    public override IReadOnlyDictionary<string, string> OpenOptions { get; } = new Dictionary<string, string>
    {
        ["account_key"] = StorageConnectionString.DevelopmentAccountKey,
    };

    public override IReadOnlyList<string> CliArguments => ["--storage-option", "single_put_threshold=0"];

    public override IReadOnlyDictionary<string, string> CliEnvironment { get; } = new Dictionary<string, string>
    {
        ["AZURE_STORAGE_ACCOUNT_KEY"] = StorageConnectionString.DevelopmentAccountKey,
    };

    public override IReadOnlyDictionary<string, string> JobStorageOptions { get; } = new Dictionary<string, string> { ["single_put_threshold"] = "0" };

    private AzureBlobObjectStore OpenStore(string location) => AzureStorage.Open(location, OpenOptions, useEnvironment: false);

    public override async Task<List<string>> ListEverythingAsync(string location)
    {
        await using var store = OpenStore(location);
        var paths = new List<string>();
        await foreach (var o in store.ListAsync("")) paths.Add(o.Path);
        return paths;
    }

    public override async ValueTask DisposeAsync()
    {
        await using var store = OpenStore(ContainerLocation);
        await store.DeleteContainerAsync();
    }
}
