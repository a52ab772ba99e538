using System.CommandLine;
using DeltaLite.Log;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite checkpoint`: a classic Parquet checkpoint of the latest version, and _last_checkpoint.</summary>
internal static class CheckpointCommand
{
    public static Command Create()
    {
        var table = TableOptions.Table();
        var json = TableOptions.Json("Print a JSON summary (version, actions, files, bytes).");
        var cmd = new Command("checkpoint", """
            Write a checkpoint of the latest version (one Parquet file under _delta_log/) and point _last_checkpoint at
            it, so that readers start from it instead of replaying every commit. Commits write one every
            delta.checkpointInterval versions (default 10) on their own; this writes one now.

            Examples:
              deltalite checkpoint /data/loans
              deltalite checkpoint file:///data/loans --json
            """)
        {
            table, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var snapshot = await t.GetSnapshotAsync(null, ct);
            var written = await CheckpointWriter.WriteAsync(snapshot, DateTimeOffset.UtcNow, ct);
            string file = LogFile.CheckpointPath(written.Version);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("table", t.Location);
                    w.WriteNumber("version", written.Version);
                    w.WriteString("checkpoint", file);
                    if (written.Size is long size) w.WriteNumber("actions", size);
                    if (written.NumOfAddFiles is long adds) w.WriteNumber("numFiles", adds);
                    if (written.SizeInBytes is long bytes) w.WriteNumber("sizeInBytes", bytes);
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"checkpoint of version {written.Version} written: {t.Location}/{file}"
                    + (written.Size is long n ? $" ({n} actions" + (written.SizeInBytes is long b ? $", {TableOptions.Bytes(b)})" : ")") : ""));
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
