using System.Globalization;
using System.Text.Json;
using DeltaLite.Expressions;
using DeltaLite.Parquet;

namespace DeltaLite.Snapshots;

/// <summary>
/// A data file's statistics from its add action (<c>stats</c> JSON: numRecords, minValues, maxValues, nullCount),
/// typed by the table schema. Timestamp maxima are widened by one millisecond because writers may truncate them.
/// </summary>
public sealed class FileStatistics : IColumnStatistics
{
    private readonly Dictionary<string, (object? Min, object? Max, long? Nulls)> _columns = new(StringComparer.Ordinal);

    private FileStatistics(long? numRecords) => NumRecords = numRecords;

    public long? NumRecords { get; }

    public bool? TightBounds { get; private init; }

    public (object? Min, object? Max) Bounds(string column) => _columns.TryGetValue(column, out var c) ? (c.Min, c.Max) : (null, null);

    public long? NullCount(string column) => _columns.TryGetValue(column, out var c) ? c.Nulls : null;

    /// <summary>
    /// Parses stats JSON; <paramref name="logicalByPhysical"/> maps the (possibly physical) names used in the JSON to
    /// the logical dotted column names and types. Returns null for missing or malformed stats (they are optional).
    /// <paramref name="widenedFromFloat"/> holds the (physical) names of double columns that were float (type
    /// widening): their bounds may be written with float precision, so each bound is loosened to cover both the
    /// double it reads as and the float it may stand for.
    /// </summary>
    public static FileStatistics? Parse(string? json, IReadOnlyDictionary<string, (string Logical, DataType Type)> logicalByPhysical,
        IReadOnlySet<string>? widenedFromFloat = null)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            long? n = root.TryGetProperty("numRecords", out var nr) && nr.ValueKind == JsonValueKind.Number ? nr.GetInt64() : null;
            var stats = new FileStatistics(n)
            {
                TightBounds = root.TryGetProperty("tightBounds", out var tb) && tb.ValueKind is JsonValueKind.True or JsonValueKind.False ? tb.GetBoolean() : null,
            };
            var mins = new Dictionary<string, JsonElement>();
            var maxs = new Dictionary<string, JsonElement>();
            var nulls = new Dictionary<string, JsonElement>();
            if (root.TryGetProperty("minValues", out var mv)) Flatten(mv, "", mins);
            if (root.TryGetProperty("maxValues", out var xv)) Flatten(xv, "", maxs);
            if (root.TryGetProperty("nullCount", out var nv)) Flatten(nv, "", nulls);
            foreach (var key in mins.Keys.Concat(maxs.Keys).Concat(nulls.Keys).Distinct())
            {
                if (!logicalByPhysical.TryGetValue(key, out var col)) continue;
                object? min = mins.TryGetValue(key, out var a) ? Convert(a, col.Type, isMax: false) : null;
                object? max = maxs.TryGetValue(key, out var b) ? Convert(b, col.Type, isMax: true) : null;
                if (widenedFromFloat is not null && widenedFromFloat.Contains(key))
                {
                    if (min is double lo) min = Math.Min(lo, (double)(float)lo);
                    if (max is double hi) max = Math.Max(hi, (double)(float)hi);
                }
                long? nc = nulls.TryGetValue(key, out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : null;
                stats._columns[col.Logical] = (min, max, nc);
            }
            return stats;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, JsonElement> into)
    {
        if (e.ValueKind != JsonValueKind.Object) return;
        foreach (var p in e.EnumerateObject())
        {
            string name = prefix.Length == 0 ? p.Name : prefix + "." + p.Name;
            if (p.Value.ValueKind == JsonValueKind.Object) Flatten(p.Value, name, into);
            else into[name] = p.Value.Clone();
        }
    }

    private static object? Convert(JsonElement e, DataType type, bool isMax)
    {
        try
        {
            switch (type.Kind)
            {
                case TypeKind.Int8 or TypeKind.Int16 or TypeKind.Int32 or TypeKind.Int64:
                    return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var l) ? l : null;
                case TypeKind.Float:
                    // A float bound is written with float precision ("0.1" for 0.1f); as a double it must be that float,
                    // or a bound just under the true value would skip files holding it.
                    return e.ValueKind == JsonValueKind.Number ? (double)(float)e.GetDouble() : null;
                case TypeKind.Double:
                    return e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
                case TypeKind.Decimal:
                    return e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d) ? d
                        : e.ValueKind == JsonValueKind.String && decimal.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ds) ? ds : null;
                case TypeKind.String:
                    return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                case TypeKind.Date:
                    return e.ValueKind == JsonValueKind.String && DateOnly.TryParse(e.GetString()!.Length >= 10 ? e.GetString()![..10] : e.GetString(), CultureInfo.InvariantCulture, out var date) ? date : null;
                case TypeKind.Timestamp:
                    {
                        if (e.ValueKind != JsonValueKind.String) return null;
                        var utc = ((TimestampType)type).IsAdjustedToUtc;
                        if (!DateTime.TryParse(e.GetString(), CultureInfo.InvariantCulture,
                                utc ? DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal : DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)) return null;
                        t = DateTime.SpecifyKind(t, DateTimeKind.Utc);
                        // Writers keep milliseconds only: the true maximum may be up to 999 microseconds later.
                        return isMax ? t.AddMilliseconds(1) : t;
                    }
                case TypeKind.Boolean:
                    return e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}
