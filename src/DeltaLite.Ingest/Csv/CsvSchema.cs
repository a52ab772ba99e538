using System.Globalization;
using System.Text.RegularExpressions;
using DeltaLite.Parquet;
using DeltaLite.Schema;

namespace DeltaLite.Ingest.Csv;

/// <summary>CSV column types: given in a schema file, or inferred from a sample of values; then enforced on every row.</summary>
public static partial class CsvSchema
{
    /// <summary>
    /// Reads a schema file: Delta schema JSON ({"type":"struct",...}), or one column per line as
    /// <c>name type [not null]</c> (types: string, long, integer, short, byte, double, float, boolean, date, timestamp,
    /// decimal(p,s), binary; '#' starts a comment).
    /// </summary>
    public static Parquet.Schema Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new IngestException($"{path}: cannot read the schema file ({e.Message}).", e);
        }
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                return DeltaSchema.Parse(text);
            }
            catch (DeltaSchemaException e)
            {
                throw new IngestException($"{path}: {e.Message}", e);
            }
        }
        var fields = new List<Field>();
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Split('#')[0].Trim().TrimEnd(',');
            if (line.Length == 0) continue;
            var m = ColumnLine().Match(line);
            if (!m.Success) throw new IngestException($"{path}, line {lineNo}: expected 'name type [not null]', found '{line}'.");
            var type = ParseType(m.Groups[2].Value, $"{path}, line {lineNo}");
            fields.Add(new Field(m.Groups[1].Value, type, !m.Groups[3].Success));
        }
        if (fields.Count == 0) throw new IngestException($"{path}: the schema file names no columns.");
        return new Parquet.Schema(fields);
    }

    [GeneratedRegex(@"^([^\s]+)\s+([A-Za-z_]+(?:\(\s*\d+\s*,\s*\d+\s*\))?)(\s+not\s+null)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ColumnLine();

    public static DataType ParseType(string name, string where)
    {
        var t = name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        if (t.StartsWith("decimal", StringComparison.Ordinal))
        {
            var m = DecimalPattern().Match(t);
            if (!m.Success) return new DecimalType(10, 0);
            int p = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (p is < 1 or > 38 || s > p) throw new IngestException($"{where}: decimal({p},{s}) is not a valid decimal (precision 1-38, scale at most precision).");
            return new DecimalType(p, s);
        }
        return t switch
        {
            "string" or "text" or "varchar" => DataType.String,
            "long" or "bigint" or "int64" => DataType.Int64,
            "integer" or "int" or "int32" => DataType.Int32,
            "short" or "smallint" => DataType.Int16,
            "byte" or "tinyint" => DataType.Int8,
            "double" => DataType.Double,
            "float" or "real" => DataType.Float,
            "boolean" or "bool" => DataType.Boolean,
            "date" => DataType.Date,
            "timestamp" => TimestampType.MicrosUtc,
            "timestamp_ntz" => TimestampType.MicrosLocal,
            "binary" => DataType.Binary,
            _ => throw new IngestException($"{where}: unknown type '{name}'."),
        };
    }

    [GeneratedRegex(@"^decimal\((\d+),(\d+)\)$")]
    private static partial Regex DecimalPattern();

    /// <summary>Infers a column's type from sample values (empty values are nulls and say nothing).</summary>
    public static DataType Infer(IEnumerable<string> values, CultureInfo culture)
    {
        bool any = false, isLong = true, isDecimal = true, isDouble = true, isBool = true, isDate = true, isTimestamp = true;
        int maxScale = 0, maxIntDigits = 1;
        foreach (var raw in values)
        {
            if (string.IsNullOrEmpty(raw)) continue;
            var v = raw.Trim();
            any = true;
            if (isLong && !long.TryParse(v, NumberStyles.AllowLeadingSign, culture, out _)) isLong = false;
            string? number = Number(v, culture);
            if (isDecimal)
            {
                if (number is not null && decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, culture, out var d))
                {
                    var parts = d.ToString(CultureInfo.InvariantCulture).TrimStart('-').Split('.');
                    int sep = number.IndexOf(culture.NumberFormat.NumberDecimalSeparator, StringComparison.Ordinal);
                    int scale = sep < 0 ? 0 : number.Length - sep - culture.NumberFormat.NumberDecimalSeparator.Length;
                    maxScale = Math.Max(maxScale, scale);
                    maxIntDigits = Math.Max(maxIntDigits, parts[0].TrimStart('0').Length);
                }
                else isDecimal = false;
            }
            if (isDouble && !(number is not null && double.TryParse(number, NumberStyles.Float, culture, out _))) isDouble = false;
            if (isBool && !(v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase))) isBool = false;
            if (isDate && !DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) isDate = false;
            if (isTimestamp && !(v.Length >= 16 && v[4] == '-' && (v[10] == ' ' || v[10] == 'T') && TryTimestamp(v, culture, out _))) isTimestamp = false;
        }
        if (!any) return DataType.String;
        if (isBool) return DataType.Boolean;
        if (isLong) return DataType.Int64;
        if (isDecimal && maxIntDigits + maxScale <= 38) return new DecimalType(Math.Max(maxIntDigits + maxScale, Math.Min(38, maxScale + 10)), maxScale);
        if (isDouble) return DataType.Double;
        if (isDate) return DataType.Date;
        if (isTimestamp) return TimestampType.MicrosUtc;
        return DataType.String;
    }

    /// <summary>
    /// The number without group separators, or null when they are misplaced. Group separators are accepted only in
    /// groups of three digits before the decimal separator ("1.234,56" in de-DE, "1,234.56" invariant): .NET would
    /// otherwise read "1,5" as 15 under the invariant culture.
    /// </summary>
    internal static string? Number(string v, CultureInfo culture)
    {
        var nf = culture.NumberFormat;
        string group = nf.NumberGroupSeparator;
        if (group.Length == 0 || !v.Contains(group, StringComparison.Ordinal)) return v;
        int dec = v.IndexOf(nf.NumberDecimalSeparator, StringComparison.Ordinal);
        string integer = dec < 0 ? v : v[..dec];
        if (v[(dec < 0 ? v.Length : dec)..].Contains(group, StringComparison.Ordinal)) return null;
        if (integer.StartsWith(nf.NegativeSign, StringComparison.Ordinal) || integer.StartsWith(nf.PositiveSign, StringComparison.Ordinal))
            integer = integer[1..];
        var groups = integer.Split(group);
        if (groups[0].Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3) || groups.Any(g => !g.All(char.IsAsciiDigit))) return null;
        return v.Replace(group, "", StringComparison.Ordinal);
    }

    internal static bool TryTimestamp(string v, CultureInfo culture, out DateTime value)
    {
        bool ok = DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value)
            || DateTime.TryParse(v, culture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
        value = DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return ok;
    }

    /// <summary>Parses one CSV value to the column type's CLR form; throws <see cref="FormatException"/> with the reason.</summary>
    public static object Parse(string v, DataType type, CultureInfo culture)
    {
        v = type.Kind == TypeKind.String ? v : v.Trim();
        switch (type)
        {
            case DecimalType d:
                if (Number(v, culture) is not { } n || !decimal.TryParse(n, NumberStyles.Float, culture, out var m)) throw new FormatException($"'{v}' is not a decimal");
                if (decimal.Round(m, d.Scale) != m) throw new FormatException($"'{v}' has more than {d.Scale} decimal places ({d})");
                return m;
            case TimestampType:
                if (Sql.ColumnReaders.TryFastTimestamp(v, out var fast)) return fast;
                if (!TryTimestamp(v, culture, out var t)) throw new FormatException($"'{v}' is not a timestamp");
                return t;
        }
        return type.Kind switch
        {
            TypeKind.String => v,
            TypeKind.Int64 => long.TryParse(v, NumberStyles.AllowLeadingSign, culture, out var l) ? l : throw new FormatException($"'{v}' is not a long integer"),
            TypeKind.Int32 => int.TryParse(v, NumberStyles.AllowLeadingSign, culture, out var i) ? i : throw new FormatException($"'{v}' is not an integer"),
            TypeKind.Int16 => short.TryParse(v, NumberStyles.AllowLeadingSign, culture, out var s) ? s : throw new FormatException($"'{v}' is not a short integer"),
            TypeKind.Int8 => sbyte.TryParse(v, NumberStyles.AllowLeadingSign, culture, out var b) ? b : throw new FormatException($"'{v}' is not a byte"),
            TypeKind.Double => Number(v, culture) is { } n && double.TryParse(n, NumberStyles.Float, culture, out var dbl) ? dbl : throw new FormatException($"'{v}' is not a number"),
            TypeKind.Float => Number(v, culture) is { } n && float.TryParse(n, NumberStyles.Float, culture, out var f) ? f : throw new FormatException($"'{v}' is not a number"),
            TypeKind.Boolean => v.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "y" or "t" => true,
                "false" or "0" or "no" or "n" or "f" => false,
                _ => throw new FormatException($"'{v}' is not a boolean"),
            },
            TypeKind.Date => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
                : DateOnly.TryParse(v, culture, DateTimeStyles.None, out date) ? date : throw new FormatException($"'{v}' is not a date"),
            TypeKind.Binary => Convert.FromBase64String(v),
            _ => throw new FormatException($"type {type} is not supported in CSV"),
        };
    }
}
