using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DeltaLite.Parquet;
using TimeUnit = DeltaLite.Parquet.Metadata.TimeUnit;
using DeltaLite.Schema;

namespace DeltaLite.Partitions;

public static partial class PartitionValues
{
    private const NumberStyles IntegerStyle = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;

    /// <summary>
    /// The value a partition text stands for in a column of <paramref name="type"/> (see the class remarks for the
    /// CLR forms); null for null and for the empty string. Timestamps are accepted as "yyyy-MM-dd HH:mm:ss[.f…]"
    /// (read as UTC for <c>timestamp</c>), in ISO 8601 with 'T' and 'Z' or an offset (for <c>timestamp</c> only), or
    /// as a bare date; digits past microseconds are truncated.
    /// </summary>
    /// <exception cref="FormatException">The text is not a value of the type; the message names the text and type.</exception>
    public static object? Parse(string? text, DataType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (string.IsNullOrEmpty(text)) return null;
        switch (type)
        {
            case DecimalType d:
            {
                var u = ParseUnscaled(text, d);
                return ValueConverters.FitsDecimal(u) ? ValueConverters.ToDecimal(u, d.Scale) : ValueConverters.DecimalToString(u, d.Scale);
            }
            case TimestampType { Unit: TimeUnit.Micros } t:
                return ValueConverters.ToDateTime(ParseMicros(text, t), TimeUnit.Micros, t.IsAdjustedToUtc);
        }
        var inv = CultureInfo.InvariantCulture;
        switch (type.Kind)
        {
            case TypeKind.String: return text;
            case TypeKind.Boolean: return ParseBoolean(text, type);
            case TypeKind.Int8: return sbyte.TryParse(text, IntegerStyle, inv, out var i8) ? i8 : throw Invalid(text, type);
            case TypeKind.Int16: return short.TryParse(text, IntegerStyle, inv, out var i16) ? i16 : throw Invalid(text, type);
            case TypeKind.Int32: return int.TryParse(text, IntegerStyle, inv, out var i32) ? i32 : throw Invalid(text, type);
            case TypeKind.Int64: return long.TryParse(text, IntegerStyle, inv, out var i64) ? i64 : throw Invalid(text, type);
            case TypeKind.Float: return JavaFloatingPoint.TryParse(text, out double f) && (float.IsFinite((float)f) || !double.IsFinite(f)) ? (float)f : throw Invalid(text, type);
            case TypeKind.Double: return JavaFloatingPoint.TryParse(text, out double x) ? x : throw Invalid(text, type);
            case TypeKind.Date: return DateOnly.FromDayNumber(ValueConverters.UnixEpochDayNumber + ParseDays(text, type));
            case TypeKind.Binary: return Encoding.UTF8.GetBytes(text);
        }
        throw new ArgumentException($"{DeltaSchema.TypeName(type)} cannot be a partition column type.", nameof(type));
    }

    /// <summary>
    /// A vector of <paramref name="length"/> copies of the value <paramref name="text"/> stands for (nulls for null
    /// or ""), e.g. to add a partition column to the batches read from one data file.
    /// </summary>
    /// <exception cref="FormatException">The text is not a value of the type.</exception>
    public static ColumnVector Constant(string? text, DataType type, int length)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (string.IsNullOrEmpty(text))
        {
            if (!type.IsPrimitive) throw new ArgumentException($"{DeltaSchema.TypeName(type)} cannot be a partition column type.", nameof(type));
            return ConstantVectors.Nulls(type, length);
        }
        switch (type)
        {
            case DecimalType d:
            {
                var values = new Int128[length];
                Array.Fill(values, ParseUnscaled(text, d));
                return new DecimalVector(d, values, length);
            }
            case TimestampType { Unit: TimeUnit.Micros } t:
                return ConstantVectors.Repeat(type, ParseMicros(text, t), length);
        }
        return type.Kind switch
        {
            TypeKind.String or TypeKind.Binary => ConstantVectors.RepeatBytes(type, Encoding.UTF8.GetBytes(text), length),
            TypeKind.Boolean => ConstantVectors.Repeat(type, ParseBoolean(text, type), length),
            TypeKind.Int8 => ConstantVectors.Repeat(type, (sbyte)Parse(text, type)!, length),
            TypeKind.Int16 => ConstantVectors.Repeat(type, (short)Parse(text, type)!, length),
            TypeKind.Int32 => ConstantVectors.Repeat(type, (int)Parse(text, type)!, length),
            TypeKind.Int64 => ConstantVectors.Repeat(type, (long)Parse(text, type)!, length),
            TypeKind.Float => ConstantVectors.Repeat(type, (float)Parse(text, type)!, length),
            TypeKind.Double => ConstantVectors.Repeat(type, (double)Parse(text, type)!, length),
            TypeKind.Date => ConstantVectors.Repeat(type, ParseDays(text, type), length),
            _ => throw new ArgumentException($"{DeltaSchema.TypeName(type)} cannot be a partition column type.", nameof(type)),
        };
    }

    private static FormatException Invalid(string text, DataType type, string? why = null) =>
        new($"'{text}' is not a valid {DeltaSchema.TypeName(type)} partition value{(why is null ? "" : ": " + why)}.");

    private static bool ParseBoolean(string text, DataType type)
    {
        var t = text.Trim();
        if (t.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (t.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        throw Invalid(text, type);
    }

    private static Int128 ParseUnscaled(string text, DecimalType type)
    {
        if (!ValueConverters.TryParseDecimal(text, type.Scale, out var u))
            throw Invalid(text, type, $"not a number with at most {type.Scale} decimal places");
        try
        {
            CheckPrecision(u, type);
        }
        catch (OverflowException e)
        {
            throw Invalid(text, type, e.Message);
        }
        return u;
    }

    private static int ParseDays(string text, DataType type)
    {
        if (DateOnly.TryParseExact(text.Trim(), ["yyyy-MM-dd", "yyyy-M-d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return ValueConverters.ToDays(d);
        throw Invalid(text, type);
    }

    private static readonly Regex s_timestamp = new(
        @"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
        RegexOptions.CultureInvariant);

    private static long ParseMicros(string text, TimestampType type)
    {
        var m = s_timestamp.Match(text);
        if (!m.Success) throw Invalid(text, type, "expected yyyy-MM-dd HH:mm:ss[.ffffff]");
        int G(int i) => m.Groups[i].Success ? int.Parse(m.Groups[i].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        DateTime local;
        try
        {
            local = new DateTime(G(1), G(2), G(3), G(4), G(5), G(6), DateTimeKind.Unspecified);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Invalid(text, type, "no such date or time");
        }
        long micros = ValueConverters.FromDateTime(local, TimeUnit.Micros);
        if (m.Groups[7].Success)
        {
            string digits = m.Groups[7].Value.PadRight(6, '0')[..6];
            micros += long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        if (m.Groups[8].Success)
        {
            if (!type.IsAdjustedToUtc) throw Invalid(text, type, "a timestamp without time zone cannot have a zone");
            string zone = m.Groups[8].Value;
            if (zone != "Z")
            {
                int sign = zone[0] == '-' ? -1 : 1;
                string hhmm = zone[1..].Replace(":", "", StringComparison.Ordinal);
                int hours = int.Parse(hhmm.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture);
                int minutes = hhmm.Length > 2 ? int.Parse(hhmm.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
                if (hours > 18 || minutes > 59) throw Invalid(text, type, "bad zone offset");
                micros -= sign * (hours * 3600L + minutes * 60L) * 1_000_000L;
            }
        }
        return micros;
    }
}
