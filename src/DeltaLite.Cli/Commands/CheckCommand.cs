using System.CommandLine;
using System.Globalization;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite check`: verify a table; change nothing.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var table = TableOptions.Table();
        var json = TableOptions.Json("Print the findings as JSON.");
        var cmd = new Command("check", """
            Verify a table and change nothing: the log is contiguous and every commit parses, every checkpoint reads,
            _last_checkpoint is sane, and every file of the latest version exists with its recorded size and statistics
            that match its Parquet footer. Exit code 0 when healthy, 1 when a problem is found.

            Example:
              deltalite check /data/loans
            """) { table, json };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var r = await t.CheckAsync(ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("healthy", r.Healthy);
                    if (r.LatestVersion is long v) w.WriteNumber("latestVersion", v); else w.WriteNull("latestVersion");
                    w.WriteNumber("commitsChecked", r.CommitsChecked);
                    w.WriteNumber("checkpointsChecked", r.CheckpointsChecked);
                    w.WriteNumber("filesChecked", r.FilesChecked);
                    w.WriteStartArray("problems");
                    foreach (var p in r.Problems)
                    {
                        w.WriteStartObject();
                        w.WriteString("where", p.Where);
                        w.WriteString("what", p.What);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }
            else
            {
                foreach (var p in r.Problems) Console.WriteLine($"problem: {p.Where}: {p.What}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(r.Healthy ? "healthy" : $"{r.Problems.Count} problem(s)")}: {r.CommitsChecked:N0} commits, {r.CheckpointsChecked:N0} checkpoints, {r.FilesChecked:N0} data files of version {r.LatestVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"} checked"));
            }
            return r.Healthy ? ExitCodes.Success : ExitCodes.UserError;
        });
        return cmd;
    }
}
