using System.CommandLine;
using DeltaLite.Parquet;
using DeltaLite.Schema;
using DeltaLite.Writes;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite create`: a new empty table (version 0) from an inline column list or a Delta schema JSON file.</summary>
internal static class CreateCommand
{
    public static Command Create()
    {
        var table = TableOptions.Table();
        var schema = new Option<string?>("--schema", "-s")
        {
            Description = "The columns: \"name type [not null] [comment '...'], ...\". Types: string, long, integer, short, byte, float, double, "
                + "decimal(p,s), boolean, binary, date, timestamp, timestamp_ntz, array<T>, map<K,V>, struct<name: T, ...>.",
        };
        var schemaFile = new Option<string?>("--schema-file") { Description = "A file holding a Delta schema JSON ({\"type\":\"struct\",\"fields\":[...]}), e.g. the schemaJson of `deltalite describe --json`." };
        var partitionBy = new Option<string[]>("--partition-by", "-p")
        {
            Description = "Partition columns (comma-separated, or the option repeated).",
            AllowMultipleArgumentsPerToken = false,
        };
        var property = new Option<string[]>("--property")
        {
            Description = "A table property KEY=VALUE (repeatable), e.g. delta.checkpointInterval=20, delta.appendOnly=true.",
        };
        var name = new Option<string?>("--name") { Description = "The table's name (metaData.name)." };
        var description = new Option<string?>("--description") { Description = "The table's description (metaData.description)." };
        var json = TableOptions.Json("Print a JSON summary (table, version, columns) instead of a line of text.");
        var cmd = new Command("create", """
            Create an empty Delta table (version 0) with the lowest protocol its features need.

            Examples:
              deltalite create /data/loans --schema "id long not null, name string, amount decimal(12,2), day date" --partition-by day
              deltalite create /data/events --schema "id long, at timestamp, tags array<string>, props map<string,string>" \
                  --property delta.checkpointInterval=20 --description "Raw events"
              deltalite describe /data/loans --json | jq .schemaJson > loans.schema.json
              deltalite create /data/loans_copy --schema-file loans.schema.json
            """)
        {
            table, schema, schemaFile, partitionBy, property, name, description, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            string? inline = parse.GetValue(schema);
            string? file = parse.GetValue(schemaFile);
            if (inline is null == file is null) throw new UserException("give the columns with either --schema \"...\" or --schema-file FILE.");
            Parquet.Schema columns;
            if (inline is not null)
            {
                columns = ColumnListParser.Parse(inline);
            }
            else
            {
                string text;
                try
                {
                    text = await File.ReadAllTextAsync(file!, ct);
                }
                catch (FileNotFoundException)
                {
                    throw new UserException($"--schema-file: {file} does not exist.");
                }
                try
                {
                    columns = DeltaSchema.Parse(text);
                }
                catch (Exception e) when (e is DeltaSchemaException or System.Text.Json.JsonException or FormatException)
                {
                    throw new UserException($"--schema-file {file}: not a Delta schema JSON: {CommandRunner.OneLine(e.Message)}");
                }
            }

            var partitions = (parse.GetValue(partitionBy) ?? [])
                .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in parse.GetValue(property) ?? [])
            {
                int eq = kv.IndexOf('=');
                if (eq <= 0) throw new UserException($"--property '{kv}' is not KEY=VALUE.");
                string key = kv[..eq].Trim();
                if (!properties.TryAdd(key, kv[(eq + 1)..].Trim())) throw new UserException($"--property {key} is given twice.");
            }

            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var result = await t.CreateAsync(columns, new CreateTableOptions
            {
                PartitionColumns = partitions,
                Properties = properties,
                Name = parse.GetValue(name),
                Description = parse.GetValue(description),
            }, ct);

            if (parse.GetValue(json))
            {
                JsonOutput.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("table", t.Location);
                    w.WriteNumber("version", result.Version);
                    w.WriteStartArray("columns");
                    foreach (var f in columns.Fields)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", f.Name);
                        w.WriteString("type", DeltaSchema.TypeName(f.Type));
                        w.WriteBoolean("nullable", f.Nullable);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("partitionColumns");
                    foreach (var p in partitions) w.WriteStringValue(p);
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"created {t.Location} at version {result.Version}: {columns.Count} column{(columns.Count == 1 ? "" : "s")}"
                    + (partitions.Count > 0 ? $", partitioned by {string.Join(", ", partitions)}" : ""));
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
