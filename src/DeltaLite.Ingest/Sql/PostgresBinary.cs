using System.Buffers.Binary;
using DeltaLite.Ingest.Columns;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// PostgreSQL's binary send formats (the bytes of one COPY BINARY field) decoded straight into the typed columns,
/// giving the values and the errors the Npgsql converters of <see cref="PostgresCopy"/>'s exporter readers give:
/// dates and timestamps outside System.DateTime's years 1-9999 fail as a DateTime would, 'infinity' fails as with
/// Npgsql's DisableDateTimeInfinityConversions (<see cref="PostgresDialect.CreateConnection"/>), numerics become the
/// System.Decimal Npgsql would give before they meet the column's scale and precision.
/// A field whose length is not its type's is an <see cref="InvalidDataException"/>: a stream that is not COPY's.
/// </summary>
internal static class PostgresBinary
{
    /// <summary>Appends one non-NULL field's bytes to its column.</summary>
    public delegate void Decoder(ReadOnlySpan<byte> value, TypedColumn column);

    // PostgreSQL dates and timestamps count from 2000-01-01.
    private const int EpochDayNumber = 730_119; // new DateOnly(2000, 1, 1).DayNumber
    private const int DaysFromUnixEpoch = 10_957;
    private const long MicrosFromUnixEpoch = 946_684_800_000_000;
    private const long EpochTicks = 630_822_816_000_000_000; // new DateTime(2000, 1, 1).Ticks
    private const long MinMicros = -EpochTicks / 10, MaxMicros = (3_155_378_975_999_999_999 - EpochTicks) / 10; // DateTime's range
    private const string Infinity = "PostgreSQL 'infinity' has no Delta date or timestamp value";

    /// <summary><paramref name="value"/> when it has <paramref name="length"/> bytes.</summary>
    public static ReadOnlySpan<byte> Fixed(ReadOnlySpan<byte> value, int length) =>
        value.Length == length ? value : throw new InvalidDataException($"a value of {value.Length} bytes where {length} were expected");

    /// <summary>A date (int32 days since 2000-01-01) as days since 1970-01-01.</summary>
    public static int Days(ReadOnlySpan<byte> value)
    {
        int days = BinaryPrimitives.ReadInt32BigEndian(Fixed(value, 4));
        if (days is int.MaxValue or int.MinValue) throw new InvalidCastException(Infinity);
        // Outside years 1-9999: the error Npgsql's DateTime arithmetic gives.
        if ((ulong)(EpochDayNumber + (long)days) > (ulong)DateOnly.MaxValue.DayNumber) _ = new DateTime(2000, 1, 1) + TimeSpan.FromDays(days);
        return days + DaysFromUnixEpoch;
    }

    /// <summary>A timestamp or timestamptz (int64 microseconds since 2000-01-01, UTC for timestamptz) as microseconds since 1970.</summary>
    public static long Micros(ReadOnlySpan<byte> value)
    {
        long micros = BinaryPrimitives.ReadInt64BigEndian(Fixed(value, 8));
        if (micros is long.MaxValue or long.MinValue) throw new InvalidCastException(Infinity);
        // Npgsql's words; it also says so past year 29,000, where its microseconds-to-ticks product wraps around.
        if (micros is < MinMicros or > MaxMicros) throw new InvalidCastException("Out of range of DateTime (year must be between 1 and 9999).");
        return micros + MicrosFromUnixEpoch;
    }

    /// <summary>jsonb's text after its format version byte (1).</summary>
    public static ReadOnlySpan<byte> Jsonb(ReadOnlySpan<byte> value) =>
        value.Length > 0 && value[0] == 1 ? value[1..] : throw new InvalidDataException($"a jsonb value of format version {(value.IsEmpty ? "(none)" : value[0])}");

    /// <summary>A uuid (16 bytes, network order) as Guid.ToString() writes it: 8-4-4-4-12 lowercase hex digits.</summary>
    public static void AppendUuid(ReadOnlySpan<byte> value, BytesColumn column)
    {
        value = Fixed(value, 16);
        Span<byte> text = stackalloc byte[36];
        int at = 0;
        for (int i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10) text[at++] = (byte)'-';
            text[at++] = Hex(value[i] >> 4);
            text[at++] = Hex(value[i] & 0xF);
        }
        column.Append(text);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    /// <summary>
    /// A numeric (int16 digit count, weight, sign and display scale, then base-10000 digits) into a decimal column
    /// whose precision System.Decimal holds: a value at the column's scale that fits is appended as it is; any other
    /// goes through the System.Decimal Npgsql gives (<see cref="ColumnReaders.Append"/>: the same result or error).
    /// </summary>
    public static void AppendNumeric(ReadOnlySpan<byte> value, DecimalColumn column, DecimalType type, string name)
    {
        if (value.Length < 8) throw new InvalidDataException($"a numeric value of {value.Length} bytes");
        int count = BinaryPrimitives.ReadInt16BigEndian(value);
        int weight = BinaryPrimitives.ReadInt16BigEndian(value[2..]);
        ushort sign = BinaryPrimitives.ReadUInt16BigEndian(value[4..]);
        int scale = BinaryPrimitives.ReadInt16BigEndian(value[6..]);
        if (count < 0 || value.Length != 8 + 2 * count || scale < 0) throw new InvalidDataException($"a numeric value of {value.Length} bytes with {count} digits");
        switch (sign)
        {
            case 0x0000 or 0x4000:
                break;
            case 0xC000:
                throw new InvalidCastException("Numeric NaN not supported by System.Decimal");
            case 0xD000 or 0xF000:
                throw new InvalidCastException("Numeric Infinity not supported by System.Decimal");
            default:
                throw new InvalidDataException($"a numeric value with sign 0x{sign:X4}");
        }
        if (!TryUnscaled(value[8..], count, weight, scale, out var magnitude))
            throw new OverflowException("Numeric value does not fit in a System.Decimal");
        var unscaled = sign == 0x4000 ? -magnitude : magnitude;
        if (scale == type.Scale && column.TryAppendUnscaled(unscaled)) return;
        // Rare: a display scale other than the column's, or too many digits for its precision.
        if (scale > 28 || !ValueConverters.FitsDecimal(unscaled)) throw new OverflowException("Numeric value does not fit in a System.Decimal");
        ColumnReaders.Append(column, ValueConverters.ToDecimal(unscaled, scale), type, name);
    }

    /// <summary>The digits as an integer count of 10^-<paramref name="scale"/>; false past 38 decimal digits.</summary>
    private static bool TryUnscaled(ReadOnlySpan<byte> digits, int count, int weight, int scale, out Int128 unscaled)
    {
        // The last digit has weight weight - count + 1 (in base 10000); the display scale counts decimal places.
        long shift = 4L * (weight - count + 1) + scale;
        if (count <= 4 && shift is >= -18 and <= 18)
        {
            // Up to 16 decimal digits (money and most numerics) in a long: no 128-bit division on the common path.
            long value = 0;
            for (int i = 0; i < count; i++) value = value * 10_000 + Digit(digits, i);
            long power = Powers[(int)Math.Abs(shift)];
            if (shift < 0)
            {
                if (value % power != 0) throw PastScale();
                unscaled = value / power;
                return true;
            }
            if (value <= long.MaxValue / power)
            {
                unscaled = value * power;
                return true;
            }
        }
        return TryUnscaledWide(digits, count, shift, out unscaled);
    }

    private static readonly long[] Powers = PowersOfTen();

    private static long[] PowersOfTen()
    {
        var powers = new long[19];
        powers[0] = 1;
        for (int n = 1; n < powers.Length; n++) powers[n] = powers[n - 1] * 10;
        return powers;
    }

    private static int Digit(ReadOnlySpan<byte> digits, int i)
    {
        int digit = BinaryPrimitives.ReadInt16BigEndian(digits[(2 * i)..]);
        return digit is >= 0 and <= 9999 ? digit : throw new InvalidDataException($"a numeric base-10000 digit of {digit}");
    }

    // Digits past the display scale: zero in what PostgreSQL sends; dropping others would round, so refuse them.
    private static InvalidDataException PastScale() => new("a numeric value with digits past its display scale");

    private static bool TryUnscaledWide(ReadOnlySpan<byte> digits, int count, long shift, out Int128 unscaled)
    {
        Int128 limit = Int128.MaxValue / 10_000;
        unscaled = 0;
        for (int i = 0; i < count; i++)
        {
            int digit = Digit(digits, i);
            if (unscaled > limit) return false;
            unscaled = unscaled * 10_000 + digit;
        }
        for (; shift > 0; shift--)
        {
            if (unscaled > Int128.MaxValue / 10) return false;
            unscaled *= 10;
        }
        for (; shift < 0 && unscaled != 0; shift++)
        {
            if (unscaled % 10 != 0) throw PastScale();
            unscaled /= 10;
        }
        return true;
    }

    /// <summary>
    /// A numeric selected as text (wider than System.Decimal) into its decimal column: the same parse and errors as
    /// <see cref="ColumnReaders.AppendText"/>, without a string for the values that fit.
    /// </summary>
    public static void AppendNumericText(ReadOnlySpan<byte> value, DecimalColumn column, DecimalType type, string name)
    {
        if (value.Length <= 128)
        {
            Span<char> text = stackalloc char[value.Length];
            bool ascii = true;
            for (int i = 0; i < value.Length; i++)
            {
                ascii &= value[i] < 0x80;
                text[i] = (char)value[i];
            }
            if (ascii && ValueConverters.TryParseDecimal(text, type.Scale, out var unscaled) && column.TryAppendUnscaled(unscaled)) return;
        }
        ColumnReaders.AppendText(column, System.Text.Encoding.UTF8.GetString(value), type, name);
    }
}
