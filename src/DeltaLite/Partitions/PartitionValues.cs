using System.Globalization;
using System.Text;
using DeltaLite.Parquet;
using TimeUnit = DeltaLite.Parquet.Metadata.TimeUnit;
using DeltaLite.Schema;

namespace DeltaLite.Partitions;

/// <summary>
/// Partition values as the Delta log stores them (PROTOCOL.md "Partition Value Serialization"): strings in
/// <c>add.partitionValues</c>, with null (or an empty string, for any type) meaning a null value; and the Hive-style
/// folder names and URI-encoded <c>add.path</c> that hold them.
/// </summary>
/// <remarks>
/// CLR forms, as <see cref="ColumnVector.GetValue"/> returns them: bool, sbyte, short, int, long, float, double,
/// decimal (or its exact text when beyond System.Decimal), string, byte[], DateOnly, and DateTime (Kind Utc for
/// <c>timestamp</c>, Unspecified for <c>timestamp_ntz</c>).
/// Text forms: integers in plain digits; float and double as Java prints them ("9.9", "10.0", "1.0E20", "NaN",
/// "Infinity"); decimals with exactly the type's scale ("-1.50"); "true"/"false"; dates "yyyy-MM-dd"; timestamps
/// "yyyy-MM-dd HH:mm:ss" with ".ffffff" when there are microseconds, written in UTC; binary as the string its bytes
/// are in UTF-8.
/// </remarks>
public static partial class PartitionValues
{
    /// <summary>
    /// The text the log stores for <paramref name="value"/> in a partition column of <paramref name="type"/>;
    /// null for null and for the empty string (the spec reads an empty value as null, so Spark writes it as null).
    /// </summary>
    /// <exception cref="ArgumentException">The value is not of a form the type takes, or does not fit it (e.g. more
    /// decimal places than the scale, 300 for a byte, binary that is not UTF-8); or the type is not primitive.</exception>
    public static string? Serialize(object? value, DataType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (value is null or DBNull) return null;
        try
        {
            return SerializeValue(value, type);
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException)
        {
            throw new ArgumentException($"{Describe(value)} cannot be a {DeltaSchema.TypeName(type)} partition value: {e.Message}", nameof(value), e);
        }
    }

    private static string Describe(object value) => value switch
    {
        string s => $"'{s}'",
        IFormattable f => $"{value.GetType().Name} {f.ToString(null, CultureInfo.InvariantCulture)}",
        _ => value.GetType().Name,
    };

    private static string? SerializeValue(object value, DataType type)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (type)
        {
            case DecimalType d:
                return SerializeDecimal(value, d);
            case TimestampType { Unit: TimeUnit.Micros } t:
                return FormatTimestamp(ToMicros(value, t));
        }
        switch (type.Kind)
        {
            case TypeKind.String:
                var s = value as string ?? throw new InvalidCastException($"a string column takes a string, not a {value.GetType().Name}");
                return s.Length == 0 ? null : s;
            case TypeKind.Boolean:
                return value is bool b ? (b ? "true" : "false") : throw new InvalidCastException("a boolean column takes a bool");
            case TypeKind.Int8: return ToInteger(value, sbyte.MinValue, sbyte.MaxValue).ToString(inv);
            case TypeKind.Int16: return ToInteger(value, short.MinValue, short.MaxValue).ToString(inv);
            case TypeKind.Int32: return ToInteger(value, int.MinValue, int.MaxValue).ToString(inv);
            case TypeKind.Int64: return ToInteger(value, long.MinValue, long.MaxValue).ToString(inv);
            case TypeKind.Float:
                return value switch
                {
                    float f => JavaFloatingPoint.Format(f),
                    _ when IsIntegerOrFloat(value) => JavaFloatingPoint.Format(System.Convert.ToSingle(value, inv)),
                    _ => throw new InvalidCastException("a float column takes a number"),
                };
            case TypeKind.Double:
                return value switch
                {
                    double x => JavaFloatingPoint.Format(x),
                    float f => JavaFloatingPoint.Format((double)f),
                    _ when IsIntegerOrFloat(value) => JavaFloatingPoint.Format(System.Convert.ToDouble(value, inv)),
                    _ => throw new InvalidCastException("a double column takes a number"),
                };
            case TypeKind.Date:
                var date = value switch
                {
                    DateOnly x => x,
                    DateTime x => DateOnly.FromDateTime(x),
                    int days => DateOnly.FromDayNumber(checked(ValueConverters.UnixEpochDayNumber + days)),
                    _ => throw new InvalidCastException("a date column takes a DateOnly, DateTime or int days since 1970-01-01"),
                };
                return date.ToString("yyyy-MM-dd", inv);
            case TypeKind.Binary:
                var bytes = value switch
                {
                    byte[] x => x,
                    ReadOnlyMemory<byte> m => m.ToArray(),
                    _ => throw new InvalidCastException("a binary column takes a byte[]"),
                };
                if (bytes.Length == 0) return null;
                try
                {
                    return new UTF8Encoding(false, true).GetString(bytes);
                }
                catch (DecoderFallbackException e)
                {
                    throw new FormatException("binary partition values are stored as UTF-8 text and these bytes are not UTF-8", e);
                }
        }
        throw new ArgumentException($"{DeltaSchema.TypeName(type)} cannot be a partition column type.", nameof(type));
    }

    private static bool IsIntegerOrFloat(object value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static long ToInteger(object value, long min, long max)
    {
        long v = value switch
        {
            sbyte x => x,
            byte x => x,
            short x => x,
            ushort x => x,
            int x => x,
            uint x => x,
            long x => x,
            ulong x => x <= long.MaxValue ? (long)x : throw new OverflowException("out of range"),
            _ => throw new InvalidCastException("an integer column takes an integer"),
        };
        if (v < min || v > max) throw new OverflowException($"out of range {min}..{max}");
        return v;
    }

    private static string SerializeDecimal(object value, DecimalType type)
    {
        Int128 unscaled = value switch
        {
            decimal m => ValueConverters.FromDecimal(m, type.Scale),
            string text => ValueConverters.TryParseDecimal(text, type.Scale, out var u) ? u
                : throw new FormatException($"not a number with at most {type.Scale} decimal places"),
            sbyte or byte or short or ushort or int or uint or long or ulong =>
                ValueConverters.FromDecimal(System.Convert.ToDecimal(value, CultureInfo.InvariantCulture), type.Scale),
            _ => throw new InvalidCastException("a decimal column takes a decimal, an integer or decimal text"),
        };
        CheckPrecision(unscaled, type);
        return ValueConverters.DecimalToString(unscaled, type.Scale);
    }

    private static void CheckPrecision(Int128 unscaled, DecimalType type)
    {
        Int128 limit = 1;
        for (int i = 0; i < type.Precision; i++) limit *= 10;
        if (Int128.Abs(unscaled) >= limit)
            throw new OverflowException($"{ValueConverters.DecimalToString(unscaled, type.Scale)} has more than {type.Precision} digits");
    }

    private static long ToMicros(object value, TimestampType type) => value switch
    {
        DateTime dt => ValueConverters.FromDateTime(
            type.IsAdjustedToUtc ? (dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt)
                                 : DateTime.SpecifyKind(dt, DateTimeKind.Unspecified), TimeUnit.Micros),
        DateTimeOffset dto => ValueConverters.FromDateTime(type.IsAdjustedToUtc ? dto.UtcDateTime : dto.DateTime, TimeUnit.Micros),
        long micros => micros,
        _ => throw new InvalidCastException("a timestamp column takes a DateTime, DateTimeOffset or long microseconds since 1970"),
    };

    private static string FormatTimestamp(long micros)
    {
        var dt = ValueConverters.ToDateTime(micros, TimeUnit.Micros, utc: false);
        long fraction = micros % 1_000_000;
        if (fraction < 0) fraction += 1_000_000;
        string text = dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return fraction == 0 ? text : text + "." + fraction.ToString("D6", CultureInfo.InvariantCulture);
    }
}
