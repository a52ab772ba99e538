namespace DeltaLite.LoanGenerator;

/// <summary>Allocation-free ASCII formatting of the generator's fixed-point numbers, dates and times.</summary>
internal static class Utf8Digits
{
    /// <summary>Writes <paramref name="value"/> / 10^<paramref name="scale"/> (scale 1 or 2) with exactly that many decimals.</summary>
    public static int Scaled(long value, int scale, Span<byte> d)
    {
        var pos = 0;
        if (value < 0)
        {
            d[pos++] = (byte)'-';
            value = -value;
        }
        Span<byte> tmp = stackalloc byte[20];
        var n = 0;
        for (var i = 0; i < scale; i++)
        {
            tmp[n++] = (byte)('0' + value % 10);
            value /= 10;
        }
        do
        {
            tmp[n++] = (byte)('0' + value % 10);
            value /= 10;
        }
        while (value > 0);
        for (var i = n - 1; i >= scale; i--)
        {
            d[pos++] = tmp[i];
        }
        d[pos++] = (byte)'.';
        for (var i = scale - 1; i >= 0; i--)
        {
            d[pos++] = tmp[i];
        }
        return pos;
    }

    /// <summary>Writes "yyyy-MM-dd".</summary>
    public static int Date(DateOnly date, Span<byte> d)
    {
        date.Deconstruct(out var year, out var month, out var day);
        d[0] = (byte)('0' + year / 1000);
        d[1] = (byte)('0' + year / 100 % 10);
        d[2] = (byte)('0' + year / 10 % 10);
        d[3] = (byte)('0' + year % 10);
        d[4] = (byte)'-';
        d[5] = (byte)('0' + month / 10);
        d[6] = (byte)('0' + month % 10);
        d[7] = (byte)'-';
        d[8] = (byte)('0' + day / 10);
        d[9] = (byte)('0' + day % 10);
        return 10;
    }

    /// <summary>Writes "HH:mm:ss".</summary>
    public static int Time(DateTime time, Span<byte> d)
    {
        var (h, m, s) = (time.Hour, time.Minute, time.Second);
        d[0] = (byte)('0' + h / 10);
        d[1] = (byte)('0' + h % 10);
        d[2] = (byte)':';
        d[3] = (byte)('0' + m / 10);
        d[4] = (byte)('0' + m % 10);
        d[5] = (byte)':';
        d[6] = (byte)('0' + s / 10);
        d[7] = (byte)('0' + s % 10);
        return 8;
    }
}
