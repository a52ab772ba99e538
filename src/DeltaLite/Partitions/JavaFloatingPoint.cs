using System.Globalization;
using System.Text;

namespace DeltaLite.Partitions;

/// <summary>
/// Floating-point text as Java's Double.toString / Float.toString print it, which is how Spark writes float and double
/// partition values: the shortest digits that round-trip, plain with at least one fraction digit when
/// 10^-3 ≤ |x| &lt; 10^7 ("9.9", "10.0", "0.001"), otherwise "d.dddE±n" ("1.0E7", "1.5E-4"); "NaN", "Infinity",
/// "-Infinity"; "-0.0".
/// </summary>
internal static class JavaFloatingPoint
{
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";
        return Layout(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture), value < 0);
    }

    public static string Format(float value)
    {
        if (float.IsNaN(value)) return "NaN";
        if (float.IsPositiveInfinity(value)) return "Infinity";
        if (float.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return float.IsNegative(value) ? "-0.0" : "0.0";
        return Layout(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture), value < 0);
    }

    /// <summary>Parses Java's forms (and .NET's: "1E+20"), "NaN", "Infinity", "-Infinity".</summary>
    public static bool TryParse(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Re-lays the shortest round-trip text of a positive number the way Java prints it.</summary>
    private static string Layout(string shortest, bool negative)
    {
        int e = shortest.IndexOfAny(['E', 'e']);
        int exponent = e < 0 ? 0 : int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mantissa = e < 0 ? shortest : shortest[..e];
        int point = mantissa.IndexOf('.');
        int intDigits = point < 0 ? mantissa.Length : point;
        string digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        int pointPos = intDigits - lead + exponent;
        int sciExp = pointPos - 1;
        var sb = new StringBuilder(digits.Length + 8);
        if (negative) sb.Append('-');
        if (sciExp is >= -3 and < 7)
        {
            if (pointPos <= 0) sb.Append("0.").Append('0', -pointPos).Append(digits);
            else if (pointPos >= digits.Length) sb.Append(digits).Append('0', pointPos - digits.Length).Append(".0");
            else sb.Append(digits, 0, pointPos).Append('.').Append(digits, pointPos, digits.Length - pointPos);
        }
        else
        {
            sb.Append(digits[0]).Append('.');
            if (digits.Length > 1) sb.Append(digits, 1, digits.Length - 1); else sb.Append('0');
            sb.Append('E').Append(sciExp.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
