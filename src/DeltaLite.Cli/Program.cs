using System.CommandLine;
using DeltaLite.Cli.Commands;

namespace DeltaLite.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // A named command rather than RootCommand, whose name would be the assembly's (DeltaLite.Cli) in usage lines.
        var root = new Command("deltalite", """
            DeltaLite: incremental loads from SQL databases and CSV into Delta Lake tables, and time travel over them.

            Exit codes: 0 success, 1 user error (bad argument, missing or corrupt table, unknown version),
            2 commit conflict that persisted, 3 unexpected failure (run again with --verbose for details).
            """);
        root.Options.Add(new System.CommandLine.Help.HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(GlobalOptions.Verbose);
        root.Options.Add(GlobalOptions.StorageOption);
        DeltaLite.Azure.AzureStorage.Register();
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(CreateCommand.Create());
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(HistoryCommand.Create());
        root.Subcommands.Add(DescribeCommand.Create());
        root.Subcommands.Add(CheckpointCommand.Create());
        root.Subcommands.Add(MaintenanceCommands.Diff());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(TagCommands.Tag());
        root.Subcommands.Add(TagCommands.Tags());
        root.Subcommands.Add(TagCommands.Report());
        root.Subcommands.Add(MaintenanceCommands.Vacuum());
        root.Subcommands.Add(MaintenanceCommands.Optimize());
        root.Subcommands.Add(MaintenanceCommands.Restore());
        root.Subcommands.Add(ParquetCommands.Create());
        var parse = root.Parse(args);
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
