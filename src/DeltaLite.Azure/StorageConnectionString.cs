namespace DeltaLite.Azure;

/// <summary>
/// An Azure Storage connection string: <c>DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net</c>,
/// with optional <c>BlobEndpoint</c>/<c>DfsEndpoint</c> and <c>SharedAccessSignature</c>, or <c>UseDevelopmentStorage=true</c>
/// (Azurite's well-known account on 127.0.0.1:10000). <see cref="ToString"/> never shows the key or signature.
/// </summary>
public sealed record StorageConnectionString
{
    /// <summary>Azurite's development account (public, documented for the emulator).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>Azurite's development account key (public, documented for the emulator).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string? AccountName { get; init; }

    public string? AccountKey { get; init; }

    public string? SharedAccessSignature { get; init; }

    public Uri? BlobEndpoint { get; init; }

    public Uri? DfsEndpoint { get; init; }

    /// <summary>True for <c>UseDevelopmentStorage=true</c>.</summary>
    public bool IsDevelopmentStorage { get; init; }

    /// <summary>Parses a connection string; errors name the offending setting but never echo values.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException("Invalid connection string: every setting must be of the form Name=Value, separated by ';'.");
            string name = part[..eq].Trim();
            if (!settings.TryAdd(name, part[(eq + 1)..].Trim())) throw new FormatException($"Invalid connection string: '{name}' appears twice.");
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var proxy = settings.TryGetValue("DevelopmentStorageProxyUri", out var p) ? new Uri(p) : new Uri("http://127.0.0.1");
            return new StorageConnectionString
            {
                AccountName = DevelopmentAccountName,
                AccountKey = DevelopmentAccountKey,
                BlobEndpoint = new Uri($"{proxy.Scheme}://{proxy.Host}:10000/{DevelopmentAccountName}"),
                IsDevelopmentStorage = true,
            };
        }

        settings.TryGetValue("AccountName", out var account);
        settings.TryGetValue("AccountKey", out var key);
        settings.TryGetValue("SharedAccessSignature", out var sas);
        string protocol = settings.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto.ToLowerInvariant() : "https";
        if (protocol is not ("http" or "https")) throw new FormatException($"Invalid connection string: DefaultEndpointsProtocol must be http or https, not '{protocol}'.");
        string suffix = settings.TryGetValue("EndpointSuffix", out var sfx) ? sfx : "core.windows.net";

        Uri? blob = ParseEndpoint(settings, "BlobEndpoint");
        Uri? dfs = ParseEndpoint(settings, "DfsEndpoint");
        if (blob is null && account is not null) blob = new Uri($"{protocol}://{account}.blob.{suffix}");
        if (dfs is null && account is not null && !settings.ContainsKey("BlobEndpoint")) dfs = new Uri($"{protocol}://{account}.dfs.{suffix}");
        if (blob is null) throw new FormatException("Invalid connection string: it names neither AccountName nor BlobEndpoint.");
        if (key is not null && account is null) throw new FormatException("Invalid connection string: AccountKey needs AccountName.");
        if (key is not null)
        {
            try
            {
                Convert.FromBase64String(key);
            }
            catch (FormatException)
            {
                throw new FormatException("Invalid connection string: AccountKey is not valid base64.");
            }
        }
        return new StorageConnectionString
        {
            AccountName = account,
            AccountKey = key,
            SharedAccessSignature = sas?.TrimStart('?'),
            BlobEndpoint = blob,
            DfsEndpoint = dfs,
        };
    }

    private static Uri? ParseEndpoint(Dictionary<string, string> settings, string name)
    {
        if (!settings.TryGetValue(name, out var value)) return null;
        if (!Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new FormatException($"Invalid connection string: {name} is not an http(s) URL.");
        return uri;
    }

    public override string ToString() =>
        $"AccountName={AccountName};BlobEndpoint={BlobEndpoint}{(AccountKey is null ? "" : ";AccountKey=" + SecretRedactor.Mask)}{(SharedAccessSignature is null ? "" : ";SharedAccessSignature=" + SecretRedactor.Mask)}";
}
