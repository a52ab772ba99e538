using System.CommandLine;

namespace DeltaLite.Cli.Commands;

/// <summary>Options every verb understands.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string[]> StorageOption = new("--storage-option")
    {
        Description = "A storage setting for the table's location, key=value (repeatable), e.g. account_name=myacct or use_azure_cli=true. " +
            "Prefer environment variables for secrets (AZURE_STORAGE_ACCOUNT_KEY, AZURE_STORAGE_SAS_TOKEN, AZURE_STORAGE_CONNECTION_STRING, AZURE_CLIENT_ID/SECRET/TENANT_ID).",
        Recursive = true,
    };

    /// <summary>The --storage-option values of the running command.</summary>
    public static IReadOnlyDictionary<string, string> StorageOptions { get; private set; } = new Dictionary<string, string>();

    internal static void Capture(System.CommandLine.ParseResult parse)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var kv in parse.GetValue(StorageOption) ?? [])
        {
            int eq = kv.IndexOf('=');
            if (eq <= 0) throw new UserException($"--storage-option takes key=value, not '{(kv.Length > 20 ? kv[..20] + "..." : kv)}'.");
            map[kv[..eq].Trim()] = kv[(eq + 1)..];
        }
        StorageOptions = map;
    }

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show details (stack traces) when something fails.",
        Recursive = true,
    };
}
