using System.Globalization;
using System.Text.Json;
using DeltaLite.Parquet;
using DeltaLite.Schema;

namespace DeltaLite.Writes;

/// <summary>
/// Builds an add action's <c>stats</c> JSON from what the Parquet writer reports: numRecords, and minValues,
/// maxValues, nullCount for the first <c>delta.dataSkippingNumIndexedCols</c> leaf columns (default 32), nested
/// like the schema, keyed by physical names. Strings are cut to 32 characters (the maximum rounded up); timestamps
/// are written in milliseconds (readers widen maxima by 1 ms); float columns holding NaN get no bounds.
/// </summary>
internal static class DeltaStatistics
{
    private const int StringPrefix = 32;
    private const string MaxTieBreaker = "\U0010FFFF";

    public static string Build(Parquet.Schema logical, ColumnMappingMode mode, long numRecords,
        IReadOnlyList<WrittenColumnStatistics> written, ISet<string> nanColumns, int indexedColumns)
    {
        var byPath = written.ToDictionary(s => string.Join('.', s.Path), StringComparer.Ordinal);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("numRecords", numRecords);
            int budget = indexedColumns < 0 ? int.MaxValue : indexedColumns;
            var leaves = Leaves(logical.Fields, "", "", mode).TakeWhile(_ => budget-- > 0).ToList();
            WriteSection(w, "minValues", leaves, byPath, nanColumns, min: true);
            WriteSection(w, "maxValues", leaves, byPath, nanColumns, min: false);
            WriteSection(w, "nullCount", leaves, byPath, nanColumns, min: null);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private sealed record Leaf(string[] PhysicalPath, DataType Type, bool Nested);

    private static IEnumerable<Leaf> Leaves(IReadOnlyList<Field> fields, string prefix, string _, ColumnMappingMode mode)
    {
        foreach (var f in fields)
        {
            string name = DeltaSchema.PhysicalName(f, mode);
            string path = prefix.Length == 0 ? name : prefix + "." + name;
            if (f.Type is StructType s)
            {
                foreach (var l in Leaves(s.Fields, path, "", mode)) yield return l;
            }
            else
            {
                yield return new Leaf(path.Split('.'), f.Type, f.Type is ListType or MapType);
            }
        }
    }

    private static void WriteSection(Utf8JsonWriter w, string name, List<Leaf> leaves, Dictionary<string, WrittenColumnStatistics> byPath,
        ISet<string> nans, bool? min)
    {
        w.WritePropertyName(name);
        // Group leaves into nested objects by their path.
        var entries = new List<(string[] Path, Action<Utf8JsonWriter> Write)>();
        foreach (var leaf in leaves)
        {
            if (leaf.Nested) continue;
            string key = string.Join('.', leaf.PhysicalPath);
            if (!byPath.TryGetValue(key, out var s)) continue;
            if (min is null)
            {
                long nulls = s.NullCount;
                entries.Add((leaf.PhysicalPath, x => x.WriteNumberValue(nulls)));
                continue;
            }
            var value = min.Value ? s.Min : s.Max;
            if (value is null || nans.Contains(key) || leaf.Type.Kind is TypeKind.Boolean or TypeKind.Binary) continue;
            if (!(min.Value ? s.IsMinExact : s.IsMaxExact)) continue;
            var writer = ValueWriter(value, leaf.Type, min.Value);
            if (writer is not null) entries.Add((leaf.PhysicalPath, writer));
        }
        WriteTree(w, entries, 0);
    }

    private static void WriteTree(Utf8JsonWriter w, List<(string[] Path, Action<Utf8JsonWriter> Write)> entries, int depth)
    {
        w.WriteStartObject();
        foreach (var group in entries.GroupBy(e => e.Path[depth]))
        {
            w.WritePropertyName(group.Key);
            var items = group.ToList();
            if (items.Count == 1 && items[0].Path.Length == depth + 1) items[0].Write(w);
            else WriteTree(w, items.Where(i => i.Path.Length > depth + 1).ToList(), depth + 1);
        }
        w.WriteEndObject();
    }

    private static Action<Utf8JsonWriter>? ValueWriter(object value, DataType type, bool isMin)
    {
        switch (value)
        {
            case string s:
                {
                    var cut = Truncate(s, isMin);
                    return cut is null ? null : w => w.WriteStringValue(cut);
                }
            case DateOnly d: return w => w.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            case DateTime t:
                {
                    // Milliseconds, floored; readers widen maxima by a millisecond.
                    var ms = new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
                    string text = ((TimestampType)type).IsAdjustedToUtc
                        ? ms.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
                        : ms.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
                    return w => w.WriteStringValue(text);
                }
            case decimal m: return w => w.WriteRawValue(m.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
            case double dbl when double.IsFinite(dbl): return w => w.WriteNumberValue(dbl);
            case float f when float.IsFinite(f): return w => w.WriteRawValue(f.ToString("R", CultureInfo.InvariantCulture), skipInputValidation: true);
            case sbyte or short or int or long: { long l = Convert.ToInt64(value, CultureInfo.InvariantCulture); return w => w.WriteNumberValue(l); }
            default: return null;
        }
    }

    /// <summary>A prefix of at most 32 characters; for a maximum, a cut value gets the highest code point appended.</summary>
    private static string? Truncate(string s, bool isMin)
    {
        var info = new StringInfo(s);
        if (info.LengthInTextElements <= StringPrefix) return s;
        string prefix = info.SubstringByTextElements(0, StringPrefix);
        return isMin ? prefix : prefix + MaxTieBreaker;
    }
}
