using System.Data.Common;
using System.Globalization;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// Reads one result column into a column builder. The common cases use the driver's typed getters (GetInt64,
/// GetDateTime, GetDecimal, GetString...) chosen by the value's field type, so values are not boxed on the way; other
/// representations (SQLite keeps dates, timestamps and some decimals as text or REAL) go through exact conversions.
/// </summary>
internal static class ColumnReaders
{
    public delegate void Reader(DbDataReader reader, int ordinal, ColumnBuilder builder);

    public static Reader For(DataType type, string column, SourceKind kind)
    {
        switch (type)
        {
            case DecimalType d:
                {
                    long factor = d.Scale <= 18 ? Pow10(d.Scale) : 0;
                    return (r, i, b) =>
                    {
                        var builder = (DecimalBuilder)b;
                        var t = r.GetFieldType(i);
                        if (t == typeof(decimal))
                        {
                            Append(builder, r.GetDecimal(i), d, column);
                        }
                        else if (t == typeof(double) || t == typeof(float))
                        {
                            // SQLite keeps DECIMAL(p,s) as REAL: round to the declared scale (exact for up to 15 significant digits).
                            double x = r.GetDouble(i);
                            // Fast path when the value is (within float error) a whole number of the scale's units, as
                            // money kept as REAL is; otherwise through decimal (15 significant digits, as SQLite shows it).
                            double scaled = x * factor, units = Math.Round(scaled);
                            if (factor > 0 && Math.Abs(scaled) < 9e15 && Math.Abs(scaled - units) < 1e-6) builder.Append((Int128)(long)units);
                            else Append(builder, Math.Round((decimal)x, d.Scale, MidpointRounding.ToEven), d, column);
                        }
                        else if (t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(byte))
                        {
                            Append(builder, r.GetInt64(i), d, column);
                        }
                        else if (t == typeof(string))
                        {
                            // Exact text (decimals wider than System.Decimal are selected as text): parsed exactly to the scale.
                            AppendText(builder, r.GetString(i), d, column);
                        }
                        else
                        {
                            object v = r.GetValue(i);
                            if (v is string s) AppendText(builder, s, d, column);
                            else Append(builder, Convert.ToDecimal(v, CultureInfo.InvariantCulture), d, column);
                        }
                    };
                }
            case TimestampType:
                return (r, i, b) =>
                {
                    var t = r.GetFieldType(i);
                    DateTime value;
                    if (t == typeof(DateTime)) value = r.GetDateTime(i);
                    else if (t == typeof(string)) value = ParseTimestamp(r.GetString(i), column);
                    else
                    {
                        object v = r.GetValue(i);
                        value = v switch
                        {
                            DateTime dt => dt,
                            DateTimeOffset o => o.UtcDateTime,
                            string s => ParseTimestamp(s, column),
                            long unix => DateTime.UnixEpoch.AddSeconds(unix),
                            _ => throw new IngestException($"Column '{column}': cannot read {v.GetType().Name} as a timestamp."),
                        };
                    }
                    ((PrimitiveBuilder<long>)b).AppendValue(ValueConverters.FromDateTime(DateTime.SpecifyKind(value, DateTimeKind.Utc), DeltaLite.Parquet.Metadata.TimeUnit.Micros));
                };
        }
        return type.Kind switch
        {
            TypeKind.Int64 => (r, i, b) =>
            {
                var t = r.GetFieldType(i);
                long x;
                if (t == typeof(long)) x = r.GetInt64(i);
                else if (t == typeof(int)) x = r.GetInt32(i);
                else
                {
                    object v = r.GetValue(i);
                    x = v switch
                    {
                        long l => l,
                        byte[] { Length: 8 } rv => System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(rv),
                        _ => Convert.ToInt64(v, CultureInfo.InvariantCulture),
                    };
                }
                ((PrimitiveBuilder<long>)b).AppendValue(x);
            },
            TypeKind.Int32 => (r, i, b) => ((PrimitiveBuilder<int>)b).AppendValue(r.GetFieldType(i) == typeof(int) ? r.GetInt32(i) : Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Int16 => (r, i, b) => ((PrimitiveBuilder<short>)b).AppendValue(r.GetFieldType(i) == typeof(short) ? r.GetInt16(i) : Convert.ToInt16(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Double => (r, i, b) => ((PrimitiveBuilder<double>)b).AppendValue(r.GetFieldType(i) == typeof(double) ? r.GetDouble(i) : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Float => (r, i, b) => ((PrimitiveBuilder<float>)b).AppendValue(r.GetFieldType(i) == typeof(float) ? r.GetFloat(i) : Convert.ToSingle(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Boolean => (r, i, b) => ((PrimitiveBuilder<bool>)b).AppendValue(r.GetFieldType(i) == typeof(bool) ? r.GetBoolean(i) : r.GetValue(i) switch
            {
                bool x => x,
                string s => ParseBoolean(s, column),
                var x => Convert.ToInt64(x, CultureInfo.InvariantCulture) != 0,
            }),
            TypeKind.Date => (r, i, b) =>
            {
                var t = r.GetFieldType(i);
                DateOnly d;
                if (t == typeof(DateTime)) d = DateOnly.FromDateTime(r.GetDateTime(i));
                else if (t == typeof(string)) d = ParseDate(r.GetString(i), column);
                else
                {
                    object v = r.GetValue(i);
                    d = v switch
                    {
                        DateOnly x => x,
                        DateTime x => DateOnly.FromDateTime(x),
                        string s => ParseDate(s, column),
                        _ => throw new IngestException($"Column '{column}': cannot read {v.GetType().Name} as a date."),
                    };
                }
                ((PrimitiveBuilder<int>)b).AppendValue(ValueConverters.ToDays(d));
            },
            TypeKind.Binary => (r, i, b) => ((BinaryBuilder)b).AppendBytes((byte[])r.GetValue(i)),
            _ => (r, i, b) =>
            {
                if (r.GetFieldType(i) == typeof(string))
                {
                    b.Append(r.GetString(i));
                    return;
                }
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

    /// <summary>The text forms of a boolean that sources use (SQLite keeps whatever was inserted); anything else is an error, never false.</summary>
    internal static bool ParseBoolean(string s, string column) => s.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "t" or "yes" or "y" => true,
        "0" or "false" or "f" or "no" or "n" => false,
        _ => throw new FormatException($"'{(s.Length > 40 ? s[..40] + "..." : s)}' is not a boolean (column '{column}')"),
    };

    private static long Pow10(int n)
    {
        long p = 1;
        for (int k = 0; k < n; k++) p *= 10;
        return p;
    }

    private static void Append(DecimalBuilder builder, decimal value, DecimalType type, string column)
    {
        try
        {
            builder.Append(value);
        }
        catch (OverflowException e)
        {
            throw new IngestException($"Column '{column}': {value.ToString(CultureInfo.InvariantCulture)} does not fit {type} ({e.Message})", e);
        }
    }

    private static void AppendText(DecimalBuilder builder, string text, DecimalType type, string column)
    {
        try
        {
            builder.Append(text);
        }
        catch (OverflowException e)
        {
            throw new IngestException($"Column '{column}': {text} does not fit {type} ({e.Message})", e);
        }
    }

    /// <summary>"yyyy-MM-dd" (a longer text is cut to its date part).</summary>
    internal static DateOnly ParseDate(string s, string column)
    {
        if (s.Length >= 10 && TryDigits(s, 0, 4, out int y) && s[4] == '-' && TryDigits(s, 5, 2, out int m) && s[7] == '-' && TryDigits(s, 8, 2, out int d)
            && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(Math.Max(1, y), m) && y >= 1)
            return new DateOnly(y, m, d);
        throw new IngestException($"Column '{column}': '{s}' is not a date (yyyy-MM-dd).");
    }

    /// <summary>
    /// A timestamp as UTC: "yyyy-MM-dd HH:mm:ss[.fffffff]" or with 'T', optionally ending in Z (the forms SQLite and the
    /// loan files use) are read directly; anything else (offsets, other layouts) through DateTime.TryParse.
    /// </summary>
    internal static DateTime ParseTimestamp(string s, string column)
    {
        if (TryFastTimestamp(s, out var fast)) return fast;
        if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        throw new IngestException($"Column '{column}': '{s}' is not a timestamp.");
    }

    internal static bool TryFastTimestamp(string s, out DateTime value)
    {
        value = default;
        int n = s.Length;
        if (n > 0 && s[n - 1] == 'Z') n--;
        if (n < 19 || !(s[10] is ' ' or 'T') || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return false;
        if (!TryDigits(s, 0, 4, out int y) || !TryDigits(s, 5, 2, out int mo) || !TryDigits(s, 8, 2, out int d)
            || !TryDigits(s, 11, 2, out int h) || !TryDigits(s, 14, 2, out int mi) || !TryDigits(s, 17, 2, out int sec)) return false;
        long ticks = 0;
        if (n > 19)
        {
            if (s[19] != '.' || n == 20 || n > 27) return false;
            long scale = TimeSpan.TicksPerSecond;
            for (int k = 20; k < n; k++)
            {
                if (!char.IsAsciiDigit(s[k])) return false;
                scale /= 10;
                ticks += (s[k] - '0') * scale;
            }
        }
        if (y < 1 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return false;
        value = new DateTime(y, mo, d, h, mi, sec, DateTimeKind.Utc).AddTicks(ticks);
        return true;
    }

    private static bool TryDigits(string s, int start, int count, out int value)
    {
        value = 0;
        for (int k = start; k < start + count; k++)
        {
            char c = s[k];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
