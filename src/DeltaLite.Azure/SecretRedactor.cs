using System.Text.RegularExpressions;

namespace DeltaLite.Azure;

/// <summary>
/// Removes secrets from text bound for people (exception messages, logs): the configured secret values themselves,
/// and anything shaped like one (SAS signatures, Shared Key and bearer authorization values, key=... pairs).
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        // Longest first, so a secret that contains another is removed whole.
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s) && s.Length >= 4).Select(s => s!).Distinct().OrderByDescending(s => s.Length).ToArray();
    }

    public static SecretRedactor None { get; } = new([]);

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var s in _secrets)
        {
            text = text.Replace(s, Mask, StringComparison.Ordinal);
            string escaped = Uri.EscapeDataString(s);
            if (escaped != s) text = text.Replace(escaped, Mask, StringComparison.OrdinalIgnoreCase);
        }
        return RedactShapes(text);
    }

    /// <summary>Redacts what looks like a secret, without knowing the values.</summary>
    public static string RedactShapes(string text)
    {
        text = QueryOrPairSecret().Replace(text, m => m.Groups[1].Value + Mask);
        text = SharedKeyAuthorization().Replace(text, m => m.Groups[1].Value + Mask);
        text = BearerToken().Replace(text, "Bearer " + Mask);
        text = MacSignature().Replace(text, m => m.Groups[1].Value + Mask + "'");
        return text;
    }

    // sig=..., AccountKey=..., SharedAccessSignature=..., client_secret=..., access_token=... in queries, connection strings, JSON-ish text.
    [GeneratedRegex(@"(?i)(\b(?:sig|signature|accountkey|account_key|access_key|sharedaccesssignature|sas_token|sas_key|client_secret|clientsecret|password|pwd|access_token|refresh_token|token)\s*[=:]\s*""?)[^&;\s""',]+")]
    private static partial Regex QueryOrPairSecret();

    [GeneratedRegex(@"(?i)(SharedKey(?:Lite)?\s+[^:\s]+:)[A-Za-z0-9+/=]+")]
    private static partial Regex SharedKeyAuthorization();

    [GeneratedRegex(@"(?i)Bearer\s+[A-Za-z0-9\-_.~+/=]+")]
    private static partial Regex BearerToken();

    // The service echoes the request's signature in AuthenticationErrorDetail: "The MAC signature found in the HTTP request '...'".
    [GeneratedRegex(@"(?i)(signature found in the HTTP request ')[^']*'")]
    private static partial Regex MacSignature();
}
