using System.Globalization;
using System.Text;
using DeltaLite.Azure.Pipeline;

namespace DeltaLite.Azure;

/// <summary>Creates account SAS tokens from an account key (REST reference "Create an account SAS", version 2019-02-02 layout).</summary>
public static class SharedAccessSignatures
{
    public const string Version = "2019-02-02";

    /// <summary>
    /// An account SAS token (query string without '?'). <paramref name="permissions"/> in the service's order, e.g.
    /// "rwdlac"; <paramref name="services"/> "b" for Blob; <paramref name="resourceTypes"/> "sco" for service, container and object.
    /// </summary>
    public static string CreateAccountSas(string account, string accountKey, string permissions, DateTimeOffset expiresOn, DateTimeOffset? startsOn = null,
        string services = "b", string resourceTypes = "sco", string protocol = "https,http")
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        string se = Format(expiresOn);
        string st = startsOn is { } s ? Format(s) : "";
        // StringToSign = account \n sp \n ss \n srt \n st \n se \n sip \n spr \n sv \n
        string toSign = string.Join('\n', account, permissions, services, resourceTypes, st, se, "", protocol, Version) + "\n";
        string sig = SharedKeySigning.Sign(toSign, Convert.FromBase64String(accountKey));
        var q = new StringBuilder();
        q.Append("sv=").Append(Version).Append("&ss=").Append(services).Append("&srt=").Append(resourceTypes).Append("&sp=").Append(permissions)
            .Append("&se=").Append(Uri.EscapeDataString(se));
        if (st.Length > 0) q.Append("&st=").Append(Uri.EscapeDataString(st));
        q.Append("&spr=").Append(Uri.EscapeDataString(protocol)).Append("&sig=").Append(Uri.EscapeDataString(sig));
        return q.ToString();
    }

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
