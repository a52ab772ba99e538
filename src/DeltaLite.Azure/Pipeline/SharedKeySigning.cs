using System.Security.Cryptography;
using System.Text;

namespace DeltaLite.Azure.Pipeline;

/// <summary>
/// Shared Key authorization for the Blob service (version 2009-09-19 and later), per the Storage REST reference
/// "Authorize with Shared Key": the string to sign is the verb, eleven standard header values (Content-Length empty
/// when zero), the canonicalized x-ms- headers and the canonicalized resource; the signature is its HMAC-SHA256 under
/// the decoded account key, in base64.
/// </summary>
internal static class SharedKeySigning
{
    private static readonly string[] StandardHeaders =
    [
        "Content-Encoding", "Content-Language", "Content-Length", "Content-MD5", "Content-Type", "Date",
        "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
    ];

    /// <summary>The string to sign for a request.</summary>
    /// <param name="method">The HTTP verb, upper case.</param>
    /// <param name="uri">The request URI as sent (path percent-encoded).</param>
    /// <param name="headers">The request headers (names in any case).</param>
    /// <param name="account">The account name.</param>
    public static string StringToSign(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, string account)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
            all[name] = all.TryGetValue(name, out var existing) ? existing + "," + value : value;
        var sb = new StringBuilder();
        sb.Append(method.ToUpperInvariant()).Append('\n');
        foreach (var h in StandardHeaders)
        {
            all.TryGetValue(h, out var v);
            if (h == "Content-Length" && v == "0") v = "";
            // With x-ms-date present, Date is signed as empty.
            if (h == "Date" && all.ContainsKey("x-ms-date")) v = "";
            sb.Append(v ?? "").Append('\n');
        }
        sb.Append(CanonicalizedHeaders(all));
        sb.Append(CanonicalizedResource(account, uri));
        return sb.ToString();
    }

    /// <summary>
    /// Every x-ms- header: name lower-cased, sorted by name, value with runs of whitespace folded to one space and
    /// trimmed, as "name:value\n".
    /// </summary>
    public static string CanonicalizedHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var xms = headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.Trim().ToLowerInvariant(), Value: FoldWhitespace(h.Value)))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var (name, value) in xms) sb.Append(name).Append(':').Append(value).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// "/" + account + the encoded URI path, then each query parameter on its own line as "name:value" — names
    /// lower-cased and sorted, values URL-decoded, several values of one name sorted and joined with ','.
    /// </summary>
    public static string CanonicalizedResource(string account, Uri uri)
    {
        var sb = new StringBuilder();
        sb.Append('/').Append(account).Append(uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath);
        string query = uri.Query.TrimStart('?');
        if (query.Length == 0) return sb.ToString();
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            string value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!parameters.TryGetValue(name, out var list)) parameters[name] = list = [];
            list.Add(value);
        }
        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            sb.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }
        return sb.ToString();
    }

    /// <summary>Base64 HMAC-SHA256 of the UTF-8 string to sign under the account key.</summary>
    public static string Sign(string stringToSign, byte[] key) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    private static string FoldWhitespace(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                if (!space) sb.Append(' ');
                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }
        return sb.ToString();
    }
}
