using System.Data.Common;

namespace DeltaLite.LoanGenerator;

/// <summary>Connection strings made safe to print.</summary>
public static class ConnectionStrings
{
    private static readonly string[] SecretKeys = ["password", "pwd", "passfile", "sslpassword", "ssl password", "sslkey", "ssl key", "accesstoken", "access token"];

    /// <summary>
    /// Returns <paramref name="connectionString"/> with every password-like value replaced by "***". A string that
    /// cannot be parsed is replaced entirely, since it might still contain a secret.
    /// </summary>
    public static string Redact(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return "";
        }
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            var parts = new List<string>();
            foreach (string key in builder.Keys)
            {
                var secret = SecretKeys.Contains(key.Trim().ToLowerInvariant());
                parts.Add($"{key}={(secret ? "***" : builder[key])}");
            }
            return string.Join(';', parts);
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }
}
