using System.CommandLine;
using System.Globalization;
using DeltaLite.Reports;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite tag`, `deltalite tags` and `deltalite report`.</summary>
internal static class TagCommands
{
    public static Command Tag()
    {
        var table = TableOptions.Table();
        var name = new Argument<string>("name") { Description = "The tag: letters, digits, '.', '_' and '-', not all digits (e.g. training-2020)." };
        var version = new Option<long?>("--version") { Description = "The version to name (default: the latest)." };
        var delete = new Option<bool>("--delete") { Description = "Remove the tag (the version stays; vacuum and log cleanup may then drop what only it needed)." };
        var description = new Option<string?>("--description") { Description = "A note kept with the tag." };
        var cmd = new Command("tag", """
            Name a version of the table (or move or delete a name). Tags live in the table, so they travel with it and are
            safe under concurrent writers; anywhere a version is accepted (--version), a tag works too. Vacuum and log
            cleanup keep what a tagged version needs.

            Examples:
              deltalite tag /data/loans training-2020 --version 0 --description "model v1 training set"
              deltalite show /data/loans --version training-2020
              deltalite tag /data/loans training-2020 --delete
            """) { table, name, version, delete, description };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            string tag = parse.GetValue(name)!;
            if (parse.GetValue(delete))
            {
                if (parse.GetValue(version) is not null) throw new UserException("--delete takes no --version.");
                var r = await t.DeleteTagAsync(tag, ct);
                Console.WriteLine($"deleted tag '{tag}' (version {r.Version})");
                return ExitCodes.Success;
            }
            long v = parse.GetValue(version) ?? await t.GetLatestVersionAsync(ct);
            var result = await t.SetTagAsync(tag, v, parse.GetValue(description), ct);
            Console.WriteLine($"tag '{tag}' now names version {v} (committed as version {result.Version})");
            return ExitCodes.Success;
        });
        return cmd;
    }

    public static Command Tags()
    {
        var table = TableOptions.Table();
        var json = TableOptions.Json("Print the tags as JSON.");
        var cmd = new Command("tags", """
            List the table's tags.

            Example:
              deltalite tags /data/loans
            """) { table, json };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var tags = await t.GetTagsAsync(null, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var tag in tags.Values)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", tag.Name);
                        w.WriteNumber("version", tag.Version);
                        w.WriteString("createdAt", tag.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                        w.StringOrNull("description", tag.Description);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
                return ExitCodes.Success;
            }
            if (tags.Count == 0)
            {
                Console.WriteLine("no tags");
                return ExitCodes.Success;
            }
            var view = new TextTable();
            view.Column("tag").Column("version", null, true).Column("tagged (UTC)").Column("description");
            foreach (var tag in tags.Values.OrderBy(x => x.Version).ThenBy(x => x.Name, StringComparer.Ordinal))
                view.Row(tag.Name, tag.Version.ToString(CultureInfo.InvariantCulture), tag.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), tag.Description);
            view.Write();
            return ExitCodes.Success;
        });
        return cmd;
    }

    public static Command Report()
    {
        var table = TableOptions.Table();
        var output = new Option<string>("--out", "-o") { Description = "The HTML file to write.", Required = true };
        var cmd = new Command("report", """
            Write one self-contained HTML page about the table: rows and bytes per version over time, rows added, updated
            and removed per version, each ingestion source's watermark over time, tags, schema and its changes, file
            sizes, properties and protocol. No scripts or fonts from the network; prints on paper.

            Example:
              deltalite report /data/loans --out loans-report.html
            """) { table, output };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            string html = await HtmlReport.RenderAsync(t, ct);
            string path = parse.GetValue(output)!;
            await File.WriteAllTextAsync(path, html, new System.Text.UTF8Encoding(false), ct);
            Console.WriteLine($"wrote {path} ({HtmlReport.Bytes(new FileInfo(path).Length)})");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
