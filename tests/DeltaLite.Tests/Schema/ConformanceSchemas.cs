using System.Text.Json;
using DeltaLite.Parquet;

namespace DeltaLite.Tests.Schema;

/// <summary>The schema strings the conformance tables hold, from their JSON log files and their checkpoints.</summary>
internal static class ConformanceSchemas
{
    /// <summary>Tables whose schema DeltaLite refuses, with the field and type named in the error.</summary>
    public static readonly IReadOnlyDictionary<string, (string FieldPath, string Type, string Reason)> Refused =
        new Dictionary<string, (string, string, string)>
        {
            ["delta-rs/spark-shredded-variant-preview-delta"] = ("v", "variant", "variant type (reader feature variantShredding-preview), not supported"),
            ["delta-rs/spark-variant-checkpoint"] = ("v", "variant", "variant type (reader feature variantType-preview), not supported"),
            ["delta-rs/spark-variant-stable-feature-checkpoint"] = ("v", "variant", "variant type (reader feature variantType), not supported"),
        };

    /// <summary>Every distinct schema string of a table, each with where it was found.</summary>
    public static IReadOnlyList<(string Source, string SchemaString)> Of(string table)
    {
        var found = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in TestData.LogJsonFiles(table))
        {
            foreach (var action in TestData.Actions(file))
            {
                if (action.TryGetProperty("metaData", out var md) && md.TryGetProperty("schemaString", out var s) &&
                    s.ValueKind == JsonValueKind.String && seen.Add(s.GetString()!))
                    found.Add((Path.GetFileName(file), s.GetString()!));
            }
        }
        var log = Path.Combine(TestData.TablePath(table), "_delta_log");
        foreach (var checkpoint in Directory.EnumerateFiles(log, "*.checkpoint*.parquet").Order(StringComparer.Ordinal))
        {
            foreach (var s in CheckpointSchemaStrings(checkpoint))
                if (seen.Add(s)) found.Add((Path.GetFileName(checkpoint), s));
        }
        return found;
    }

    private static IEnumerable<string> CheckpointSchemaStrings(string checkpoint)
    {
        using var reader = ParquetReader.Open(checkpoint);
        if (reader.Schema.IndexOf("metaData") < 0) yield break;
        foreach (var batch in reader.ReadAllAsync(["metaData"]).GetAwaiter().GetResult())
        {
            var md = (StructVector)batch.Column("metaData");
            int i = ((StructType)md.Type).IndexOf("schemaString");
            var strings = (BinaryVector)md.Children[i];
            for (int r = 0; r < batch.RowCount; r++)
                if (!md.IsNull(r) && !strings.IsNull(r)) yield return strings.GetString(r);
        }
    }

    /// <summary>The latest metaData action (by commit order) among the JSON commits of a table, or null.</summary>
    public static JsonElement? LatestMetadata(string table)
    {
        JsonElement? latest = null;
        foreach (var file in TestData.CommitFiles(table))
            foreach (var action in TestData.Actions(file))
                if (action.TryGetProperty("metaData", out var md) && md.TryGetProperty("schemaString", out _)) latest = md;
        return latest;
    }

    /// <summary>The same JSON with every object's properties in ordinal order (field metadata has no defined order).</summary>
    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(writer, doc.RootElement);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var x in e.EnumerateArray()) Write(w, x);
                w.WriteEndArray();
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}

internal static class JsonShape
{
    /// <summary>True when every "metadata" object in the JSON lists its keys in ordinal order.</summary>
    public static bool MetadataKeysSorted(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Check(doc.RootElement);
    }

    private static bool Check(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name == "metadata" && p.Value.ValueKind == JsonValueKind.Object)
                    {
                        var keys = p.Value.EnumerateObject().Select(x => x.Name).ToArray();
                        if (!keys.SequenceEqual(keys.Order(StringComparer.Ordinal))) return false;
                    }
                    else if (!Check(p.Value))
                    {
                        return false;
                    }
                }
                return true;
            case JsonValueKind.Array:
                return e.EnumerateArray().All(Check);
            default:
                return true;
        }
    }
}
