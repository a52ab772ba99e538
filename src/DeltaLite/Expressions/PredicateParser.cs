using System.Globalization;
using System.Text;

namespace DeltaLite.Expressions;

/// <summary>
/// Parses a small SQL-like filter language:
/// <c>col = 1 AND (name &lt;&gt; 'x' OR day &gt;= DATE '2020-01-01') AND id IN (1, 2) AND note IS NOT NULL</c>.
/// Operators: = == != &lt;&gt; &lt; &lt;= &gt; &gt;=, BETWEEN a AND b, [NOT] IN (...), IS [NOT] NULL, AND, OR, NOT, parentheses.
/// Literals: integers, decimals, floats (1e3), 'strings' ('' escapes a quote), TRUE, FALSE, NULL,
/// DATE 'yyyy-MM-dd', TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.ffffff][Z]'. Column names: identifiers or "quoted", dotted for nested fields.
/// </summary>
public static class PredicateParser
{
    public static Predicate Parse(string text)
    {
        var p = new Parser(text);
        var result = p.ParseOr();
        p.ExpectEnd();
        return result;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        private FormatException Error(string message) => new($"Cannot parse the filter \"{text}\" at character {_pos + 1}: {message}.");

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private bool TryKeyword(string word)
        {
            SkipSpace();
            if (_pos + word.Length > text.Length || string.Compare(text, _pos, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
            int end = _pos + word.Length;
            if (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) return false;
            _pos = end;
            return true;
        }

        private bool TrySymbol(string symbol)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, symbol, 0, symbol.Length) != 0) return false;
            _pos += symbol.Length;
            return true;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos < text.Length) throw Error($"unexpected '{text[_pos..]}'");
        }

        public Predicate ParseOr()
        {
            var left = ParseAnd();
            while (TryKeyword("OR")) left = new OrPredicate(left, ParseAnd());
            return left;
        }

        private Predicate ParseAnd()
        {
            var left = ParseNot();
            while (TryKeyword("AND")) left = new AndPredicate(left, ParseNot());
            return left;
        }

        private Predicate ParseNot()
        {
            if (TryKeyword("NOT")) return new NotPredicate(ParseNot());
            if (TrySymbol("("))
            {
                var inner = ParseOr();
                if (!TrySymbol(")")) throw Error("expected ')'");
                return inner;
            }
            return ParseComparison();
        }

        private Predicate ParseComparison()
        {
            string column = ParseIdentifier();
            if (TryKeyword("IS"))
            {
                bool not = TryKeyword("NOT");
                if (!TryKeyword("NULL")) throw Error("expected NULL after IS");
                return new IsNullPredicate(column, not);
            }
            bool negated = TryKeyword("NOT");
            if (TryKeyword("IN"))
            {
                if (!TrySymbol("(")) throw Error("expected '(' after IN");
                var values = new List<object?> { ParseLiteral() };
                while (TrySymbol(",")) values.Add(ParseLiteral());
                if (!TrySymbol(")")) throw Error("expected ')' to close the IN list");
                return new InPredicate(column, values, negated);
            }
            if (TryKeyword("BETWEEN"))
            {
                var low = ParseLiteral();
                if (!TryKeyword("AND")) throw Error("expected AND in BETWEEN");
                var high = ParseLiteral();
                Predicate between = new AndPredicate(new ComparisonPredicate(column, CompareOp.GreaterOrEqual, low), new ComparisonPredicate(column, CompareOp.LessOrEqual, high));
                return negated ? new NotPredicate(between) : between;
            }
            if (negated) throw Error("expected IN or BETWEEN after NOT");
            CompareOp op;
            if (TrySymbol("<=")) op = CompareOp.LessOrEqual;
            else if (TrySymbol(">=")) op = CompareOp.GreaterOrEqual;
            else if (TrySymbol("<>") || TrySymbol("!=")) op = CompareOp.NotEqual;
            else if (TrySymbol("==") || TrySymbol("=")) op = CompareOp.Equal;
            else if (TrySymbol("<")) op = CompareOp.Less;
            else if (TrySymbol(">")) op = CompareOp.Greater;
            else throw Error($"expected a comparison after '{column}'");
            return new ComparisonPredicate(column, op, ParseLiteral());
        }

        private string ParseIdentifier()
        {
            SkipSpace();
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos < text.Length && text[_pos] is '"' or '`')
                {
                    char quote = text[_pos++];
                    while (true)
                    {
                        if (_pos >= text.Length) throw Error("unterminated quoted column name");
                        if (text[_pos] == quote)
                        {
                            if (_pos + 1 < text.Length && text[_pos + 1] == quote) { sb.Append(quote); _pos += 2; continue; }
                            _pos++;
                            break;
                        }
                        sb.Append(text[_pos++]);
                    }
                }
                else
                {
                    int start = _pos;
                    while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
                    if (_pos == start) throw Error("expected a column name");
                    sb.Append(text, start, _pos - start);
                }
                if (_pos < text.Length && text[_pos] == '.') { sb.Append('.'); _pos++; continue; }
                return sb.ToString();
            }
        }

        private object? ParseLiteral()
        {
            SkipSpace();
            if (TryKeyword("NULL")) return null;
            if (TryKeyword("TRUE")) return true;
            if (TryKeyword("FALSE")) return false;
            if (TryKeyword("DATE"))
            {
                var s = ParseString();
                if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) throw Error($"'{s}' is not a date (yyyy-MM-dd)");
                return d;
            }
            if (TryKeyword("TIMESTAMP"))
            {
                var s = ParseString();
                if (!DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)) throw Error($"'{s}' is not a timestamp");
                return DateTime.SpecifyKind(t, DateTimeKind.Utc);
            }
            if (_pos < text.Length && text[_pos] == '\'') return ParseString();
            int start = _pos;
            if (_pos < text.Length && text[_pos] is '-' or '+') _pos++;
            while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' || (text[_pos] is '-' or '+' && text[_pos - 1] is 'e' or 'E'))) _pos++;
            var number = text[start.._pos];
            if (number.Length == 0 || number is "-" or "+") throw Error("expected a value");
            if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
            if (!number.Contains('e', StringComparison.OrdinalIgnoreCase) && decimal.TryParse(number, NumberStyles.Number, CultureInfo.InvariantCulture, out var m)) return m;
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var dbl)) return dbl;
            _pos = start;
            throw Error($"'{number}' is not a number");
        }

        private string ParseString()
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] != '\'') throw Error("expected a quoted string");
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length) throw Error("unterminated string");
                char c = text[_pos++];
                if (c == '\'')
                {
                    if (_pos < text.Length && text[_pos] == '\'') { sb.Append('\''); _pos++; continue; }
                    return sb.ToString();
                }
                sb.Append(c);
            }
        }
    }
}
