using System.CommandLine;
using DeltaLite.Cli.Commands;

namespace DeltaLite.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("DeltaLite: incremental loads from SQL databases and CSV into Delta Lake tables, and time travel over them.");
        root.Options.Add(GlobalOptions.Verbose);
        root.Subcommands.Add(ParquetCommands.Create());
        var parse = root.Parse(args);
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
