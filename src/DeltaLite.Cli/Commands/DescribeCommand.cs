using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DeltaLite.Parquet;
using DeltaLite.Schema;
using DeltaLite.Snapshots;

namespace DeltaLite.Cli.Commands;

/// <summary>`deltalite describe`: schema, partitioning, properties, protocol, files, size and rows of a version.</summary>
internal static class DescribeCommand
{
    public static Command Create()
    {
        var table = TableOptions.Table();
        var version = TableOptions.Version();
        var asOf = TableOptions.AsOf();
        var json = TableOptions.Json("Print a JSON object; its \"schemaJson\" member is the Delta schema, usable with `deltalite create --schema-file`.");
        var cmd = new Command("describe", """
            Describe a version of a table: schema (names, types with nested fields, nullability), partition columns,
            properties, protocol and table features, file count and size, row count, version and commit time, and
            the names of its domain metadata.

            Examples:
              deltalite describe /data/loans
              deltalite describe /data/loans --version 0
              deltalite describe /data/loans --json | jq .schemaJson > loans.schema.json
            """)
        {
            table, version, asOf, json,
        };
        cmd.SetRunner(async (parse, ct) =>
        {
            await using var t = await TableOptions.OpenAsync(parse.GetValue(table), ct);
            var s = await TableOptions.SnapshotAsync(t, parse.GetValue(version), parse.GetValue(asOf), ct);
            long rows = await s.CountRowsAsync(null, ct);
            if (parse.GetValue(json)) WriteJson(t.Location, s, rows);
            else Console.Write(Text(t.Location, s, rows));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string Text(string location, Snapshot s, long rows)
    {
        var m = s.Metadata;
        var p = s.Protocol;
        var sb = new StringBuilder();
        void Line(string label, string value) => sb.Append((label + ":").PadRight(16)).Append(value).Append('\n');
        Line("table", location);
        Line("version", $"{s.Version} (committed {TableOptions.Time(s.Timestamp)})");
        if (m.Name is not null) Line("name", m.Name);
        if (m.Description is not null) Line("description", m.Description);
        Line("id", m.Id);
        if (m.CreatedTime is long created) Line("created", TableOptions.Time(DateTimeOffset.FromUnixTimeMilliseconds(created)));
        Line("format", m.Format.Provider);
        Line("files", string.Create(CultureInfo.InvariantCulture, $"{s.Files.Count:N0} ({TableOptions.Bytes(s.TotalBytes)}, {s.TotalBytes:N0} bytes)"));
        Line("rows", rows.ToString("N0", CultureInfo.InvariantCulture));
        Line("partitioned by", s.PartitionColumns.Count == 0 ? "(not partitioned)" : string.Join(", ", s.PartitionColumns));
        string features = string.Join(", ", (p.ReaderFeatures ?? []).Select(f => f + " (reader)").Concat((p.WriterFeatures ?? []).Except(p.ReaderFeatures ?? []).Select(f => f + " (writer)")));
        Line("protocol", $"reader {p.MinReaderVersion}, writer {p.MinWriterVersion}" + (features.Length > 0 ? "; features: " + features : ""));
        if (s.ColumnMapping != ColumnMappingMode.None) Line("column mapping", s.ColumnMapping.ToString().ToLowerInvariant());
        Line("domains", s.Domains.Count == 0 ? "(none)" : string.Join(", ", s.Domains.Keys.Order(StringComparer.Ordinal)));
        if (s.Transactions.Count > 0)
            Line("applications", string.Join(", ", s.Transactions.Values.OrderBy(x => x.AppId, StringComparer.Ordinal).Select(x => $"{x.AppId} @ {x.Version}")));
        if (m.Configuration.Count == 0) Line("properties", "(none)");
        else
        {
            sb.Append("properties:\n");
            foreach (var kv in m.Configuration.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append("  ").Append(kv.Key).Append(" = ").Append(kv.Value).Append('\n');
        }
        sb.Append("schema:\n");
        var view = new TextTable().Column("column").Column("type").Column("nullable");
        foreach (var f in s.Schema.Fields) AddField(view, f, 0, s.PartitionColumns.Contains(f.Name));
        foreach (var line in view.Plain().Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.Append("  ").Append(line).Append('\n');
        return sb.ToString();
    }

    /// <summary>A row per field; nested fields (struct members, array elements, map keys and values) indented below.</summary>
    private static void AddField(TextTable view, Field f, int depth, bool partition = false)
    {
        string indent = new(' ', depth * 2);
        view.Row(indent + f.Name + (partition ? " (partition)" : ""), ShortType(f.Type), f.Nullable ? "yes" : "no");
        foreach (var child in Children(f.Type)) AddField(view, child, depth + 1);
    }

    private static IEnumerable<Field> Children(DataType type) => type switch
    {
        StructType st => st.Fields,
        ListType l when !l.Element.Type.IsPrimitive => [l.Element],
        MapType mt when !mt.Key.Type.IsPrimitive || !mt.Value.Type.IsPrimitive => [mt.Key, mt.Value],
        _ => [],
    };

    /// <summary>Primitive and fully primitive nested types spelled out; nested ones with children shown as their kind.</summary>
    private static string ShortType(DataType type) => type switch
    {
        StructType => "struct",
        ListType l when !l.Element.Type.IsPrimitive => "array",
        MapType mt when !mt.Key.Type.IsPrimitive || !mt.Value.Type.IsPrimitive => "map",
        _ => DeltaSchema.TypeName(type),
    };

    private static void WriteJson(string location, Snapshot s, long rows)
    {
        var m = s.Metadata;
        var p = s.Protocol;
        JsonOutput.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("table", location);
            w.WriteNumber("version", s.Version);
            w.WriteString("timestamp", TableOptions.Time(s.Timestamp));
            w.WriteString("id", m.Id);
            w.StringOrNull("name", m.Name);
            w.StringOrNull("description", m.Description);
            if (m.CreatedTime is long created) w.WriteString("createdTime", TableOptions.Time(DateTimeOffset.FromUnixTimeMilliseconds(created)));
            else w.WriteNull("createdTime");
            w.WriteString("format", m.Format.Provider);
            w.WriteNumber("numFiles", s.Files.Count);
            w.WriteNumber("sizeInBytes", s.TotalBytes);
            w.WriteNumber("numRows", rows);
            w.WriteStartArray("partitionColumns");
            foreach (var c in s.PartitionColumns) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteStartObject("properties");
            foreach (var kv in m.Configuration.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(kv.Key, kv.Value);
            w.WriteEndObject();
            w.WriteStartObject("protocol");
            w.WriteNumber("minReaderVersion", p.MinReaderVersion);
            w.WriteNumber("minWriterVersion", p.MinWriterVersion);
            WriteList(w, "readerFeatures", p.ReaderFeatures);
            WriteList(w, "writerFeatures", p.WriterFeatures);
            w.WriteEndObject();
            w.WriteString("columnMapping", s.ColumnMapping.ToString().ToLowerInvariant());
            w.WriteStartArray("domains");
            foreach (var d in s.Domains.Keys.Order(StringComparer.Ordinal)) w.WriteStringValue(d);
            w.WriteEndArray();
            w.WriteStartObject("applicationTransactions");
            foreach (var txn in s.Transactions.Values.OrderBy(x => x.AppId, StringComparer.Ordinal)) w.WriteNumber(txn.AppId, txn.Version);
            w.WriteEndObject();
            w.WriteStartArray("schema");
            foreach (var f in s.Schema.Fields) WriteField(w, f, s.PartitionColumns.Contains(f.Name));
            w.WriteEndArray();
            w.WritePropertyName("schemaJson");
            using (var doc = JsonDocument.Parse(m.SchemaString)) doc.WriteTo(w);
            w.WriteEndObject();
        });
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void WriteField(Utf8JsonWriter w, Field f, bool partition = false)
    {
        w.WriteStartObject();
        w.WriteString("name", f.Name);
        WriteTypeMembers(w, f.Type);
        w.WriteBoolean("nullable", f.Nullable);
        if (partition) w.WriteBoolean("partition", true);
        if (f.Metadata.Count > 0)
        {
            w.WriteStartObject("metadata");
            foreach (var kv in f.Metadata.RawJson)
            {
                w.WritePropertyName(kv.Key);
                using var doc = JsonDocument.Parse(kv.Value);
                doc.WriteTo(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>"type" (the Delta type name) and the nested parts: "fields" of a struct, "element" of an array, "key" and "value" of a map.</summary>
    private static void WriteTypeMembers(Utf8JsonWriter w, DataType type)
    {
        w.WriteString("type", DeltaSchema.TypeName(type));
        switch (type)
        {
            case StructType st:
                w.WriteStartArray("fields");
                foreach (var child in st.Fields) WriteField(w, child);
                w.WriteEndArray();
                break;
            case ListType l:
                w.WriteStartObject("element");
                WriteTypeMembers(w, l.Element.Type);
                w.WriteBoolean("nullable", l.Element.Nullable);
                w.WriteEndObject();
                break;
            case MapType mt:
                w.WriteStartObject("key");
                WriteTypeMembers(w, mt.Key.Type);
                w.WriteEndObject();
                w.WriteStartObject("value");
                WriteTypeMembers(w, mt.Value.Type);
                w.WriteBoolean("nullable", mt.Value.Nullable);
                w.WriteEndObject();
                break;
        }
    }
}
