using System.Text.Json;
using DeltaLite.Parquet;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Schema;

public static partial class DeltaSchema
{
    /// <summary>The field metadata key of the type widening feature: the history of a column's type changes.</summary>
    public const string TypeChangesKey = "delta.typeChanges";

    /// <summary>One recorded type change: the column (dotted path, with <c>.element</c>, <c>.key</c> or
    /// <c>.value</c> for a change inside an array or map), and its type before and after.</summary>
    public sealed record TypeChange(string Column, DataType From, DataType To);

    /// <summary>
    /// Every type change recorded in <c>delta.typeChanges</c> field metadata (type widening), each checked to be one
    /// DeltaLite converts old data files for: byte → short → integer → long, float → double, byte/short/integer →
    /// double, date → timestamp_ntz, decimal(p, s) → decimal(p + k1, s + k2) with k1 ≥ k2 ≥ 0, and integer types to a
    /// decimal with at least 10 (long: 20) integer digits.
    /// </summary>
    /// <exception cref="UnsupportedTableFeatureException">A recorded change is not one of those; the message names the
    /// column and the change.</exception>
    /// <exception cref="DeltaSchemaException">The metadata is not a list of objects with string fromType and toType.</exception>
    public static IReadOnlyList<TypeChange> GetTypeChanges(ParquetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var changes = new List<TypeChange>();
        CollectTypeChanges(schema.Fields, "", changes);
        foreach (var c in changes)
        {
            if (!ColumnCast.IsTypeWidening(c.From, c.To))
                throw new UnsupportedTableFeatureException(
                    $"Column '{c.Column}' changed type from {TypeName(c.From)} to {TypeName(c.To)} ({TypeChangesKey}); DeltaLite can only read data files written before a widening type change, and this is not one.",
                    ["typeWidening"]);
        }
        return changes;
    }

    private static void CollectTypeChanges(IReadOnlyList<Field> fields, string prefix, List<TypeChange> into)
    {
        foreach (var f in fields)
        {
            string path = ChildPath(prefix, f.Name);
            if (f.Metadata.TryGetRawJson(TypeChangesKey, out var raw)) ParseTypeChanges(raw, path, into);
            CollectNested(f.Type, path, into);
        }
    }

    private static void CollectNested(DataType type, string path, List<TypeChange> into)
    {
        switch (type)
        {
            case StructType s: CollectTypeChanges(s.Fields, path, into); break;
            case ListType l: CollectNested(l.Element.Type, path + ".element", into); break;
            case MapType m:
                CollectNested(m.Key.Type, path + ".key", into);
                CollectNested(m.Value.Type, path + ".value", into);
                break;
        }
    }

    private static void ParseTypeChanges(string raw, string path, List<TypeChange> into)
    {
        DeltaSchemaException Bad(string why) =>
            Error(path, $"Field '{path}' has {TypeChangesKey} {Shorten(raw)}, which is not a list of {{\"fromType\", \"toType\"}} objects: {why}.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(raw);
        }
        catch (JsonException)
        {
            throw Bad("not JSON");
        }
        using (doc)
        {
            // Spark stores the list itself; a writer might store it as a JSON string holding the list.
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                ParseTypeChanges(root.GetString()!, path, into);
                return;
            }
            if (root.ValueKind != JsonValueKind.Array) throw Bad("not a list");
            foreach (var change in root.EnumerateArray())
            {
                if (change.ValueKind != JsonValueKind.Object) throw Bad("an entry is not an object");
                string from = RequiredString(change, "fromType") ?? throw Bad("an entry has no string fromType");
                string to = RequiredString(change, "toType") ?? throw Bad("an entry has no string toType");
                string where = change.TryGetProperty("fieldPath", out var fp) && fp.ValueKind == JsonValueKind.String && fp.GetString()!.Length > 0
                    ? path + "." + fp.GetString() : path;
                into.Add(new TypeChange(where, ParsePrimitive(from, where), ParsePrimitive(to, where)));
            }
        }
    }

    private static string? RequiredString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Shorten(string raw) => raw.Length <= 200 ? raw : raw[..200] + "…";
}
