using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DeltaLite.Parquet;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite parquet schema|meta|cat`: inspect any Parquet file.</summary>
internal static class ParquetCommands
{
    public static Command Create()
    {
        var parquet = new Command("parquet", "Inspect Parquet files: schema, metadata, rows.");
        parquet.Subcommands.Add(Schema());
        parquet.Subcommands.Add(Meta());
        parquet.Subcommands.Add(Cat());
        return parquet;
    }

    private static Argument<string> FileArgument() => new("file") { Description = "Path of the Parquet file." };

    private static Command Schema()
    {
        var file = FileArgument();
        var json = new Option<bool>("--json") { Description = "Print the schema as JSON." };
        var cmd = new Command("schema", "Print the logical schema and the Parquet schema of a file.\n\nExample:\n  deltalite parquet schema part-0000.parquet") { file, json };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var reader = await ParquetReader.OpenAsync(parse.GetValue(file)!, ct);
            if (parse.GetValue(json))
            {
                using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
                w.WriteStartArray();
                foreach (var f in reader.Schema.Fields) WriteField(w, f);
                w.WriteEndArray();
                w.Flush();
                Console.WriteLine();
                return ExitCodes.Success;
            }
            var sb = new StringBuilder();
            sb.AppendLine("message schema {");
            var elements = reader.Metadata.Schema;
            int pos = 1;
            for (int i = 0; i < (elements[0].NumChildren ?? 0); i++) pos = AppendElement(sb, elements, pos, 1);
            sb.AppendLine("}");
            Console.Write(sb.ToString());
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static void WriteField(Utf8JsonWriter w, Field f)
    {
        w.WriteStartObject();
        w.WriteString("name", f.Name);
        w.WriteString("type", f.Type.ToString());
        w.WriteBoolean("nullable", f.Nullable);
        if (f.FieldId is int id) w.WriteNumber("fieldId", id);
        w.WriteEndObject();
    }

    private static int AppendElement(StringBuilder sb, List<SchemaElement> elements, int pos, int depth)
    {
        if (pos >= elements.Count) return pos;
        var e = elements[pos];
        string indent = new(' ', depth * 2);
        string rep = (e.RepetitionType ?? FieldRepetitionType.Optional).ToString().ToLowerInvariant();
        string annotation = Annotation(e);
        if (e.Type is null || (e.NumChildren ?? 0) > 0)
        {
            sb.Append(indent).Append(rep).Append(" group ").Append(e.Name).Append(annotation).AppendLine(" {");
            int next = pos + 1;
            for (int i = 0; i < (e.NumChildren ?? 0); i++) next = AppendElement(sb, elements, next, depth + 1);
            sb.Append(indent).AppendLine("}");
            return next;
        }
        string type = e.Type.Value switch
        {
            PhysicalType.FixedLenByteArray => $"fixed_len_byte_array({e.TypeLength})",
            _ => e.Type.Value.ToString().ToLowerInvariant() switch { "bytearray" => "binary", var s => s },
        };
        sb.Append(indent).Append(rep).Append(' ').Append(type).Append(' ').Append(e.Name).Append(annotation);
        if (e.FieldId is int id) sb.Append(" = ").Append(id);
        sb.AppendLine(";");
        return pos + 1;
    }

    private static string Annotation(SchemaElement e)
    {
        var l = e.LogicalType;
        if (l is not null)
        {
            return " (" + l.Kind switch
            {
                LogicalTypeKind.Decimal => $"DECIMAL({l.Precision},{l.Scale})",
                LogicalTypeKind.Timestamp => $"TIMESTAMP({l.Unit.ToString().ToUpperInvariant()},{(l.IsAdjustedToUtc ? "true" : "false")})",
                LogicalTypeKind.Time => $"TIME({l.Unit.ToString().ToUpperInvariant()},{(l.IsAdjustedToUtc ? "true" : "false")})",
                LogicalTypeKind.Integer => $"INTEGER({l.BitWidth},{(l.IsSigned ? "true" : "false")})",
                var k => k.ToString().ToUpperInvariant(),
            } + ")";
        }
        if (e.ConvertedType is ConvertedType c)
            return c == ConvertedType.Decimal ? $" (DECIMAL({e.Precision},{e.Scale}))" : $" ({c.ToString().ToUpperInvariant()})";
        return "";
    }

    private static Command Meta()
    {
        var file = FileArgument();
        var json = new Option<bool>("--json") { Description = "Print the footer as JSON." };
        var cmd = new Command("meta", "Print a file's footer: row groups, column chunks, sizes, codecs, encodings and statistics.\n\nExample:\n  deltalite parquet meta part-0000.parquet") { file, json };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var reader = await ParquetReader.OpenAsync(parse.GetValue(file)!, ct);
            var m = reader.Metadata;
            if (parse.GetValue(json))
            {
                WriteMetaJson(reader);
                return ExitCodes.Success;
            }
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"file:        {reader.Name}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"created_by:  {m.CreatedBy}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"version:     {m.Version}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"rows:        {m.NumRows}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"row groups:  {m.RowGroups.Count}");
            if (m.KeyValueMetadata is { Count: > 0 })
            {
                sb.AppendLine("key/value metadata:");
                foreach (var kv in m.KeyValueMetadata)
                    sb.AppendLine(CultureInfo.InvariantCulture, $"  {kv.Key} = {Shorten(kv.Value ?? "", 120)}");
            }
            var paths = reader.LeafPaths;
            for (int g = 0; g < m.RowGroups.Count; g++)
            {
                var rg = m.RowGroups[g];
                sb.AppendLine(CultureInfo.InvariantCulture, $"row group {g}: {rg.NumRows} rows, {rg.TotalByteSize} bytes uncompressed, {rg.TotalCompressedSize?.ToString(CultureInfo.InvariantCulture) ?? "?"} compressed");
                for (int c = 0; c < rg.Columns.Count; c++)
                {
                    var cm = rg.Columns[c].MetaData;
                    if (cm is null) continue;
                    var stats = reader.GetStatistics(g, paths[c]);
                    string line = string.Create(CultureInfo.InvariantCulture,
                        $"  {paths[c]}: {cm.Type} {cm.Codec} [{string.Join(",", cm.Encodings)}] values={cm.NumValues} size={cm.TotalCompressedSize}/{cm.TotalUncompressedSize}");
                    if (stats is not null)
                        line += string.Create(CultureInfo.InvariantCulture, $" nulls={stats.NullCount?.ToString(CultureInfo.InvariantCulture) ?? "?"} min={Show(stats.Min)} max={Show(stats.Max)}");
                    sb.AppendLine(line);
                }
            }
            Console.Write(sb.ToString());
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static void WriteMetaJson(ParquetReader reader)
    {
        var m = reader.Metadata;
        var paths = reader.LeafPaths;
        using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("file", reader.Name);
        w.WriteString("createdBy", m.CreatedBy);
        w.WriteNumber("version", m.Version);
        w.WriteNumber("numRows", m.NumRows);
        w.WriteStartArray("rowGroups");
        for (int g = 0; g < m.RowGroups.Count; g++)
        {
            var rg = m.RowGroups[g];
            w.WriteStartObject();
            w.WriteNumber("numRows", rg.NumRows);
            w.WriteNumber("totalByteSize", rg.TotalByteSize);
            w.WriteStartArray("columns");
            for (int c = 0; c < rg.Columns.Count; c++)
            {
                var cm = rg.Columns[c].MetaData;
                if (cm is null) continue;
                w.WriteStartObject();
                w.WriteString("path", paths[c]);
                w.WriteString("type", cm.Type.ToString());
                w.WriteString("codec", cm.Codec.ToString());
                w.WriteStartArray("encodings");
                foreach (var e in cm.Encodings) w.WriteStringValue(e.ToString());
                w.WriteEndArray();
                w.WriteNumber("numValues", cm.NumValues);
                w.WriteNumber("compressedSize", cm.TotalCompressedSize);
                w.WriteNumber("uncompressedSize", cm.TotalUncompressedSize);
                var stats = reader.GetStatistics(g, paths[c]);
                if (stats is not null)
                {
                    if (stats.NullCount is long nc) w.WriteNumber("nullCount", nc);
                    w.WriteString("min", stats.Min is null ? null : Show(stats.Min));
                    w.WriteString("max", stats.Max is null ? null : Show(stats.Max));
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        Console.WriteLine();
    }

    private static string Show(object? v) => v switch
    {
        null => "null",
        byte[] b => Convert.ToBase64String(b),
        DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Shorten(v.ToString() ?? "", 64),
    };

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private static Command Cat()
    {
        var file = FileArgument();
        var columns = new Option<string?>("--columns", "-c") { Description = "Comma-separated top-level columns to print (default: all)." };
        var limit = new Option<long?>("--limit", "-n") { Description = "Print at most this many rows." };
        var format = new Option<string>("--format", "-f") { Description = "jsonl (canonical rows) or csv.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var cmd = new Command("cat", "Print the rows of a Parquet file.\n\nExamples:\n  deltalite parquet cat part-0000.parquet --limit 5\n  deltalite parquet cat part-0000.parquet --columns id,loan_amnt --format csv") { file, columns, limit, format };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var reader = await ParquetReader.OpenAsync(parse.GetValue(file)!, ct);
            var cols = parse.GetValue(columns)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            long remaining = parse.GetValue(limit) ?? long.MaxValue;
            if (remaining < 0) throw new UserException("--limit must not be negative.");
            bool csv = parse.GetValue(format) == "csv";
            await using var stdout = Console.OpenStandardOutput();
            using var buffered = new BufferedStream(stdout, 1 << 16);
            bool header = true;
            await foreach (var batch in reader.ReadAsync(cols, null, ct))
            {
                if (remaining <= 0) break;
                int take = (int)Math.Min(batch.RowCount, remaining);
                if (csv)
                {
                    CsvRows.Write(batch, buffered, 0, take, header);
                    header = false;
                }
                else
                {
                    CanonicalJson.WriteLines(batch, buffered, 0, take);
                }
                remaining -= take;
            }
            if (csv && header) CsvRows.WriteHeader(reader.Schema, cols, buffered);
            buffered.Flush();
            return ExitCodes.Success;
        });
        return cmd;
    }
}
