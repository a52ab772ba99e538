using System.Globalization;

namespace DeltaLite.LoanGenerator;

/// <summary>
/// The text forms used by the CSV files and by SQLite: fixed-point decimals with invariant formatting ("1234.50"),
/// ISO dates ("2020-03-14") and UTC timestamps. The forms sort in the same order as the values.
/// </summary>
internal static class LoanText
{
    /// <summary>Timestamp form in CSV files: ISO 8601 with an explicit UTC designator.</summary>
    public const string CsvTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Timestamp form in SQLite: the form Microsoft.Data.Sqlite itself binds DateTime values with (whole seconds).</summary>
    public const string SqliteTimestampFormat = "yyyy-MM-dd HH:mm:ss";

    public const string DateFormat = "yyyy-MM-dd";

    private static readonly string[] TimestampFormats = [CsvTimestampFormat, SqliteTimestampFormat, "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    /// <summary>Writes <paramref name="value"/> / 10^<paramref name="scale"/> with exactly <paramref name="scale"/> decimals.</summary>
    public static int FormatScaled(long value, int scale, Span<char> destination)
    {
        var pos = 0;
        if (value < 0)
        {
            destination[pos++] = '-';
            value = -value;
        }
        var divisor = scale == 2 ? 100L : 10L;
        var whole = value / divisor;
        var frac = value % divisor;
        whole.TryFormat(destination[pos..], out var written, default, CultureInfo.InvariantCulture);
        pos += written;
        destination[pos++] = '.';
        if (scale == 2)
        {
            destination[pos++] = (char)('0' + frac / 10);
        }
        destination[pos++] = (char)('0' + frac % 10);
        return pos;
    }

    public static string Scaled(long value, int scale)
    {
        Span<char> buffer = stackalloc char[24];
        var n = FormatScaled(value, scale, buffer);
        return new string(buffer[..n]);
    }

    public static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses "1234.5", "1234.50" or "1234" into units of 10^-scale; rejects more decimals than the scale.</summary>
    public static long ParseScaled(string text, int scale, string column)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d))
        {
            throw new LoanGeneratorException($"column {column}: '{text}' is not a decimal number");
        }
        return ToScaled(d, scale, column);
    }

    public static long ToScaled(decimal value, int scale, string column)
    {
        var scaled = value * (scale == 2 ? 100m : 10m);
        if (scaled != decimal.Truncate(scaled))
        {
            throw new LoanGeneratorException($"column {column}: {value.ToString(CultureInfo.InvariantCulture)} has more than {scale} decimals");
        }
        return (long)scaled;
    }

    public static DateOnly ParseDate(string text, string column) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : DateTime.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt)
                ? DateOnly.FromDateTime(dt)
                : throw new LoanGeneratorException($"column {column}: '{text}' is not a date");

    public static DateTime ParseTimestamp(string text, string column) =>
        DateTime.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt)
            ? DateTime.SpecifyKind(dt, DateTimeKind.Utc)
            : throw new LoanGeneratorException($"column {column}: '{text}' is not a timestamp");

    public static int ParseInt(string text, string column) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new LoanGeneratorException($"column {column}: '{text}' is not an integer");

    public static long ParseLong(string text, string column) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new LoanGeneratorException($"column {column}: '{text}' is not an integer");
}
