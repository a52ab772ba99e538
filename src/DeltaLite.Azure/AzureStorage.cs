using DeltaLite.Storage;

namespace DeltaLite.Azure;

/// <summary>
/// Entry point: <see cref="Register"/> makes <c>ObjectStores.Open</c> and <c>DeltaTable.OpenAsync</c> accept Azure
/// locations (abfss, abfs, az, azure, adl, https and http Blob/DFS endpoints, path-style emulator endpoints).
/// <code>
/// AzureStorage.Register();
/// await using var table = await DeltaTable.OpenAsync("abfss://lake@myaccount.dfs.core.windows.net/loans",
///     new Dictionary&lt;string, string&gt; { ["use_managed_identity"] = "true" });
/// </code>
/// Storage options are read with <see cref="AzureStorageOptions.FromDictionary(IReadOnlyDictionary{string, string}?, bool)"/>; the environment fills in what they lack.
/// </summary>
public static class AzureStorage
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Registers the Azure schemes with <see cref="ObjectStores"/>; calling it again does nothing.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            foreach (var scheme in AzureLocation.Schemes) ObjectStores.Register(scheme, (uri, options) => Open(uri, AzureStorageOptions.FromDictionary(options)));
            _registered = true;
        }
    }

    /// <summary>Opens an Azure store from a location and storage options (the environment fills in the rest, unless <paramref name="useEnvironment"/> is false).</summary>
    public static AzureBlobObjectStore Open(string location, IReadOnlyDictionary<string, string>? options = null, bool useEnvironment = true) =>
        AzureBlobObjectStore.Open(location, AzureStorageOptions.FromDictionary(options, useEnvironment));

    /// <summary>Opens an Azure store from a location and options.</summary>
    public static AzureBlobObjectStore Open(string location, AzureStorageOptions options) => AzureBlobObjectStore.Open(location, options);

    private static AzureBlobObjectStore Open(Uri uri, AzureStorageOptions options) => new(AzureLocation.Parse(uri, options), options);
}
