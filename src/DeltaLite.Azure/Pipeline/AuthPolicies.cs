using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DeltaLite.Azure.Pipeline;

/// <summary>Signs every try with Shared Key (fresh x-ms-date each time, so retries carry a valid signature).</summary>
internal sealed class SharedKeyPolicy(string account, byte[] key) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var h in request.Headers) headers.Add(new(h.Name, h.Value));
        if (!headers.Any(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            long length = 0;
            if (request.Content is not null && !request.Content.TryComputeLength(out length))
                throw new InvalidOperationException("Shared Key signing needs the request's Content-Length up front.");
            headers.Add(new("Content-Length", length.ToString(CultureInfo.InvariantCulture)));
        }
        string toSign = SharedKeySigning.StringToSign(request.Method.Method, request.Uri.ToUri(), headers, account);
        request.Headers.SetValue("Authorization", $"SharedKey {account}:{SharedKeySigning.Sign(toSign, key)}");
    }
}

/// <summary>Adds a SAS token to each request's query string.</summary>
internal sealed class SasPolicy(string sas) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var uri = message.Request.Uri;
        if (message.TryGetProperty(typeof(SasPolicy), out _)) return; // already added on an earlier try
        string query = uri.Query;
        uri.Query = string.IsNullOrEmpty(query) || query == "?" ? "?" + sas : query + "&" + sas;
        message.SetProperty(typeof(SasPolicy), true);
    }
}

/// <summary>
/// Azure AD bearer tokens for https://storage.azure.com/.default from any <see cref="TokenCredential"/>, cached
/// until five minutes before they expire (or until the credential's refresh time). Tokens are never sent over plain
/// http except to loopback (emulators and test proxies).
/// </summary>
internal sealed class BearerTokenPolicy(TokenCredential credential) : HttpPipelinePolicy
{
    public const string Scope = "https://storage.azure.com/.default";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private AccessToken? _token;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var uri = message.Request.Uri;
        if (!string.Equals(uri.Scheme, "https", StringComparison.OrdinalIgnoreCase) && !IsLoopback(uri.Host ?? ""))
            throw new InvalidOperationException($"Refusing to send an Azure AD token over plain http to '{uri.Host}'; use an https endpoint.");
        var token = await GetTokenAsync(message.CancellationToken).ConfigureAwait(false);
        message.Request.Headers.SetValue("Authorization", "Bearer " + token);
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    /// <summary>The current token, fetched when missing or about to expire.</summary>
    internal async Task<string> GetTokenAsync(CancellationToken ct)
    {
        if (Fresh(_token) is { } cached) return cached;
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Fresh(_token) is { } again) return again;
            var token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), ct).ConfigureAwait(false);
            _token = token;
            return token.Token;
        }
        finally
        {
            _lock.Release();
        }
    }

    private static string? Fresh(AccessToken? token)
    {
        if (token is not { } t) return null;
        var now = DateTimeOffset.UtcNow;
        if (t.RefreshOn is { } refresh && refresh <= now) return null;
        return t.ExpiresOn - TimeSpan.FromMinutes(5) > now ? t.Token : null;
    }

    internal static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}

/// <summary>Stamps x-ms-version on every request.</summary>
internal sealed class StorageVersionPolicy : HttpPipelineSynchronousPolicy
{
    public const string Version = "2023-11-03";

    public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-ms-version", Version);
}
