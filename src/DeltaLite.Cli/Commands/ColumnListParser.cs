using System.Globalization;
using System.Text;
using System.Text.Json;
using DeltaLite.Parquet;
using ParquetSchema = DeltaLite.Parquet.Schema;

namespace DeltaLite.Cli.Commands;

/// <summary>
/// Parses the inline schema of <c>deltalite create --schema</c>: a comma-separated list of
/// <c>name type [not null] [comment 'text']</c>, e.g. <c>id long not null, name string, amount decimal(12,2), day date</c>.
/// </summary>
/// <remarks>
/// Types (case-insensitive): string, long (bigint), integer (int), short (smallint), byte (tinyint), float (real),
/// double, decimal(p,s) (decimal(p) is scale 0; decimal alone is decimal(10,0)), boolean (bool), binary, date,
/// timestamp, timestamp_ntz, array&lt;T&gt;, map&lt;K,V&gt;, struct&lt;name: T [not null], ...&gt;. Names are identifiers
/// or `back-quoted` (`` inside doubles a back quote). Errors name the character where parsing stopped.
/// </remarks>
internal sealed class ColumnListParser
{
    private readonly string _text;
    private int _pos;

    private ColumnListParser(string text) => _text = text;

    public static ParquetSchema Parse(string text)
    {
        var p = new ColumnListParser(text);
        var fields = new List<Field>();
        do
        {
            fields.Add(p.Column(topLevel: true));
        }
        while (p.TrySymbol(','));
        p.SkipSpace();
        if (p._pos < text.Length) throw p.Error("expected ',' or the end");
        return new ParquetSchema(fields);
    }

    private Field Column(bool topLevel)
    {
        string name = Name();
        if (!topLevel) TrySymbol(':');
        var type = Type();
        bool nullable = true;
        if (TryKeyword("not"))
        {
            if (!TryKeyword("null")) throw Error("expected NULL after NOT");
            nullable = false;
        }
        else
        {
            TryKeyword("null");
        }
        var field = new Field(name, type, nullable);
        if (TryKeyword("comment"))
        {
            string comment = QuotedString();
            field = field with { Metadata = FieldMetadata.FromJson([KeyValuePair.Create("comment", JsonSerializer.Serialize(comment))]) };
        }
        return field;
    }

    private DataType Type()
    {
        SkipSpace();
        int start = _pos;
        string word = Word() ?? throw Error("expected a type");
        switch (word.ToLowerInvariant())
        {
            case "string": return DataType.String;
            case "long" or "bigint": return DataType.Int64;
            case "integer" or "int": return DataType.Int32;
            case "short" or "smallint": return DataType.Int16;
            case "byte" or "tinyint": return DataType.Int8;
            case "float" or "real": return DataType.Float;
            case "double": return DataType.Double;
            case "boolean" or "bool": return DataType.Boolean;
            case "binary": return DataType.Binary;
            case "date": return DataType.Date;
            case "timestamp": return TimestampType.MicrosUtc;
            case "timestamp_ntz": return TimestampType.MicrosLocal;
            case "decimal" or "numeric" or "dec":
                {
                    int precision = 10, scale = 0;
                    if (TrySymbol('('))
                    {
                        precision = Integer();
                        if (TrySymbol(',')) scale = Integer();
                        Expect(')');
                    }
                    if (precision is < 1 or > 38) { _pos = start; throw Error($"decimal precision must be 1..38 (got {precision})"); }
                    if (scale < 0 || scale > precision) { _pos = start; throw Error($"decimal scale must be 0..{precision} (got {scale})"); }
                    return new DecimalType(precision, scale);
                }
            case "array":
                {
                    Expect('<');
                    var element = Type();
                    Expect('>');
                    return new ListType(element);
                }
            case "map":
                {
                    Expect('<');
                    var key = Type();
                    Expect(',');
                    var value = Type();
                    Expect('>');
                    return new MapType(key, value);
                }
            case "struct":
                {
                    Expect('<');
                    var fields = new List<Field>();
                    if (!TrySymbol('>'))
                    {
                        do
                        {
                            fields.Add(Column(topLevel: false));
                        }
                        while (TrySymbol(','));
                        Expect('>');
                    }
                    if (fields.Count == 0) { _pos = start; throw Error("a struct needs at least one field"); }
                    return new StructType(fields);
                }
            default:
                _pos = start;
                throw Error($"unknown type '{word}' (known: string, long, integer, short, byte, float, double, decimal(p,s), boolean, binary, date, timestamp, timestamp_ntz, array<T>, map<K,V>, struct<...>)");
        }
    }

    private string Name()
    {
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == '`')
        {
            var sb = new StringBuilder();
            _pos++;
            while (true)
            {
                if (_pos >= _text.Length) throw Error("unterminated `name`");
                char c = _text[_pos++];
                if (c == '`')
                {
                    if (_pos < _text.Length && _text[_pos] == '`')
                    {
                        sb.Append('`');
                        _pos++;
                        continue;
                    }
                    break;
                }
                sb.Append(c);
            }
            if (sb.Length == 0) throw Error("a column name is empty");
            return sb.ToString();
        }
        return Word() ?? throw Error("expected a column name");
    }

    private string? Word()
    {
        SkipSpace();
        int start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        return _pos == start ? null : _text[start.._pos];
    }

    private int Integer()
    {
        SkipSpace();
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (_pos == start || !int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            _pos = start;
            throw Error("expected a number");
        }
        return value;
    }

    private string QuotedString()
    {
        SkipSpace();
        if (_pos >= _text.Length || _text[_pos] != '\'') throw Error("expected a 'quoted' comment");
        var sb = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length) throw Error("unterminated 'comment'");
            char c = _text[_pos++];
            if (c == '\'')
            {
                if (_pos < _text.Length && _text[_pos] == '\'')
                {
                    sb.Append('\'');
                    _pos++;
                    continue;
                }
                return sb.ToString();
            }
            sb.Append(c);
        }
    }

    private bool TryKeyword(string keyword)
    {
        SkipSpace();
        int save = _pos;
        var word = Word();
        if (word is not null && word.Equals(keyword, StringComparison.OrdinalIgnoreCase)) return true;
        _pos = save;
        return false;
    }

    private bool TrySymbol(char symbol)
    {
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == symbol)
        {
            _pos++;
            return true;
        }
        return false;
    }

    private void Expect(char symbol)
    {
        if (!TrySymbol(symbol)) throw Error($"expected '{symbol}'");
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private UserException Error(string message)
    {
        string near = _pos < _text.Length ? $" near \"{Shorten(_text[_pos..])}\"" : " at the end";
        return new UserException($"--schema: {message} at character {_pos + 1}{near}.");
    }

    private static string Shorten(string s) => s.Length <= 24 ? s : s[..24] + "…";
}
