using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Unicode;
using DeltaLite.Ingest.Columns;
using DeltaLite.Ingest.Sql;
using DeltaLite.Parquet;

namespace DeltaLite.Ingest.Csv;

/// <summary>
/// Parses CSV fields straight from their UTF-8 bytes into typed columns: the plain forms (digits with an optional sign
/// and the culture's decimal separator, yyyy-MM-dd, yyyy-MM-dd HH:mm:ss[.f], true/false...) without a string or a box.
/// A field the fast path does not take (surrounding spaces, group separators, other layouts, bad values) goes the slow
/// way, <see cref="CsvSchema.Parse"/> on its text, which accepts the same values as before and words the errors.
/// </summary>
internal sealed class CsvValueParser
{
    private readonly CultureInfo _culture;
    private readonly byte[] _group;
    // The culture's decimal point and signs when they are single ASCII characters (0: the plain decimal path does not run).
    private readonly byte _point, _minus, _plus;

    public CsvValueParser(CultureInfo culture)
    {
        _culture = culture;
        var format = culture.NumberFormat;
        _group = Encoding.UTF8.GetBytes(format.NumberGroupSeparator);
        _point = SingleAscii(format.NumberDecimalSeparator);
        _minus = SingleAscii(format.NegativeSign);
        _plus = SingleAscii(format.PositiveSign);
    }

    private static byte SingleAscii(string s) => s.Length == 1 && s[0] is > ' ' and < (char)0x7F and not (>= '0' and <= '9') ? (byte)s[0] : (byte)0;

    /// <summary>Appends the non-empty field <paramref name="utf8"/> to <paramref name="column"/>; false when the slow path must decide.</summary>
    public bool TryAppend(TypedColumn column, ReadOnlySpan<byte> utf8)
    {
        if (column.Type.Kind == TypeKind.String)
        {
            if (column is not BytesColumn text || !Utf8.IsValid(utf8)) return false;
            text.Append(utf8);
            return true;
        }
        // Other types are trimmed first: spaces (or anything not ASCII) at either end go the slow way.
        if (IsSpaceOrWide(utf8[0]) || IsSpaceOrWide(utf8[^1])) return false;
        switch (column)
        {
            case DecimalColumn d:
                {
                    if (TryPlainDecimal(d, utf8)) return true;
                    if (HasGroup(utf8) || !decimal.TryParse(utf8, NumberStyles.Float, _culture, out var m)
                        || !DecimalColumn.TryUnscaled(m, d.DecimalType.Scale, out var unscaled)) return false;
                    d.AppendUnscaled(unscaled);
                    return true;
                }
            case FixedColumn<long> l when column.Type.Kind == TypeKind.Timestamp:
                {
                    if (!ColumnReaders.TryFastTimestamp(utf8, out var t)) return false;
                    l.Append(ValueConverters.FromDateTime(t, ((TimestampType)column.Type).Unit));
                    return true;
                }
            case FixedColumn<long> l:
                {
                    if (!TryPlainInteger(utf8, out long v)) return TryNumber(l, utf8, NumberStyles.AllowLeadingSign);
                    l.Append(v);
                    return true;
                }
            case FixedColumn<int> i when column.Type.Kind == TypeKind.Date:
                {
                    if (!ColumnReaders.TryFastDate(utf8, out var date)) return false;
                    i.Append(ValueConverters.ToDays(date));
                    return true;
                }
            case FixedColumn<int> i:
                {
                    if (!TryPlainInteger(utf8, out long v) || v is < int.MinValue or > int.MaxValue) return TryNumber(i, utf8, NumberStyles.AllowLeadingSign);
                    i.Append((int)v);
                    return true;
                }
            case FixedColumn<short> s:
                return TryNumber(s, utf8, NumberStyles.AllowLeadingSign);
            case FixedColumn<sbyte> b:
                return TryNumber(b, utf8, NumberStyles.AllowLeadingSign);
            case FixedColumn<double> f:
                return !HasGroup(utf8) && TryNumber(f, utf8, NumberStyles.Float);
            case FixedColumn<float> f:
                return !HasGroup(utf8) && TryNumber(f, utf8, NumberStyles.Float);
            case FixedColumn<bool> b:
                {
                    bool? v = Boolean(utf8);
                    if (v is null) return false;
                    b.Append(v.Value);
                    return true;
                }
            default:
                return false;
        }
    }

    /// <summary>Appends a value parsed by <see cref="CsvSchema.Parse"/> (its CLR form for the column's type).</summary>
    public static void AppendParsed(TypedColumn column, object value)
    {
        switch (column)
        {
            case DecimalColumn d: d.Append((decimal)value); break;
            case BytesColumn b when value is string s: b.Append(s); break;
            case BytesColumn b: b.Append((byte[])value); break;
            case FixedColumn<long> l when value is DateTime t: l.Append(ValueConverters.FromDateTime(t, ((TimestampType)column.Type).Unit)); break;
            case FixedColumn<long> l: l.Append((long)value); break;
            case FixedColumn<int> i when value is DateOnly date: i.Append(ValueConverters.ToDays(date)); break;
            case FixedColumn<int> i: i.Append((int)value); break;
            case FixedColumn<short> s: s.Append((short)value); break;
            case FixedColumn<sbyte> b: b.Append((sbyte)value); break;
            case FixedColumn<double> f: f.Append((double)value); break;
            case FixedColumn<float> f: f.Append((float)value); break;
            case FixedColumn<bool> b: b.Append((bool)value); break;
            case ObjectColumn o: o.Append(value); break;
            default: throw new InvalidOperationException($"A {value.GetType().Name} cannot go into a {column.Type} column.");
        }
    }

    /// <summary>
    /// A plain decimal (an optional sign, up to 18 digits with the culture's decimal point, no more places than the
    /// column's scale) straight to its unscaled value; anything else is left to <see cref="decimal.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out decimal)"/>.
    /// A value with too many digits for the column's precision throws <see cref="OverflowException"/> as there.
    /// </summary>
    private bool TryPlainDecimal(DecimalColumn column, ReadOnlySpan<byte> utf8)
    {
        if (_point == 0 || _minus == 0) return false;
        int i = 0;
        bool negative = false;
        if (utf8[0] == _minus) (negative, i) = (true, 1);
        else if (utf8[0] == _plus) i = 1;
        long value = 0;
        int digits = 0, places = -1;
        for (; i < utf8.Length; i++)
        {
            uint digit = (uint)(utf8[i] - '0');
            if (digit <= 9)
            {
                if (++digits > 18) return false;
                value = value * 10 + digit;
                if (places >= 0) places++;
            }
            else if (utf8[i] == _point && places < 0) places = 0;
            else return false;
        }
        int scale = column.DecimalType.Scale;
        if (digits == 0 || places > scale) return false;
        Int128 unscaled = value;
        for (int p = Math.Max(places, 0); p < scale; p++) unscaled *= 10;
        column.AppendUnscaled(negative ? -unscaled : unscaled);
        return true;
    }

    /// <summary>A plain integer (an optional sign and up to 18 digits); anything else is left to the type's TryParse.</summary>
    private bool TryPlainInteger(ReadOnlySpan<byte> utf8, out long value)
    {
        value = 0;
        if (_minus == 0) return false;
        int i = 0;
        bool negative = false;
        if (utf8[0] == _minus) (negative, i) = (true, 1);
        else if (utf8[0] == _plus) i = 1;
        if (i == utf8.Length || utf8.Length - i > 18) return false;
        long v = 0;
        for (; i < utf8.Length; i++)
        {
            uint digit = (uint)(utf8[i] - '0');
            if (digit > 9) return false;
            v = v * 10 + digit;
        }
        value = negative ? -v : v;
        return true;
    }

    private bool TryNumber<T>(FixedColumn<T> column, ReadOnlySpan<byte> utf8, NumberStyles style) where T : unmanaged, INumberBase<T>
    {
        if (!T.TryParse(utf8, style, _culture, out var v)) return false;
        column.Append(v);
        return true;
    }

    private static bool IsSpaceOrWide(byte b) => b <= (byte)' ' || b >= 0x80;

    private bool HasGroup(ReadOnlySpan<byte> utf8) => _group.Length > 0 && utf8.IndexOf(_group) >= 0;

    private static bool? Boolean(ReadOnlySpan<byte> v)
    {
        if (v.Length == 1)
        {
            return (v[0] | 0x20) switch
            {
                '1' or 'y' or 't' => true,
                '0' or 'n' or 'f' => false,
                _ => null,
            };
        }
        if (Ascii.EqualsIgnoreCase(v, "true"u8) || Ascii.EqualsIgnoreCase(v, "yes"u8)) return true;
        if (Ascii.EqualsIgnoreCase(v, "false"u8) || Ascii.EqualsIgnoreCase(v, "no"u8)) return false;
        return null;
    }
}
