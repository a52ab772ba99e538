using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeltaLite.Parquet;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Schema;

public static partial class DeltaSchema
{
    private static readonly JsonDocumentOptions s_jsonOptions = new() { MaxDepth = 1024 };

    /// <summary>
    /// Parses a Delta schema string (the JSON of <c>metaData.schemaString</c>).
    /// </summary>
    /// <exception cref="DeltaSchemaException">
    /// The text is not JSON (the message gives line and byte), is not a struct, misses a required property, or holds a
    /// type DeltaLite does not support (e.g. variant, void, interval, char/varchar): the message names the field path.
    /// </exception>
    public static ParquetSchema Parse(string schemaString)
    {
        ArgumentNullException.ThrowIfNull(schemaString);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(schemaString, s_jsonOptions);
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, pos = (e.BytePositionInLine ?? 0) + 1;
            throw Error("", $"The Delta schema is not valid JSON (line {line}, byte {pos}): {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || TypeTag(root) != "struct")
                throw Error("", "The Delta schema must be a JSON object with \"type\":\"struct\" at the top level.");
            return new ParquetSchema(ParseFields(root, ""));
        }
    }

    private static string? TypeTag(JsonElement obj) =>
        obj.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static Field[] ParseFields(JsonElement structObj, string path)
    {
        if (!structObj.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array)
            throw Error(path, $"The struct {Where(path)} has no \"fields\" array.");
        var result = new Field[fields.GetArrayLength()];
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        foreach (var f in fields.EnumerateArray())
        {
            if (f.ValueKind != JsonValueKind.Object) throw Error(path, $"Field {i} of {Where(path)} is not a JSON object.");
            if (!f.TryGetProperty("name", out var nameEl) || nameEl.ValueKind != JsonValueKind.String)
                throw Error(path, $"Field {i} of {Where(path)} has no string \"name\".");
            string name = nameEl.GetString()!;
            string fieldPath = ChildPath(path, name);
            if (!seen.TryAdd(name, name))
                throw Error(fieldPath, $"Field '{fieldPath}' appears twice in the Delta schema (column names must be unique regardless of case; the other is '{ChildPath(path, seen[name])}').");
            if (!f.TryGetProperty("type", out var typeEl)) throw Error(fieldPath, $"Field '{fieldPath}' has no \"type\".");
            var type = ParseType(typeEl, fieldPath);
            bool nullable = RequireBool(f, "nullable", fieldPath);
            var metadata = FieldMetadata.Empty;
            if (f.TryGetProperty("metadata", out var md))
            {
                if (md.ValueKind != JsonValueKind.Object) throw Error(fieldPath, $"The \"metadata\" of field '{fieldPath}' is not a JSON object.");
                metadata = FieldMetadata.FromJson(md.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetRawText())));
            }
            result[i++] = new Field(name, type, nullable) { Metadata = metadata };
        }
        return result;
    }

    private static bool RequireBool(JsonElement obj, string property, string path)
    {
        if (!obj.TryGetProperty(property, out var el) || el.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw Error(path, $"'{path}' has no boolean \"{property}\".");
        return el.GetBoolean();
    }

    private static string Where(string path) => path.Length == 0 ? "the top-level schema" : $"'{path}'";

    private static DataType ParseType(JsonElement el, string path)
    {
        if (el.ValueKind == JsonValueKind.String) return ParsePrimitive(el.GetString()!, path);
        if (el.ValueKind != JsonValueKind.Object) throw Error(path, $"The type of '{path}' is neither a type name nor a JSON object.");
        string? tag = TypeTag(el);
        switch (tag)
        {
            case "struct":
                return new StructType(ParseFields(el, path));
            case "array":
            {
                if (!el.TryGetProperty("elementType", out var et)) throw Error(path, $"The array type of '{path}' has no \"elementType\".");
                string elementPath = path + ".element";
                var elementType = ParseType(et, elementPath);
                return new ListType(elementType, RequireBool(el, "containsNull", path));
            }
            case "map":
            {
                if (!el.TryGetProperty("keyType", out var kt)) throw Error(path, $"The map type of '{path}' has no \"keyType\".");
                if (!el.TryGetProperty("valueType", out var vt)) throw Error(path, $"The map type of '{path}' has no \"valueType\".");
                var keyType = ParseType(kt, path + ".key");
                var valueType = ParseType(vt, path + ".value");
                return new MapType(keyType, valueType, RequireBool(el, "valueContainsNull", path));
            }
            case null:
                throw Error(path, $"The type object of '{path}' has no string \"type\".");
            default:
                throw Error(path, $"Field '{path}' has type '{tag}', which DeltaLite does not support.");
        }
    }

    private static readonly Regex s_decimal = new(@"^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$", RegexOptions.CultureInvariant);

    private static DataType ParsePrimitive(string name, string path)
    {
        switch (name)
        {
            case "string": return DataType.String;
            case "long": return DataType.Int64;
            case "integer": return DataType.Int32;
            case "short": return DataType.Int16;
            case "byte": return DataType.Int8;
            case "float": return DataType.Float;
            case "double": return DataType.Double;
            case "boolean": return DataType.Boolean;
            case "binary": return DataType.Binary;
            case "date": return DataType.Date;
            case "timestamp": return TimestampType.MicrosUtc;
            case "timestamp_ntz": return TimestampType.MicrosLocal;
            case "decimal": return new DecimalType(10, 0);
        }
        var m = s_decimal.Match(name);
        if (m.Success)
        {
            bool okP = int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int p);
            bool okS = int.TryParse(m.Groups[2].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int s);
            if (!okP || !okS || p is < 1 or > 38 || s < 0 || s > p)
                throw Error(path, $"Field '{path}' has type '{name}': decimal precision must be 1..38 and scale 0..precision.");
            return new DecimalType(p, s);
        }
        throw Error(path, $"Field '{path}' has type '{name}', which DeltaLite does not support.");
    }

    /// <summary>
    /// The schema as Delta's schema string, compact and exactly as Spark writes it: fields as
    /// name, type, nullable, metadata (always present, <c>{}</c> when empty); primitive types by name ("decimal(10,2)");
    /// struct, array and map types as objects. Metadata values are written as the raw JSON they hold.
    /// </summary>
    /// <exception cref="DeltaSchemaException">A field has a type a Delta schema cannot hold (e.g. uint32, time, or a
    /// timestamp not in microseconds).</exception>
    public static string ToJson(ParquetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var sb = new StringBuilder(64 + 64 * schema.Count);
        WriteStruct(sb, schema.Fields, "");
        return sb.ToString();
    }

    private static void WriteStruct(StringBuilder sb, IReadOnlyList<Field> fields, string path)
    {
        sb.Append("{\"type\":\"struct\",\"fields\":[");
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            string fieldPath = ChildPath(path, f.Name);
            if (i > 0) sb.Append(',');
            sb.Append("{\"name\":");
            WriteString(sb, f.Name);
            sb.Append(",\"type\":");
            WriteType(sb, f.Type, fieldPath);
            sb.Append(",\"nullable\":").Append(f.Nullable ? "true" : "false");
            sb.Append(",\"metadata\":{");
            bool first = true;
            foreach (var kv in f.Metadata.RawJson)
            {
                if (!first) sb.Append(',');
                first = false;
                WriteString(sb, kv.Key);
                sb.Append(':').Append(kv.Value);
            }
            sb.Append("}}");
        }
        sb.Append("]}");
    }

    private static void WriteType(StringBuilder sb, DataType type, string path)
    {
        switch (type)
        {
            case StructType s:
                WriteStruct(sb, s.Fields, path);
                return;
            case ListType l:
                sb.Append("{\"type\":\"array\",\"elementType\":");
                WriteType(sb, l.Element.Type, path + ".element");
                sb.Append(",\"containsNull\":").Append(l.Element.Nullable ? "true" : "false").Append('}');
                return;
            case MapType m:
                sb.Append("{\"type\":\"map\",\"keyType\":");
                WriteType(sb, m.Key.Type, path + ".key");
                sb.Append(",\"valueType\":");
                WriteType(sb, m.Value.Type, path + ".value");
                sb.Append(",\"valueContainsNull\":").Append(m.Value.Nullable ? "true" : "false").Append('}');
                return;
        }
        string? name = PrimitiveName(type);
        if (name is null) throw Error(path, $"Field '{path}' has type {TypeName(type)}, which a Delta schema cannot hold.");
        sb.Append('"').Append(name).Append('"');
    }

    /// <summary>A JSON string as Jackson writes it: quote, backslash and control characters escaped, the rest as is.</summary>
    internal static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ') sb.Append("\\u00").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
