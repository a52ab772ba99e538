using System.Globalization;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet;

/// <summary>Conversions between stored column values and CLR values.</summary>
public static class ValueConverters
{
    /// <summary><see cref="DateOnly.DayNumber"/> of 1970-01-01.</summary>
    public static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    private static readonly Int128 MaxDecimalUnscaled = (Int128)decimal.MaxValue;

    public static long TicksPerUnit(TimeUnit unit) => unit switch
    {
        TimeUnit.Millis => TimeSpan.TicksPerMillisecond,
        TimeUnit.Micros => TimeSpan.TicksPerMicrosecond,
        _ => 0, // nanos: 100 per tick, handled by callers
    };

    /// <summary>A count of <paramref name="unit"/> since the epoch as a DateTime (ticks truncate nanoseconds).</summary>
    public static DateTime ToDateTime(long value, TimeUnit unit, bool utc)
    {
        long ticks;
        try
        {
            ticks = unit switch
            {
                TimeUnit.Millis => checked(value * TimeSpan.TicksPerMillisecond),
                TimeUnit.Micros => checked(value * TimeSpan.TicksPerMicrosecond),
                _ => FloorDiv(value, 100),
            };
        }
        catch (OverflowException)
        {
            throw new OverflowException($"Timestamp {value} ({unit} since 1970) is outside the range of System.DateTime (years 1-9999).");
        }
        long total = DateTime.UnixEpoch.Ticks + ticks;
        if (total < DateTime.MinValue.Ticks || total > DateTime.MaxValue.Ticks)
            throw new OverflowException($"Timestamp {value} ({unit} since 1970) is outside the range of System.DateTime (years 1-9999).");
        return new DateTime(total, utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
    }

    /// <summary>A DateTime as a count of <paramref name="unit"/> since the epoch (UTC kinds converted first).</summary>
    public static long FromDateTime(DateTime value, TimeUnit unit)
    {
        if (value.Kind == DateTimeKind.Local) value = value.ToUniversalTime();
        long ticks = value.Ticks - DateTime.UnixEpoch.Ticks;
        return unit switch
        {
            TimeUnit.Millis => FloorDiv(ticks, TimeSpan.TicksPerMillisecond),
            TimeUnit.Micros => FloorDiv(ticks, TimeSpan.TicksPerMicrosecond),
            _ => checked(ticks * 100),
        };
    }

    public static TimeOnly ToTimeOnly(long value, TimeUnit unit) => new(unit switch
    {
        TimeUnit.Millis => value * TimeSpan.TicksPerMillisecond,
        TimeUnit.Micros => value * TimeSpan.TicksPerMicrosecond,
        _ => value / 100,
    });

    public static int ToDays(DateOnly date) => date.DayNumber - UnixEpochDayNumber;

    public static bool FitsDecimal(Int128 unscaled) => unscaled <= MaxDecimalUnscaled && unscaled >= -MaxDecimalUnscaled;

    public static decimal ToDecimal(Int128 unscaled, int scale)
    {
        if (!FitsDecimal(unscaled)) throw new OverflowException($"Decimal {DecimalToString(unscaled, scale)} does not fit System.Decimal.");
        bool negative = unscaled < 0;
        UInt128 mag = (UInt128)(negative ? -unscaled : unscaled);
        int lo = (int)(uint)mag, mid = (int)(uint)(mag >> 32), hi = (int)(uint)(mag >> 64);
        if (scale <= 28) return new decimal(lo, mid, hi, negative, (byte)scale);
        // Scales above 28 do not fit System.Decimal exactly: round through text.
        return decimal.Parse(DecimalToString(unscaled, scale), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>An unscaled value for <paramref name="scale"/>; throws <see cref="OverflowException"/> if it needs rounding.</summary>
    public static Int128 FromDecimal(decimal value, int scale)
    {
        var bits = decimal.GetBits(value);
        int valueScale = (bits[3] >> 16) & 0xFF;
        bool negative = bits[3] < 0;
        Int128 mag = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        while (valueScale < scale) { mag *= 10; valueScale++; }
        while (valueScale > scale)
        {
            if (mag % 10 != 0) throw new OverflowException($"{value.ToString(CultureInfo.InvariantCulture)} has more than {scale} decimal places.");
            mag /= 10;
            valueScale--;
        }
        return negative ? -mag : mag;
    }

    public static string DecimalToString(Int128 unscaled, int scale)
    {
        bool negative = unscaled < 0;
        string digits = negative ? (-(UInt128)0 - (UInt128)unscaled).ToString(CultureInfo.InvariantCulture) : unscaled.ToString(CultureInfo.InvariantCulture);
        if (scale > 0)
        {
            if (digits.Length <= scale) digits = new string('0', scale - digits.Length + 1) + digits;
            digits = digits[..^scale] + "." + digits[^scale..];
        }
        return negative ? "-" + digits : digits;
    }

    /// <summary>Parses invariant decimal text ("-12.3", "1e3") to an unscaled value at <paramref name="scale"/>; false if it needs rounding or overflows 38 digits.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, int scale, out Int128 unscaled)
    {
        unscaled = 0;
        text = text.Trim();
        if (text.IsEmpty) return false;
        bool negative = false;
        if (text[0] is '-' or '+') { negative = text[0] == '-'; text = text[1..]; }
        int exponent = 0;
        int e = text.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            if (!int.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)) return false;
            text = text[..e];
        }
        if (text.IsEmpty) return false;
        Int128 acc = 0;
        int fraction = 0;
        bool seenPoint = false, anyDigit = false;
        Int128 limit = Int128.Parse("99999999999999999999999999999999999999", CultureInfo.InvariantCulture);
        foreach (char c in text)
        {
            if (c == '.') { if (seenPoint) return false; seenPoint = true; continue; }
            if (c is < '0' or > '9') return false;
            anyDigit = true;
            acc = acc * 10 + (c - '0');
            if (acc > limit) return false;
            if (seenPoint) fraction++;
        }
        if (!anyDigit) return false;
        int shift = scale - (fraction - exponent);
        for (; shift > 0; shift--) { acc *= 10; if (acc > limit) return false; }
        for (; shift < 0; shift++) { if (acc % 10 != 0) return false; acc /= 10; }
        unscaled = negative ? -acc : acc;
        return true;
    }

    /// <summary>Parquet UUIDs are 16 big-endian bytes.</summary>
    public static Guid ToGuid(ReadOnlySpan<byte> bytes) => new(bytes, bigEndian: true);

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }
}
