using System.Data.Common;
using System.Globalization;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Sql;

/// <summary>Reads one result column into a column builder with the typed getter for its Delta type.</summary>
internal static class ColumnReaders
{
    public delegate void Reader(DbDataReader reader, int ordinal, ColumnBuilder builder);

    public static Reader For(DataType type, string column, SourceKind kind)
    {
        switch (type)
        {
            case DecimalType d:
                return (r, i, b) =>
                {
                    object v = r.GetValue(i);
                    if (v is string text)
                    {
                        // Exact text (decimals wider than System.Decimal are selected as text): parsed exactly to the scale.
                        try
                        {
                            ((DecimalBuilder)b).Append(text);
                        }
                        catch (OverflowException e)
                        {
                            throw new IngestException($"Column '{column}': {text} does not fit {d} ({e.Message})", e);
                        }
                        return;
                    }
                    decimal m = v switch
                    {
                        decimal x => x,
                        double x => (decimal)x,
                        float x => (decimal)x,
                        long x => x,
                        int x => x,
                        _ => Convert.ToDecimal(v, CultureInfo.InvariantCulture),
                    };
                    // SQLite keeps DECIMAL(p,s) as REAL: round to the declared scale (exact for up to 15 significant digits).
                    if (v is double or float) m = Math.Round(m, d.Scale, MidpointRounding.ToEven);
                    try
                    {
                        ((DecimalBuilder)b).Append(m);
                    }
                    catch (OverflowException e)
                    {
                        throw new IngestException($"Column '{column}': {m.ToString(CultureInfo.InvariantCulture)} does not fit {d} ({e.Message})", e);
                    }
                };
            case TimestampType:
                return (r, i, b) =>
                {
                    object v = r.GetValue(i);
                    DateTime t = v switch
                    {
                        DateTime dt => dt,
                        DateTimeOffset o => o.UtcDateTime,
                        string s => ParseTimestamp(s, column),
                        long unix => DateTime.UnixEpoch.AddSeconds(unix),
                        _ => throw new IngestException($"Column '{column}': cannot read {v.GetType().Name} as a timestamp."),
                    };
                    ((PrimitiveBuilder<long>)b).AppendValue(ValueConverters.FromDateTime(DateTime.SpecifyKind(t, DateTimeKind.Utc), DeltaLite.Parquet.Metadata.TimeUnit.Micros));
                };
        }
        return type.Kind switch
        {
            TypeKind.Int64 => (r, i, b) =>
            {
                object v = r.GetValue(i);
                long x = v switch
                {
                    long l => l,
                    byte[] { Length: 8 } rv => System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(rv),
                    _ => Convert.ToInt64(v, CultureInfo.InvariantCulture),
                };
                ((PrimitiveBuilder<long>)b).AppendValue(x);
            },
            TypeKind.Int32 => (r, i, b) => ((PrimitiveBuilder<int>)b).AppendValue(Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Int16 => (r, i, b) => ((PrimitiveBuilder<short>)b).AppendValue(Convert.ToInt16(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Double => (r, i, b) => ((PrimitiveBuilder<double>)b).AppendValue(Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Float => (r, i, b) => ((PrimitiveBuilder<float>)b).AppendValue(Convert.ToSingle(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Boolean => (r, i, b) => ((PrimitiveBuilder<bool>)b).AppendValue(r.GetValue(i) switch
            {
                bool x => x,
                string s => s is "1" or "true" or "TRUE" or "True" or "t",
                var x => Convert.ToInt64(x, CultureInfo.InvariantCulture) != 0,
            }),
            TypeKind.Date => (r, i, b) =>
            {
                object v = r.GetValue(i);
                DateOnly d = v switch
                {
                    DateOnly x => x,
                    DateTime x => DateOnly.FromDateTime(x),
                    string s => DateOnly.TryParseExact(s.Length > 10 ? s[..10] : s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var p) ? p
                        : throw new IngestException($"Column '{column}': '{s}' is not a date (yyyy-MM-dd)."),
                    _ => throw new IngestException($"Column '{column}': cannot read {v.GetType().Name} as a date."),
                };
                ((PrimitiveBuilder<int>)b).AppendValue(ValueConverters.ToDays(d));
            },
            TypeKind.Binary => (r, i, b) => ((BinaryBuilder)b).AppendBytes((byte[])r.GetValue(i)),
            _ => (r, i, b) =>
            {
                object v = r.GetValue(i);
                string s = v switch
                {
                    string x => x,
                    Guid g => g.ToString(),
                    TimeSpan ts => ts.ToString("c", CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => v.ToString() ?? "",
                };
                b.Append(s);
            },
        };
    }

    internal static DateTime ParseTimestamp(string s, string column)
    {
        if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        throw new IngestException($"Column '{column}': '{s}' is not a timestamp.");
    }
}
