using System.Net;

namespace DeltaLite.Azure;

/// <summary>
/// Where a store lives: the account's Blob service endpoint (and DFS endpoint when known), the container, and the
/// folder (prefix) inside it. Parsed from
/// <c>abfss://container@account.dfs.core.windows.net/path</c>, <c>abfs://...</c>, <c>az://container/path</c>,
/// <c>https://account.blob.core.windows.net/container/path</c>, <c>https://account.dfs.core.windows.net/container/path</c>
/// and path-style endpoints such as Azurite's <c>http://127.0.0.1:10000/devstoreaccount1/container/path</c>.
/// </summary>
public sealed record AzureLocation
{
    /// <summary>The Blob service endpoint, without a trailing '/': https://account.blob.core.windows.net, or http://127.0.0.1:10000/devstoreaccount1.</summary>
    public required Uri BlobService { get; init; }

    /// <summary>The DFS endpoint (ADLS Gen2), when known.</summary>
    public Uri? DfsService { get; init; }

    public required string Account { get; init; }

    public required string Container { get; init; }

    /// <summary>The folder of the store inside the container, without leading or trailing '/'; "" for the container's root.</summary>
    public required string Prefix { get; init; }

    /// <summary>True when the location says the account has a hierarchical namespace (abfs, abfss, dfs endpoints).</summary>
    public bool HierarchicalNamespace { get; init; }

    /// <summary>A SAS token carried in the location's query string, if any (never shown).</summary>
    internal string? Sas { get; init; }

    /// <summary>The location as shown to people: no query string, no credentials.</summary>
    public required string Display { get; init; }

    /// <summary>The container as the user wrote it (no query, no secret); <see cref="Display"/> without the prefix.</summary>
    public required string ContainerDisplay { get; init; }

    /// <summary>The URI schemes this parser accepts.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["abfss", "abfs", "az", "azure", "adl", "https", "http"];

    public static AzureLocation Parse(string location, AzureStorageOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri)) throw new ArgumentException($"'{StripQuery(location)}' is not a URI.", nameof(location));
        return Parse(uri, options ?? new AzureStorageOptions());
    }

    public static AzureLocation Parse(Uri uri, AzureStorageOptions options)
    {
        string scheme = uri.Scheme.ToLowerInvariant();
        // System.Uri folds "." and ".." segments away; a location that had them is refused rather than silently moved.
        string original = StripQuery(uri.OriginalString);
        int authority = original.IndexOf("://", StringComparison.Ordinal);
        if (authority >= 0 && original[(authority + 3)..].Split('/').Skip(1).Any(s => s is "." or ".." || Uri.UnescapeDataString(s) is "." or ".."))
            throw new ArgumentException($"'{original}': the path must not contain '.' or '..' segments.");
        string? sas = uri.Query.Length > 1 ? uri.Query[1..] : null;
        var segments = Segments(uri);
        var cs = options.ConnectionString is { } c ? StorageConnectionString.Parse(c) : null;
        switch (scheme)
        {
            case "abfs" or "abfss":
            {
                if (string.IsNullOrEmpty(uri.UserInfo))
                    throw new ArgumentException($"'{StripQuery(uri.OriginalString)}': an {scheme} location names the container before '@' ({scheme}://container@account.dfs.core.windows.net/path).");
                string container = Uri.UnescapeDataString(uri.UserInfo);
                var (account, kind, suffix) = VirtualHost(uri.Host)
                    ?? throw new ArgumentException($"'{StripQuery(uri.OriginalString)}': expected a host of the form account.dfs.core.windows.net.");
                _ = kind;
                string port = uri.IsDefaultPort ? "" : ":" + uri.Port;
                return Build(new Uri($"https://{account}.blob.{suffix}{port}"), new Uri($"https://{account}.dfs.{suffix}{port}"), account, container, segments, true, sas,
                    $"{scheme}://{container}@{uri.Host}{port}");
            }
            case "az" or "azure" or "adl":
            {
                if (!string.IsNullOrEmpty(uri.UserInfo))
                {
                    // az://container@account.blob.core.windows.net/path
                    var (account, _, suffix) = VirtualHost(uri.Host)
                        ?? throw new ArgumentException($"'{StripQuery(uri.OriginalString)}': expected az://container/path or az://container@account.blob.core.windows.net/path.");
                    return Build(new Uri($"https://{account}.blob.{suffix}"), new Uri($"https://{account}.dfs.{suffix}"), account, Uri.UnescapeDataString(uri.UserInfo), segments,
                        options.HierarchicalNamespace ?? false, sas, $"{scheme}://{Uri.UnescapeDataString(uri.UserInfo)}@{uri.Host}");
                }
                string container = Uri.UnescapeDataString(uri.Host);
                var (blob, dfs, acct) = AccountEndpoints(options, cs, uri);
                return Build(blob, dfs, acct, container, segments, options.HierarchicalNamespace ?? false, sas, $"{scheme}://{container}");
            }
            case "https" or "http":
            {
                string port = uri.IsDefaultPort ? "" : ":" + uri.Port;
                if (VirtualHost(uri.Host) is var (account, kind, suffix))
                {
                    if (segments.Count == 0) throw new ArgumentException($"'{StripQuery(uri.OriginalString)}': the location names no container ({scheme}://{uri.Host}/container/path).");
                    bool dfsHost = kind == "dfs";
                    var blob = new Uri($"{scheme}://{account}.blob.{suffix}{port}");
                    var dfs = new Uri($"{scheme}://{account}.dfs.{suffix}{port}");
                    return Build(blob, dfs, account, segments[0], segments.Skip(1).ToList(), options.HierarchicalNamespace ?? dfsHost, sas,
                        $"{scheme}://{uri.Host}{port}/{segments[0]}");
                }
                // Path style (emulator, IP endpoints, custom hosts): /account/container/path.
                if (segments.Count < 2)
                    throw new ArgumentException($"'{StripQuery(uri.OriginalString)}': a path-style location is {scheme}://host:port/account/container/path.");
                string acct = segments[0];
                var service = new Uri($"{scheme}://{uri.Host}{port}/{Uri.EscapeDataString(acct)}");
                Uri? dfsService = options.DfsEndpoint;
                return Build(service, dfsService, acct, segments[1], segments.Skip(2).ToList(), options.HierarchicalNamespace ?? false, sas,
                    $"{scheme}://{uri.Host}{port}/{acct}/{segments[1]}");
            }
            default:
                throw new ArgumentException($"'{uri.Scheme}' is not an Azure Storage scheme (known: {string.Join(", ", Schemes)}).");
        }
    }

    private static (Uri Blob, Uri? Dfs, string Account) AccountEndpoints(AzureStorageOptions options, StorageConnectionString? cs, Uri uri)
    {
        Uri? blob = options.BlobEndpoint ?? cs?.BlobEndpoint;
        Uri? dfs = options.DfsEndpoint ?? (options.BlobEndpoint is null ? cs?.DfsEndpoint : null);
        string? account = options.AccountName ?? cs?.AccountName;
        if (blob is null && options.UseEmulator)
        {
            blob = new Uri($"http://127.0.0.1:10000/{StorageConnectionString.DevelopmentAccountName}");
            account ??= StorageConnectionString.DevelopmentAccountName;
        }
        if (blob is not null)
        {
            if (account is null)
            {
                if (VirtualHost(blob.Host) is var (a, _, _)) account = a;
                else if (Segments(blob) is [var first, ..]) account = first;
            }
            if (account is null) throw new ArgumentException($"'{StripQuery(uri.OriginalString)}': the blob endpoint does not say which account it serves; set account_name.");
            return (new Uri(blob.GetLeftPart(UriPartial.Path).TrimEnd('/')), dfs, account);
        }
        if (account is null)
            throw new ArgumentException($"'{StripQuery(uri.OriginalString)}': no storage account given; set account_name (or AZURE_STORAGE_ACCOUNT_NAME), a connection string, or use an abfss://container@account.dfs.core.windows.net/path location.");
        return (new Uri($"https://{account}.blob.core.windows.net"), dfs ?? new Uri($"https://{account}.dfs.core.windows.net"), account);
    }

    /// <summary>account.blob.suffix or account.dfs.suffix; null for IPs, localhost and other hosts.</summary>
    private static (string Account, string Kind, string Suffix)? VirtualHost(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out _)) return null;
        var labels = host.ToLowerInvariant().Split('.');
        if (labels.Length < 3) return null;
        if (labels[1] is not ("blob" or "dfs")) return null;
        return (labels[0], labels[1], string.Join('.', labels.Skip(2)));
    }

    private static List<string> Segments(Uri uri) =>
        uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();

    private static AzureLocation Build(Uri blob, Uri? dfs, string account, string container, IReadOnlyList<string> prefixSegments, bool hns, string? sas, string displayBase)
    {
        if (container.Length == 0 || container.Contains('/'))
            throw new ArgumentException($"'{container}' is not a container name.");
        foreach (var s in prefixSegments)
            if (s is "." or "..") throw new ArgumentException($"{displayBase}: the path must not contain '.' or '..' segments.");
        string prefix = string.Join('/', prefixSegments);
        return new AzureLocation
        {
            BlobService = blob,
            DfsService = dfs,
            Account = account,
            Container = container,
            Prefix = prefix,
            HierarchicalNamespace = hns,
            Sas = sas,
            Display = prefix.Length == 0 ? displayBase : displayBase + "/" + prefix,
            ContainerDisplay = displayBase,
        };
    }

    internal static string StripQuery(string location)
    {
        int q = location.IndexOfAny(['?', '#']);
        string s = q < 0 ? location : location[..q];
        // user:password@ in an http(s) URL is a secret; abfs' container@ is not, but drop any password part.
        int scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            int at = s.IndexOf('@', scheme + 3);
            int slash = s.IndexOf('/', scheme + 3);
            if (at > 0 && (slash < 0 || at < slash))
            {
                string user = s[(scheme + 3)..at];
                int colon = user.IndexOf(':');
                if (colon >= 0) s = s[..(scheme + 3)] + user[..colon] + s[at..];
            }
        }
        return s;
    }
}
