using System.Globalization;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.State;

/// <summary>A watermark: the largest value of the watermark column that has been loaded, with its kind.</summary>
public sealed record WatermarkValue(string Kind, object Value) : IComparable<WatermarkValue>
{
    public static WatermarkValue? From(object? value) => value switch
    {
        null or DBNull => null,
        DateTime t => new("timestamp", DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc)),
        DateTimeOffset o => new("timestamp", o.UtcDateTime),
        DateOnly d => new("date", d),
        sbyte or byte or short or ushort or int or uint or long => new("long", Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => new("long", checked((long)u)),
        decimal m => new("decimal", m),
        byte[] { Length: 8 } rv => new("long", System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(rv)),
        string s => new("string", s),
        _ => throw new IngestException($"A watermark cannot be a {value.GetType().Name}; use a timestamp, date, integer or rowversion column."),
    };

    /// <summary>The text kept in the table's state.</summary>
    public string Text => Value switch
    {
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };

    public static WatermarkValue Parse(string kind, string text) => kind switch
    {
        "timestamp" => new(kind, DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)),
        "date" => new(kind, DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
        "long" => new(kind, long.Parse(text, CultureInfo.InvariantCulture)),
        "decimal" => new(kind, decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
        "string" => new(kind, text),
        _ => throw new IngestException($"Unknown watermark kind '{kind}' in the table's ingestion state."),
    };

    public int CompareTo(WatermarkValue? other) => other is null ? 1 : Expressions.Values.Compare(Value, other.Value);

    /// <summary>The value moved back by a lookback window (timestamps only).</summary>
    public WatermarkValue Minus(TimeSpan lookback) => Value is DateTime t ? this with { Value = t - lookback } : this;

    public override string ToString() => Text;
}
