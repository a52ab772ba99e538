using System.Buffers;
using System.CommandLine;
using System.Globalization;
using DeltaLite.Diff;
using DeltaLite.Parquet;
using DeltaLite.Schema;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite vacuum`, `optimize`, `restore` and `diff`.</summary>
internal static class MaintenanceCommands
{
    public static Command Vacuum()
    {
        var table = TableOptions.Table();
        var retain = new Option<double?>("--retain") { Description = "Keep files that versions of the last HOURS still need (default: the table's delta.deletedFileRetentionDuration, 7 days)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the files that would be deleted; delete nothing." };
        var force = new Option<bool>("--force") { Description = "Allow a retention shorter than the table's (time travel to older versions then fails)." };
        var json = TableOptions.Json("Print the files and bytes as JSON.");
        var cmd = new Command("vacuum", """
            Delete data files that no version within the retention window references (including orphans of failed writes).

            Examples:
              deltalite vacuum /data/loans --dry-run
              deltalite vacuum /data/loans --retain 168
              deltalite vacuum /data/loans --retain 0 --force
            """) { table, retain, dryRun, force, json };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            TimeSpan? retention = parse.GetValue(retain) is double h ? (h < 0 ? throw new UserException("--retain must not be negative.") : TimeSpan.FromHours(h)) : null;
            var result = await t.VacuumAsync(retention, parse.GetValue(dryRun), parse.GetValue(force), ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("dryRun", result.DryRun);
                    w.WriteNumber("retentionHours", result.Retention.TotalHours);
                    w.WriteNumber("files", result.Files.Count);
                    w.WriteNumber("bytes", result.Bytes);
                    w.WriteStartArray("paths");
                    foreach (var f in result.Files) w.WriteStringValue(f);
                    w.WriteEndArray();
                    w.WriteStartObject("keptForTags");
                    foreach (var (tag, kept) in result.KeptForTags) w.WriteNumber(tag, kept);
                    w.WriteEndObject();
                    w.WriteEndObject();
                });
                return ExitCodes.Success;
            }
            foreach (var f in result.Files) Console.WriteLine((result.DryRun ? "would delete " : "deleted ") + f);
            foreach (var (tag, kept) in result.KeptForTags.Where(k => k.Value > 0))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kept {kept:N0} files that only tag '{tag}' still needs"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(result.DryRun ? "would delete" : "deleted")} {result.Files.Count:N0} files ({result.Bytes:N0} bytes) older than {result.Retention.TotalHours:0.##} hours that no retained version needs"));
            return ExitCodes.Success;
        });
        return cmd;
    }

    public static Command Optimize()
    {
        var table = TableOptions.Table();
        var where = new Option<string?>("--where", "-w") { Description = "Only partitions matching this filter on partition columns." };
        var targetSize = new Option<long?>("--target-size") { Description = "Target file size in bytes (default: delta.targetFileSize, else 128 MiB)." };
        var json = TableOptions.Json("Print the result as JSON.");
        var cmd = new Command("optimize", """
            Compact small files of each partition into target-size files (a new version with dataChange=false: every
            version reads the same rows before and after).

            Examples:
              deltalite optimize /data/loans
              deltalite optimize /data/loans --where "issue_year = 2021" --target-size 268435456
            """) { table, where, targetSize, json };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var r = await t.OptimizeAsync(TableOptions.ParseWhere(parse.GetValue(where)), parse.GetValue(targetSize), ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    if (r.Commit is { } c) w.WriteNumber("version", c.Version); else w.WriteNull("version");
                    w.WriteNumber("filesRemoved", r.NumFilesRemoved);
                    w.WriteNumber("filesAdded", r.NumFilesAdded);
                    w.WriteNumber("bytesRemoved", r.BytesRemoved);
                    w.WriteNumber("bytesAdded", r.BytesAdded);
                    w.WriteNumber("partitionsOptimized", r.PartitionsOptimized);
                    w.WriteEndObject();
                });
                return ExitCodes.Success;
            }
            Console.WriteLine(r.Commit is null
                ? "nothing to compact"
                : string.Create(CultureInfo.InvariantCulture, $"committed version {r.Commit.Version}: {r.NumFilesRemoved:N0} files ({r.BytesRemoved:N0} bytes) compacted into {r.NumFilesAdded:N0} ({r.BytesAdded:N0} bytes) in {r.PartitionsOptimized:N0} partitions"));
            return ExitCodes.Success;
        });
        return cmd;
    }

    public static Command Restore()
    {
        var table = TableOptions.Table();
        var version = TableOptions.Version();
        version.Description = "The version to restore.";
        var asOf = TableOptions.AsOf();
        var json = TableOptions.Json("Print the new version as JSON.");
        var cmd = new Command("restore", """
            Make the table read as an earlier version did, as a new version (history is kept: the restore can itself be undone).

            Examples:
              deltalite restore /data/loans --version 3
              deltalite restore /data/loans --as-of "2024-05-01 00:00:00"
            """) { table, version, asOf, json };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var v = parse.GetValue(version);
            var at = parse.GetValue(asOf);
            if ((v is null) == (at is null)) throw new UserException("Give exactly one of --version or --as-of.");
            var result = v is not null ? await t.RestoreAsync(await TableOptions.ResolveVersionAsync(t, v, ct), ct) : await t.RestoreAsync(TableOptions.ParseTimestamp(at!), ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("version", result.Version);
                    w.WriteEndObject();
                });
                return ExitCodes.Success;
            }
            Console.WriteLine($"committed version {result.Version}: the table now reads as {(v is not null ? $"version {v}" : $"of {at}")}");
            return ExitCodes.Success;
        });
        return cmd;
    }

    public static Command Diff()
    {
        var table = TableOptions.Table();
        var from = new Option<string>("--from") { Description = "The older version (a number or a tag).", Required = true };
        var to = new Option<string>("--to") { Description = "The newer version (a number or a tag).", Required = true };
        var key = new Option<string?>("--key") { Description = "Key columns, comma-separated: rows are then classified as added, removed or changed (old and new values)." };
        var format = new Option<string>("--format", "-f") { Description = "table (readable) or jsonl (one change per line, with _change_type first).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "jsonl");
        var limit = TableOptions.Limit("Show at most this many changed rows in table format.", 50);
        var cmd = new Command("diff", """
            The rows added and removed between two versions (by file; by key when --key is given: insert, delete,
            update_preimage/update_postimage), named as in Delta's change data feed.

            Examples:
              deltalite diff /data/loans --from 0 --to 1
              deltalite diff /data/loans --from 0 --to 1 --key id --format jsonl > changes.jsonl
            """) { table, from, to, key, format, limit };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var keys = parse.GetValue(key)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            long fromVersion = await TableOptions.ResolveVersionAsync(t, parse.GetValue(from)!, ct);
            long toVersion = await TableOptions.ResolveVersionAsync(t, parse.GetValue(to)!, ct);
            var diff = await t.DiffAsync(fromVersion, toVersion, keys, ct);
            if (parse.GetValue(format) == "jsonl")
            {
                await using var stdout = Console.OpenStandardOutput();
                foreach (var batch in diff.ToChangeBatches()) CanonicalJson.WriteLines(batch, stdout);
                return ExitCodes.Success;
            }
            long added = diff.Added.Sum(b => (long)b.RowCount), removed = diff.Removed.Sum(b => (long)b.RowCount), changed = diff.ChangedNew.Sum(b => (long)b.RowCount);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"version {diff.FromVersion} -> {diff.ToVersion}: {diff.FilesRemoved.Count} files removed, {diff.FilesAdded.Count} added; {added:N0} rows added, {removed:N0} removed{(keys is null ? "" : $", {changed:N0} changed")}"));
            int max = parse.GetValue(limit) ?? 50;
            var view = new TextTable();
            var schema = diff.ToChangeBatches().FirstOrDefault()?.Schema;
            if (schema is null || max == 0) return ExitCodes.Success;
            foreach (var f in schema.Fields) view.Column(f.Name, DeltaSchema.TypeName(f.Type), ValueText.IsNumeric(f.Type));
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var batch in diff.ToChangeBatches())
            {
                for (int r = 0; r < batch.RowCount && view.RowCount < max; r++)
                    view.Row(batch.Columns.Select(c => ValueText.Format(c, r, buffer)).ToArray());
                if (view.RowCount >= max) break;
            }
            view.Caption = $"first {view.RowCount} changed rows";
            view.Write();
            return ExitCodes.Success;
        });
        return cmd;
    }
}
