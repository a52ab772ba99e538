using System.CommandLine;

namespace DeltaLite.Cli.Commands;

/// <summary>Options every verb understands.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show details (stack traces) when something fails.",
        Recursive = true,
    };
}
