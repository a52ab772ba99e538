using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaLite.DeletionVectors;

namespace DeltaLite.Actions;

/// <summary>
/// Reads and writes actions as newline-delimited JSON, the format of commit files. Unknown actions and unknown
/// fields are skipped (forward compatibility); optional fields are omitted when unset; partition values are strings.
/// </summary>
public static class ActionSerializer
{
    /// <summary>The schema string of a table without columns.</summary>
    public const string EmptySchemaString = "{\"type\":\"struct\",\"fields\":[]}";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>Parses a whole commit file; <paramref name="source"/> names it in errors.</summary>
    public static List<DeltaAction> ParseCommit(ReadOnlySpan<byte> content, string source)
    {
        var actions = new List<DeltaAction>();
        int line = 0;
        while (!content.IsEmpty)
        {
            line++;
            int nl = content.IndexOf((byte)'\n');
            var text = nl < 0 ? content : content[..nl];
            content = nl < 0 ? default : content[(nl + 1)..];
            if (text.Length > 0 && text[^1] == (byte)'\r') text = text[..^1];
            if (IsBlank(text)) continue;
            try
            {
                ParseLine(text, actions);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
            {
                throw new DeltaLogException($"{source}, line {line}: {e.Message}", e);
            }
        }
        return actions;
    }

    private static bool IsBlank(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }

    private static void ParseLine(ReadOnlySpan<byte> text, List<DeltaAction> actions)
    {
        var r = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = 256 });
        Expect(ref r, JsonTokenType.StartObject, "an action object");
        while (true)
        {
            Read(ref r);
            if (r.TokenType == JsonTokenType.EndObject) break;
            string key = r.GetString()!;
            Read(ref r);
            if (r.TokenType == JsonTokenType.Null) continue;
            DeltaAction? action = key switch
            {
                "add" => ReadAdd(ref r),
                "remove" => ReadRemove(ref r),
                "metaData" => ReadMetadata(ref r),
                "protocol" => ReadProtocol(ref r),
                "txn" => ReadTxn(ref r),
                "commitInfo" => new CommitInfoAction(JsonNode.Parse(ref r) as JsonObject ?? throw new JsonException("commitInfo is not an object.")),
                "cdc" => ReadCdc(ref r),
                "domainMetadata" => ReadDomainMetadata(ref r),
                "checkpointMetadata" => ReadCheckpointMetadata(ref r),
                "sidecar" => ReadSidecar(ref r),
                _ => Skip(ref r),
            };
            if (action is not null) actions.Add(action);
        }
        if (r.Read()) throw new JsonException($"unexpected content after the action at byte {r.TokenStartIndex}.");
    }

    private static DeltaAction? Skip(ref Utf8JsonReader r)
    {
        r.Skip();
        return null;
    }

    private static void Read(ref Utf8JsonReader r)
    {
        if (!r.Read()) throw new JsonException("the line ends inside an action.");
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type, string what)
    {
        if (r.TokenType == JsonTokenType.None) Read(ref r);
        if (r.TokenType != type) throw new JsonException($"expected {what} at byte {r.TokenStartIndex}, found {r.TokenType}.");
    }

    /// <summary>Receives each member of an object with the reader positioned on its value.</summary>
    private delegate void MemberReader(string name, ref Utf8JsonReader r);

    private static void Members(ref Utf8JsonReader r, string what, MemberReader member)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw new JsonException($"{what} must be an object (byte {r.TokenStartIndex}).");
        while (true)
        {
            Read(ref r);
            if (r.TokenType == JsonTokenType.EndObject) return;
            string name = r.GetString()!;
            Read(ref r);
            member(name, ref r);
        }
    }

    private static string Str(ref Utf8JsonReader r, string field) => r.TokenType switch
    {
        JsonTokenType.String => r.GetString()!,
        _ => throw new JsonException($"'{field}' must be a string (byte {r.TokenStartIndex})."),
    };

    private static string? StrOrNull(ref Utf8JsonReader r, string field) => r.TokenType == JsonTokenType.Null ? null : Str(ref r, field);

    private static long Long(ref Utf8JsonReader r, string field) => r.TokenType switch
    {
        JsonTokenType.Number => r.GetInt64(),
        JsonTokenType.String when long.TryParse(r.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new JsonException($"'{field}' must be an integer (byte {r.TokenStartIndex})."),
    };

    private static long? LongOrNull(ref Utf8JsonReader r, string field) => r.TokenType == JsonTokenType.Null ? null : Long(ref r, field);

    private static bool Bool(ref Utf8JsonReader r, string field) => r.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String when bool.TryParse(r.GetString(), out var b) => b,
        _ => throw new JsonException($"'{field}' must be a boolean (byte {r.TokenStartIndex})."),
    };

    private static Dictionary<string, string?> StringMap(ref Utf8JsonReader r, string field)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (r.TokenType == JsonTokenType.Null) return map;
        Members(ref r, field, (string name, ref Utf8JsonReader v) =>
        {
            map[name] = v.TokenType switch
            {
                JsonTokenType.Null => null,
                JsonTokenType.String => v.GetString(),
                JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => Encoding.UTF8.GetString(v.ValueSpan),
                _ => throw new JsonException($"'{field}.{name}' must be a string or null (byte {v.TokenStartIndex})."),
            };
        });
        return map;
    }

    private static List<string> StringList(ref Utf8JsonReader r, string field)
    {
        var list = new List<string>();
        if (r.TokenType == JsonTokenType.Null) return list;
        if (r.TokenType != JsonTokenType.StartArray) throw new JsonException($"'{field}' must be an array (byte {r.TokenStartIndex}).");
        while (true)
        {
            Read(ref r);
            if (r.TokenType == JsonTokenType.EndArray) return list;
            list.Add(Str(ref r, field));
        }
    }

    private static T Required<T>(T? value, string action, string field) where T : class =>
        value ?? throw new JsonException($"{action} has no '{field}'.");

    private static T Required<T>(T? value, string action, string field) where T : struct =>
        value ?? throw new JsonException($"{action} has no '{field}'.");

    private static DeletionVectorDescriptor? ReadDv(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        string? type = null, path = null;
        int? offset = null;
        int? size = null;
        long? card = null;
        Members(ref r, "deletionVector", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "storageType": type = Str(ref v, n); break;
                case "pathOrInlineDv": path = Str(ref v, n); break;
                case "offset": offset = v.TokenType == JsonTokenType.Null ? null : checked((int)Long(ref v, n)); break;
                case "sizeInBytes": size = checked((int)Long(ref v, n)); break;
                case "cardinality": card = Long(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new DeletionVectorDescriptor(Required(type, "deletionVector", "storageType"), Required(path, "deletionVector", "pathOrInlineDv"),
            offset, Required(size, "deletionVector", "sizeInBytes"), Required(card, "deletionVector", "cardinality"));
    }

    private static AddFile ReadAdd(ref Utf8JsonReader r)
    {
        string? path = null, stats = null, clustering = null;
        Dictionary<string, string?>? pv = null, tags = null;
        long? size = null, mtime = null, baseRowId = null, defaultRowCommitVersion = null;
        bool? dataChange = null;
        DeletionVectorDescriptor? dv = null;
        Members(ref r, "add", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "path": path = Str(ref v, n); break;
                case "partitionValues": pv = StringMap(ref v, n); break;
                case "size": size = Long(ref v, n); break;
                case "modificationTime": mtime = Long(ref v, n); break;
                case "dataChange": dataChange = Bool(ref v, n); break;
                case "stats": stats = StrOrNull(ref v, n); break;
                case "tags": tags = v.TokenType == JsonTokenType.Null ? null : StringMap(ref v, n); break;
                case "deletionVector": dv = ReadDv(ref v); break;
                case "baseRowId": baseRowId = LongOrNull(ref v, n); break;
                case "defaultRowCommitVersion": defaultRowCommitVersion = LongOrNull(ref v, n); break;
                case "clusteringProvider": clustering = StrOrNull(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new AddFile(Required(path, "add", "path"), pv ?? new Dictionary<string, string?>(), Required(size, "add", "size"),
            mtime ?? 0, dataChange ?? true, stats, tags, dv, baseRowId, defaultRowCommitVersion, clustering);
    }

    private static RemoveFile ReadRemove(ref Utf8JsonReader r)
    {
        string? path = null, stats = null;
        Dictionary<string, string?>? pv = null, tags = null;
        long? size = null, ts = null, baseRowId = null, defaultRowCommitVersion = null;
        bool? dataChange = null, extended = null;
        DeletionVectorDescriptor? dv = null;
        Members(ref r, "remove", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "path": path = Str(ref v, n); break;
                case "deletionTimestamp": ts = LongOrNull(ref v, n); break;
                case "dataChange": dataChange = Bool(ref v, n); break;
                case "extendedFileMetadata": extended = v.TokenType == JsonTokenType.Null ? null : Bool(ref v, n); break;
                case "partitionValues": pv = v.TokenType == JsonTokenType.Null ? null : StringMap(ref v, n); break;
                case "size": size = LongOrNull(ref v, n); break;
                case "stats": stats = StrOrNull(ref v, n); break;
                case "tags": tags = v.TokenType == JsonTokenType.Null ? null : StringMap(ref v, n); break;
                case "deletionVector": dv = ReadDv(ref v); break;
                case "baseRowId": baseRowId = LongOrNull(ref v, n); break;
                case "defaultRowCommitVersion": defaultRowCommitVersion = LongOrNull(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new RemoveFile(Required(path, "remove", "path"), ts, dataChange ?? true, extended, pv, size, stats, tags, dv, baseRowId, defaultRowCommitVersion);
    }

    private static MetadataAction ReadMetadata(ref Utf8JsonReader r)
    {
        string? id = null, name = null, description = null, schema = null;
        FormatSpec? format = null;
        List<string>? partitions = null;
        long? created = null;
        Dictionary<string, string?>? config = null;
        Members(ref r, "metaData", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "id": id = Str(ref v, n); break;
                case "name": name = StrOrNull(ref v, n); break;
                case "description": description = StrOrNull(ref v, n); break;
                case "schemaString": schema = Str(ref v, n); break;
                case "partitionColumns": partitions = StringList(ref v, n); break;
                case "createdTime": created = LongOrNull(ref v, n); break;
                case "configuration": config = StringMap(ref v, n); break;
                case "format":
                    {
                        string provider = "parquet";
                        Dictionary<string, string?> options = [];
                        Members(ref v, "format", (string fn, ref Utf8JsonReader fv) =>
                        {
                            if (fn == "provider") provider = Str(ref fv, "format.provider");
                            else if (fn == "options") options = StringMap(ref fv, "format.options");
                            else fv.Skip();
                        });
                        format = new FormatSpec(provider, options.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!));
                        break;
                    }
                default: v.Skip(); break;
            }
        });
        var configuration = (config ?? []).Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal);
        // Databricks DLT writes a first metaData without a schema for a table that has none yet: read it as empty.
        return new MetadataAction(Required(id, "metaData", "id"), name, description, format ?? FormatSpec.Parquet,
            schema ?? EmptySchemaString, partitions ?? [], created, configuration);
    }

    private static ProtocolAction ReadProtocol(ref Utf8JsonReader r)
    {
        int? reader = null, writer = null;
        List<string>? rf = null, wf = null;
        Members(ref r, "protocol", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "minReaderVersion": reader = checked((int)Long(ref v, n)); break;
                case "minWriterVersion": writer = checked((int)Long(ref v, n)); break;
                case "readerFeatures": rf = v.TokenType == JsonTokenType.Null ? null : StringList(ref v, n); break;
                case "writerFeatures": wf = v.TokenType == JsonTokenType.Null ? null : StringList(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new ProtocolAction(Required(reader, "protocol", "minReaderVersion"), Required(writer, "protocol", "minWriterVersion"), rf, wf);
    }

    private static SetTransaction ReadTxn(ref Utf8JsonReader r)
    {
        string? app = null;
        long? version = null, updated = null;
        Members(ref r, "txn", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "appId": app = Str(ref v, n); break;
                case "version": version = Long(ref v, n); break;
                case "lastUpdated": updated = LongOrNull(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new SetTransaction(Required(app, "txn", "appId"), Required(version, "txn", "version"), updated);
    }

    private static AddCdcFile ReadCdc(ref Utf8JsonReader r)
    {
        string? path = null;
        Dictionary<string, string?>? pv = null, tags = null;
        long? size = null;
        bool? dataChange = null;
        Members(ref r, "cdc", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "path": path = Str(ref v, n); break;
                case "partitionValues": pv = StringMap(ref v, n); break;
                case "size": size = Long(ref v, n); break;
                case "dataChange": dataChange = Bool(ref v, n); break;
                case "tags": tags = v.TokenType == JsonTokenType.Null ? null : StringMap(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new AddCdcFile(Required(path, "cdc", "path"), pv ?? [], Required(size, "cdc", "size"), dataChange ?? false, tags);
    }

    private static DomainMetadataAction ReadDomainMetadata(ref Utf8JsonReader r)
    {
        string? domain = null, config = null;
        bool removed = false;
        Members(ref r, "domainMetadata", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "domain": domain = Str(ref v, n); break;
                case "configuration": config = Str(ref v, n); break;
                case "removed": removed = Bool(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new DomainMetadataAction(Required(domain, "domainMetadata", "domain"), config ?? "", removed);
    }

    private static CheckpointMetadataAction ReadCheckpointMetadata(ref Utf8JsonReader r)
    {
        long? version = null;
        Dictionary<string, string?>? tags = null;
        Members(ref r, "checkpointMetadata", (string n, ref Utf8JsonReader v) =>
        {
            if (n == "version") version = Long(ref v, n);
            else if (n == "tags") tags = v.TokenType == JsonTokenType.Null ? null : StringMap(ref v, n);
            else v.Skip();
        });
        return new CheckpointMetadataAction(Required(version, "checkpointMetadata", "version"), tags);
    }

    private static SidecarAction ReadSidecar(ref Utf8JsonReader r)
    {
        string? path = null;
        long? size = null, mtime = null;
        Dictionary<string, string?>? tags = null;
        Members(ref r, "sidecar", (string n, ref Utf8JsonReader v) =>
        {
            switch (n)
            {
                case "path": path = Str(ref v, n); break;
                case "sizeInBytes": size = Long(ref v, n); break;
                case "modificationTime": mtime = Long(ref v, n); break;
                case "tags": tags = v.TokenType == JsonTokenType.Null ? null : StringMap(ref v, n); break;
                default: v.Skip(); break;
            }
        });
        return new SidecarAction(Required(path, "sidecar", "path"), Required(size, "sidecar", "sizeInBytes"), mtime ?? 0, tags);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /// <summary>The actions as a commit file: one JSON object per line, each line ending in '\n'.</summary>
    public static byte[] WriteCommit(IEnumerable<DeltaAction> actions)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var w = new Utf8JsonWriter(buffer, WriterOptions);
        foreach (var a in actions)
        {
            WriteAction(w, a);
            w.Flush();
            buffer.Write("\n"u8);
            w.Reset(buffer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One action as a JSON object ({"add": {...}}).</summary>
    public static void WriteAction(Utf8JsonWriter w, DeltaAction action)
    {
        w.WriteStartObject();
        switch (action)
        {
            case AddFile a:
                w.WritePropertyName("add");
                WriteAddBody(w, a);
                break;
            case RemoveFile rm:
                w.WriteStartObject("remove");
                w.WriteString("path", rm.Path);
                if (rm.DeletionTimestamp is long ts) w.WriteNumber("deletionTimestamp", ts);
                w.WriteBoolean("dataChange", rm.DataChange);
                if (rm.ExtendedFileMetadata is bool ext) w.WriteBoolean("extendedFileMetadata", ext);
                if (rm.PartitionValues is not null) WriteMap(w, "partitionValues", rm.PartitionValues);
                if (rm.Size is long size) w.WriteNumber("size", size);
                if (rm.Stats is not null) w.WriteString("stats", rm.Stats);
                if (rm.Tags is not null) WriteMap(w, "tags", rm.Tags);
                if (rm.DeletionVector is not null) WriteDv(w, rm.DeletionVector);
                if (rm.BaseRowId is long b) w.WriteNumber("baseRowId", b);
                if (rm.DefaultRowCommitVersion is long d) w.WriteNumber("defaultRowCommitVersion", d);
                w.WriteEndObject();
                break;
            case MetadataAction m:
                w.WriteStartObject("metaData");
                w.WriteString("id", m.Id);
                if (m.Name is not null) w.WriteString("name", m.Name);
                if (m.Description is not null) w.WriteString("description", m.Description);
                w.WriteStartObject("format");
                w.WriteString("provider", m.Format.Provider);
                w.WriteStartObject("options");
                foreach (var kv in m.Format.Options) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteString("schemaString", m.SchemaString);
                w.WriteStartArray("partitionColumns");
                foreach (var c in m.PartitionColumns) w.WriteStringValue(c);
                w.WriteEndArray();
                w.WriteStartObject("configuration");
                foreach (var kv in m.Configuration) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
                if (m.CreatedTime is long ct) w.WriteNumber("createdTime", ct);
                w.WriteEndObject();
                break;
            case ProtocolAction p:
                w.WriteStartObject("protocol");
                w.WriteNumber("minReaderVersion", p.MinReaderVersion);
                w.WriteNumber("minWriterVersion", p.MinWriterVersion);
                if (p.ReaderFeatures is not null) WriteList(w, "readerFeatures", p.ReaderFeatures);
                if (p.WriterFeatures is not null) WriteList(w, "writerFeatures", p.WriterFeatures);
                w.WriteEndObject();
                break;
            case SetTransaction t:
                w.WriteStartObject("txn");
                w.WriteString("appId", t.AppId);
                w.WriteNumber("version", t.Version);
                if (t.LastUpdated is long lu) w.WriteNumber("lastUpdated", lu);
                w.WriteEndObject();
                break;
            case CommitInfoAction ci:
                w.WritePropertyName("commitInfo");
                ci.Values.WriteTo(w);
                break;
            case AddCdcFile c:
                w.WriteStartObject("cdc");
                w.WriteString("path", c.Path);
                WriteMap(w, "partitionValues", c.PartitionValues);
                w.WriteNumber("size", c.Size);
                w.WriteBoolean("dataChange", c.DataChange);
                if (c.Tags is not null) WriteMap(w, "tags", c.Tags);
                w.WriteEndObject();
                break;
            case DomainMetadataAction dm:
                w.WriteStartObject("domainMetadata");
                w.WriteString("domain", dm.Domain);
                w.WriteString("configuration", dm.Configuration);
                w.WriteBoolean("removed", dm.Removed);
                w.WriteEndObject();
                break;
            case CheckpointMetadataAction cm:
                w.WriteStartObject("checkpointMetadata");
                w.WriteNumber("version", cm.Version);
                if (cm.Tags is not null) WriteMap(w, "tags", cm.Tags);
                w.WriteEndObject();
                break;
            case SidecarAction s:
                w.WriteStartObject("sidecar");
                w.WriteString("path", s.Path);
                w.WriteNumber("sizeInBytes", s.SizeInBytes);
                w.WriteNumber("modificationTime", s.ModificationTime);
                if (s.Tags is not null) WriteMap(w, "tags", s.Tags);
                w.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"Unknown action type {action.GetType().Name}.", nameof(action));
        }
        w.WriteEndObject();
    }

    private static void WriteAddBody(Utf8JsonWriter w, AddFile a)
    {
        w.WriteStartObject();
        w.WriteString("path", a.Path);
        WriteMap(w, "partitionValues", a.PartitionValues);
        w.WriteNumber("size", a.Size);
        w.WriteNumber("modificationTime", a.ModificationTime);
        w.WriteBoolean("dataChange", a.DataChange);
        if (a.Stats is not null) w.WriteString("stats", a.Stats);
        if (a.Tags is not null) WriteMap(w, "tags", a.Tags);
        if (a.DeletionVector is not null) WriteDv(w, a.DeletionVector);
        if (a.BaseRowId is long b) w.WriteNumber("baseRowId", b);
        if (a.DefaultRowCommitVersion is long d) w.WriteNumber("defaultRowCommitVersion", d);
        if (a.ClusteringProvider is not null) w.WriteString("clusteringProvider", a.ClusteringProvider);
        w.WriteEndObject();
    }

    private static void WriteDv(Utf8JsonWriter w, DeletionVectorDescriptor dv)
    {
        w.WriteStartObject("deletionVector");
        w.WriteString("storageType", dv.StorageType);
        w.WriteString("pathOrInlineDv", dv.PathOrInlineDv);
        if (dv.Offset is int o) w.WriteNumber("offset", o);
        w.WriteNumber("sizeInBytes", dv.SizeInBytes);
        w.WriteNumber("cardinality", dv.Cardinality);
        w.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string?> map)
    {
        w.WriteStartObject(name);
        foreach (var kv in map)
        {
            if (kv.Value is null) w.WriteNull(kv.Key);
            else w.WriteString(kv.Key, kv.Value);
        }
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> list)
    {
        w.WriteStartArray(name);
        foreach (var s in list) w.WriteStringValue(s);
        w.WriteEndArray();
    }
}
