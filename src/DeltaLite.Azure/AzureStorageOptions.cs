using System.Globalization;
using System.Text;
using Azure.Core;

namespace DeltaLite.Azure;

/// <summary>
/// How to reach and authenticate to an Azure Storage account. Credentials are tried in this order: <see cref="Credential"/>,
/// account key, SAS token, client secret (service principal), Azure CLI, managed identity, DefaultAzureCredential,
/// none (<see cref="SkipSignature"/>). A connection string supplies the account, key or SAS, and endpoints.
/// <see cref="ToString"/> never shows a secret.
/// </summary>
public sealed record AzureStorageOptions
{
    public string? AccountName { get; init; }

    /// <summary>Base64 account key, for Shared Key signing.</summary>
    public string? AccountKey { get; init; }

    /// <summary>A SAS token (the query string, with or without the leading '?').</summary>
    public string? SasToken { get; init; }

    public string? ConnectionString { get; init; }

    /// <summary>Any Azure AD credential (DefaultAzureCredential, ManagedIdentityCredential, ClientSecretCredential, ...).</summary>
    public TokenCredential? Credential { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? TenantId { get; init; }

    /// <summary>Authenticate as the signed-in Azure CLI user (<c>az login</c>).</summary>
    public bool UseAzureCli { get; init; }

    /// <summary>Authenticate with the managed identity of the host (user-assigned when <see cref="ClientId"/> is set).</summary>
    public bool UseManagedIdentity { get; init; }

    /// <summary>Authenticate with DefaultAzureCredential (environment, workload identity, managed identity, CLI, ...).</summary>
    public bool UseDefaultCredential { get; init; }

    /// <summary>Send requests unsigned (public containers, or a proxy that signs).</summary>
    public bool SkipSignature { get; init; }

    /// <summary>Use Azurite's development account at http://127.0.0.1:10000 (as UseDevelopmentStorage=true).</summary>
    public bool UseEmulator { get; init; }

    /// <summary>The Blob service endpoint, e.g. https://account.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1.</summary>
    public Uri? BlobEndpoint { get; init; }

    /// <summary>The DFS (ADLS Gen2) endpoint, e.g. https://account.dfs.core.windows.net; used where the namespace is hierarchical.</summary>
    public Uri? DfsEndpoint { get; init; }

    /// <summary>Whether the account has a hierarchical namespace (ADLS Gen2); abfs(s) and dfs locations imply it.</summary>
    public bool? HierarchicalNamespace { get; init; }

    /// <summary>Retries after the first try, on 408, 429, 500, 502, 503, 504 and network faults.</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one try may take (sending, and receiving a buffered response).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Size of the blocks that large uploads are staged in.</summary>
    public int BlockSize { get; init; } = 8 << 20;

    /// <summary>Objects up to this size are uploaded with one Put Blob; larger ones in blocks.</summary>
    public int SinglePutThreshold { get; init; } = 8 << 20;

    /// <summary>Blocks of one upload in flight at once.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Results per List Blobs page (at most 5000).</summary>
    public int ListPageSize { get; init; } = 5000;

    /// <summary>Size of the ranged reads behind <c>OpenReadAsync</c> streams.</summary>
    public int ReadChunkSize { get; init; } = 4 << 20;

    /// <summary>Environment variables read by <see cref="FromEnvironment()"/>.</summary>
    public static readonly IReadOnlyList<string> EnvironmentVariables =
    [
        "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_STORAGE_CONNECTION_STRING", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_STORAGE_BLOB_ENDPOINT",
        "AZURE_STORAGE_DFS_ENDPOINT", "AZURE_STORAGE_USE_EMULATOR",
    ];

    /// <summary>True when some credential (or an explicit choice of none) is configured.</summary>
    public bool HasCredential =>
        Credential is not null || AccountKey is not null || SasToken is not null || ConnectionString is not null || ClientSecret is not null
        || UseAzureCli || UseManagedIdentity || UseDefaultCredential || SkipSignature || UseEmulator;

    /// <summary>Options from the usual environment variables (AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_ACCOUNT_KEY, ...).</summary>
    public static AzureStorageOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    internal static AzureStorageOptions FromEnvironment(Func<string, string?> env)
    {
        string? Get(params string[] names) => names.Select(env).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
        return new AzureStorageOptions
        {
            AccountName = Get("AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT"),
            AccountKey = Get("AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCESS_KEY"),
            SasToken = Get("AZURE_STORAGE_SAS_TOKEN"),
            ConnectionString = Get("AZURE_STORAGE_CONNECTION_STRING"),
            ClientId = Get("AZURE_CLIENT_ID"),
            ClientSecret = Get("AZURE_CLIENT_SECRET"),
            TenantId = Get("AZURE_TENANT_ID"),
            BlobEndpoint = Get("AZURE_STORAGE_BLOB_ENDPOINT") is { } b ? ParseUri(b, "AZURE_STORAGE_BLOB_ENDPOINT") : null,
            DfsEndpoint = Get("AZURE_STORAGE_DFS_ENDPOINT") is { } d ? ParseUri(d, "AZURE_STORAGE_DFS_ENDPOINT") : null,
            UseEmulator = Get("AZURE_STORAGE_USE_EMULATOR") is { } e && ParseBool(e, "AZURE_STORAGE_USE_EMULATOR"),
        };
    }

    /// <summary>
    /// Options from a dictionary (storage options of a table, a job file, CLI flags). Keys are case-insensitive and may
    /// carry an <c>azure_storage_</c> or <c>azure_</c> prefix: account_name, account_key (access_key), sas_token (sas_key),
    /// connection_string, client_id, client_secret, tenant_id (authority_id), use_azure_cli, use_managed_identity (msi),
    /// use_default_credential, skip_signature, use_emulator, blob_endpoint (endpoint), dfs_endpoint, hierarchical_namespace,
    /// max_retries, retry_delay_ms, max_retry_delay_ms, timeout_seconds, block_size, single_put_threshold, max_concurrency,
    /// list_page_size, read_chunk_size. Other keys are ignored.
    /// When <paramref name="useEnvironment"/> is true, the environment fills in the account and endpoints, and the
    /// credentials too when the dictionary names none.
    /// </summary>
    public static AzureStorageOptions FromDictionary(IReadOnlyDictionary<string, string>? options, bool useEnvironment = true) =>
        FromDictionary(options, useEnvironment ? Environment.GetEnvironmentVariable : null);

    internal static AzureStorageOptions FromDictionary(IReadOnlyDictionary<string, string>? options, Func<string, string?>? env)
    {
        var o = new AzureStorageOptions();
        foreach (var (rawKey, rawValue) in options ?? new Dictionary<string, string>())
        {
            string key = Normalize(rawKey);
            string value = rawValue?.Trim() ?? "";
            o = key switch
            {
                "account_name" or "account" => o with { AccountName = value },
                "account_key" or "access_key" or "key" or "master_key" => o with { AccountKey = value },
                "sas_token" or "sas_key" or "sas" => o with { SasToken = value },
                "connection_string" => o with { ConnectionString = value },
                "client_id" => o with { ClientId = value },
                "client_secret" => o with { ClientSecret = value },
                "tenant_id" or "authority_id" or "tenant" => o with { TenantId = value },
                "use_azure_cli" => o with { UseAzureCli = ParseBool(value, rawKey) },
                "use_managed_identity" or "msi" or "use_msi" => o with { UseManagedIdentity = ParseBool(value, rawKey) },
                "use_default_credential" => o with { UseDefaultCredential = ParseBool(value, rawKey) },
                "skip_signature" or "anonymous" => o with { SkipSignature = ParseBool(value, rawKey) },
                "use_emulator" or "use_development_storage" => o with { UseEmulator = ParseBool(value, rawKey) },
                "blob_endpoint" or "endpoint" => o with { BlobEndpoint = ParseUri(value, rawKey) },
                "dfs_endpoint" => o with { DfsEndpoint = ParseUri(value, rawKey) },
                "hierarchical_namespace" or "is_hns" => o with { HierarchicalNamespace = ParseBool(value, rawKey) },
                "max_retries" => o with { MaxRetries = ParseInt(value, rawKey, 0, 100) },
                "retry_delay_ms" => o with { RetryDelay = TimeSpan.FromMilliseconds(ParseInt(value, rawKey, 0, 600_000)) },
                "max_retry_delay_ms" => o with { MaxRetryDelay = TimeSpan.FromMilliseconds(ParseInt(value, rawKey, 0, 3_600_000)) },
                "timeout_seconds" or "timeout" or "network_timeout_seconds" => o with { NetworkTimeout = TimeSpan.FromSeconds(ParseInt(value, rawKey, 1, 86_400)) },
                "block_size" => o with { BlockSize = ParseInt(value, rawKey, 64 << 10, 2000 << 20) },
                "single_put_threshold" => o with { SinglePutThreshold = ParseInt(value, rawKey, 0, int.MaxValue) },
                "max_concurrency" => o with { MaxConcurrency = ParseInt(value, rawKey, 1, 64) },
                "list_page_size" => o with { ListPageSize = ParseInt(value, rawKey, 1, 5000) },
                "read_chunk_size" => o with { ReadChunkSize = ParseInt(value, rawKey, 4096, int.MaxValue) },
                _ => o,
            };
        }
        if (env is null) return o;
        var e = FromEnvironment(env);
        o = o with
        {
            AccountName = o.AccountName ?? e.AccountName,
            BlobEndpoint = o.BlobEndpoint ?? e.BlobEndpoint,
            DfsEndpoint = o.DfsEndpoint ?? e.DfsEndpoint,
        };
        if (!o.HasCredential)
        {
            o = o with
            {
                AccountKey = e.AccountKey,
                SasToken = e.SasToken,
                ConnectionString = e.ConnectionString,
                ClientId = o.ClientId ?? e.ClientId,
                ClientSecret = e.ClientSecret,
                TenantId = o.TenantId ?? e.TenantId,
                UseEmulator = e.UseEmulator,
            };
        }
        return o;
    }

    private static string Normalize(string key)
    {
        string k = key.Trim().ToLowerInvariant().Replace('-', '_');
        if (k.StartsWith("azure_storage_", StringComparison.Ordinal)) k = k["azure_storage_".Length..];
        else if (k.StartsWith("azure_", StringComparison.Ordinal)) k = k["azure_".Length..];
        return k;
    }

    private static bool ParseBool(string value, string name) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" or "" => false,
        _ => throw new ArgumentException($"Storage option '{name}' must be true or false, not '{value}'."),
    };

    private static int ParseInt(string value, string name, int min, int max)
    {
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
            throw new ArgumentException($"Storage option '{name}' must be an integer from {min} to {max}, not '{value}'.");
        return (int)n;
    }

    private static Uri ParseUri(string value, string name)
    {
        if (!Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"Storage option '{name}' must be an http(s) URL.");
        if (uri.Query.Length > 1) throw new ArgumentException($"Storage option '{name}' must not carry a query string (give a SAS token as sas_token).");
        return uri;
    }

    private bool PrintMembers(StringBuilder builder)
    {
        static string Secret(object? v) => v is null ? "null" : SecretRedactor.Mask;
        builder.Append($"AccountName = {AccountName ?? "null"}, AccountKey = {Secret(AccountKey)}, SasToken = {Secret(SasToken)}, ");
        builder.Append($"ConnectionString = {Secret(ConnectionString)}, Credential = {Credential?.GetType().Name ?? "null"}, ClientId = {ClientId ?? "null"}, ");
        builder.Append($"ClientSecret = {Secret(ClientSecret)}, TenantId = {TenantId ?? "null"}, UseAzureCli = {UseAzureCli}, UseManagedIdentity = {UseManagedIdentity}, ");
        builder.Append($"UseDefaultCredential = {UseDefaultCredential}, SkipSignature = {SkipSignature}, UseEmulator = {UseEmulator}, ");
        builder.Append($"BlobEndpoint = {BlobEndpoint?.ToString() ?? "null"}, DfsEndpoint = {DfsEndpoint?.ToString() ?? "null"}, MaxRetries = {MaxRetries}");
        return true;
    }
}
