using System.Data.Common;
using System.Globalization;
using System.Numerics;
using DeltaLite.Ingest.Columns;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// Reads one result column into a column builder. The common cases use the driver's typed getters (GetInt64,
/// GetDateTime, GetDecimal, GetString...) chosen by the value's field type, so values are not boxed on the way; other
/// representations (SQLite keeps dates, timestamps and some decimals as text or REAL) go through exact conversions.
/// </summary>
internal static class ColumnReaders
{
    public delegate void Reader(DbDataReader reader, int ordinal, TypedColumn column);

    /// <summary>The column <see cref="For"/>'s reader appends to: typed for the types it reads typed, else boxed.</summary>
    public static TypedColumn CreateColumn(DataType type, int capacity) =>
        type is DecimalType || type.Kind is TypeKind.Timestamp or TypeKind.Int64 or TypeKind.Int32 or TypeKind.Int16 or TypeKind.Double
            or TypeKind.Float or TypeKind.Boolean or TypeKind.Date or TypeKind.Binary or TypeKind.String
            ? TypedColumn.Create(type, capacity) : new ObjectColumn(type);

    public static Reader For(DataType type, string column, SourceKind kind)
    {
        switch (type)
        {
            case DecimalType d:
                {
                    long factor = ScaleFactor(d);
                    return (r, i, b) =>
                    {
                        var builder = (DecimalColumn)b;
                        var t = r.GetFieldType(i);
                        if (t == typeof(decimal))
                        {
                            Append(builder, r.GetDecimal(i), d, column);
                        }
                        else if (t == typeof(double) || t == typeof(float))
                        {
                            AppendReal(builder, r.GetDouble(i), d, factor, column);
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
                    ((FixedColumn<long>)b).Append(ValueConverters.FromDateTime(DateTime.SpecifyKind(value, DateTimeKind.Utc), DeltaLite.Parquet.Metadata.TimeUnit.Micros));
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
                ((FixedColumn<long>)b).Append(x);
            },
            TypeKind.Int32 => (r, i, b) => ((FixedColumn<int>)b).Append(r.GetFieldType(i) == typeof(int) ? r.GetInt32(i) : Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Int16 => (r, i, b) => ((FixedColumn<short>)b).Append(r.GetFieldType(i) == typeof(short) ? r.GetInt16(i) : Convert.ToInt16(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Double => (r, i, b) => ((FixedColumn<double>)b).Append(r.GetFieldType(i) == typeof(double) ? r.GetDouble(i) : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Float => (r, i, b) => ((FixedColumn<float>)b).Append(r.GetFieldType(i) == typeof(float) ? r.GetFloat(i) : Convert.ToSingle(r.GetValue(i), CultureInfo.InvariantCulture)),
            TypeKind.Boolean => (r, i, b) => ((FixedColumn<bool>)b).Append(r.GetFieldType(i) == typeof(bool) ? r.GetBoolean(i) : r.GetValue(i) switch
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
                ((FixedColumn<int>)b).Append(ValueConverters.ToDays(d));
            },
            TypeKind.Binary => (r, i, b) => ((BytesColumn)b).Append((byte[])r.GetValue(i)),
            _ => (r, i, b) =>
            {
                if (r.GetFieldType(i) == typeof(string))
                {
                    Text(b, r.GetString(i));
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
                Text(b, s);
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

    /// <summary>Text into a string column (or, for a column of another type read as text, through its parser).</summary>
    private static void Text(TypedColumn column, string value)
    {
        if (column is BytesColumn b) b.Append(value);
        else ((ObjectColumn)column).Append(value);
    }

    /// <summary>10^scale for <see cref="AppendReal"/> (0 when it does not fit a long).</summary>
    internal static long ScaleFactor(DecimalType type) => type.Scale <= 18 ? Pow10(type.Scale) : 0;

    /// <summary>
    /// A REAL into a decimal column (SQLite keeps DECIMAL(p,s) as REAL): rounded to the declared scale, exact for up
    /// to 15 significant digits. <paramref name="factor"/> is <see cref="ScaleFactor"/> of the type.
    /// </summary>
    internal static void AppendReal(DecimalColumn builder, double x, DecimalType type, long factor, string column)
    {
        // Fast path when the value is (within float error) a whole number of the scale's units, as money kept as REAL
        // is; otherwise through decimal (15 significant digits, as SQLite shows it).
        double scaled = x * factor, units = Math.Round(scaled);
        if (factor > 0 && Math.Abs(scaled) < 9e15 && Math.Abs(scaled - units) < 1e-6) AppendUnscaled(builder, (long)units, type, column);
        else Append(builder, Math.Round((decimal)x, type.Scale, MidpointRounding.ToEven), type, column);
    }

    internal static void Append(DecimalColumn builder, decimal value, DecimalType type, string column)
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

    private static void AppendUnscaled(DecimalColumn builder, Int128 unscaled, DecimalType type, string column)
    {
        try
        {
            builder.AppendUnscaled(unscaled);
        }
        catch (OverflowException e)
        {
            throw new IngestException($"Column '{column}': {ValueConverters.DecimalToString(unscaled, type.Scale)} does not fit {type} ({e.Message})", e);
        }
    }

    internal static void AppendText(DecimalColumn builder, string text, DecimalType type, string column)
    {
        if (!ValueConverters.TryParseDecimal(text, type.Scale, out var unscaled)) throw new FormatException($"'{text}' is not a {type}.");
        try
        {
            builder.AppendUnscaled(unscaled);
        }
        catch (OverflowException e)
        {
            throw new IngestException($"Column '{column}': {text} does not fit {type} ({e.Message})", e);
        }
    }

    /// <summary>"yyyy-MM-dd" (a longer text is cut to its date part).</summary>
    internal static DateOnly ParseDate(string s, string column)
    {
        if (TryDatePrefix(s, out var date)) return date;
        throw new IngestException($"Column '{column}': '{s}' is not a date (yyyy-MM-dd).");
    }

    /// <summary>Text that starts with "yyyy-MM-dd" (what <see cref="ParseDate"/> reads): its date.</summary>
    internal static bool TryDatePrefix(ReadOnlySpan<char> s, out DateOnly value) => TryDatePrefix<char>(s, out value);

    /// <summary>As <see cref="TryDatePrefix(ReadOnlySpan{char}, out DateOnly)"/>, on UTF-8 bytes.</summary>
    internal static bool TryDatePrefix(ReadOnlySpan<byte> s, out DateOnly value) => TryDatePrefix<byte>(s, out value);

    private static bool TryDatePrefix<T>(ReadOnlySpan<T> s, out DateOnly value) where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        return s.Length >= 10 && TryFastDate(s[..10], out value);
    }

    /// <summary>Exactly "yyyy-MM-dd" as UTF-8 (or ASCII) bytes.</summary>
    internal static bool TryFastDate(ReadOnlySpan<byte> s, out DateOnly value) => TryFastDate<byte>(s, out value);

    /// <summary>Exactly "yyyy-MM-dd".</summary>
    internal static bool TryFastDate(ReadOnlySpan<char> s, out DateOnly value) => TryFastDate<char>(s, out value);

    private static bool TryFastDate<T>(ReadOnlySpan<T> s, out DateOnly value) where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        if (s.Length != 10 || !Is(s[4], '-') || !Is(s[7], '-')
            || !TryDigits(s, 0, 4, out int y) || !TryDigits(s, 5, 2, out int m) || !TryDigits(s, 8, 2, out int d)) return false;
        if (y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m)) return false;
        value = new DateOnly(y, m, d);
        return true;
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

    internal static bool TryFastTimestamp(ReadOnlySpan<char> s, out DateTime value) => TryFastTimestamp<char>(s, out value);

    internal static bool TryFastTimestamp(ReadOnlySpan<byte> s, out DateTime value) => TryFastTimestamp<byte>(s, out value);

    private static bool TryFastTimestamp<T>(ReadOnlySpan<T> s, out DateTime value) where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        int n = s.Length;
        if (n > 0 && Is(s[n - 1], 'Z')) n--;
        if (n < 19 || !(Is(s[10], ' ') || Is(s[10], 'T')) || !Is(s[4], '-') || !Is(s[7], '-') || !Is(s[13], ':') || !Is(s[16], ':')) return false;
        if (!TryDigits(s, 0, 4, out int y) || !TryDigits(s, 5, 2, out int mo) || !TryDigits(s, 8, 2, out int d)
            || !TryDigits(s, 11, 2, out int h) || !TryDigits(s, 14, 2, out int mi) || !TryDigits(s, 17, 2, out int sec)) return false;
        long ticks = 0;
        if (n > 19)
        {
            if (!Is(s[19], '.') || n == 20 || n > 27) return false;
            long scale = TimeSpan.TicksPerSecond;
            for (int k = 20; k < n; k++)
            {
                int c = int.CreateTruncating(s[k]);
                if (c is < '0' or > '9') return false;
                scale /= 10;
                ticks += (c - '0') * scale;
            }
        }
        if (y < 1 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return false;
        value = new DateTime(y, mo, d, h, mi, sec, DateTimeKind.Utc).AddTicks(ticks);
        return true;
    }

    private static bool Is<T>(T c, char expected) where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(c) == expected;

    private static bool TryDigits<T>(ReadOnlySpan<T> s, int start, int count, out int value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (int k = start; k < start + count; k++)
        {
            int c = int.CreateTruncating(s[k]);
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
