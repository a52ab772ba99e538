using System.Globalization;
using System.Text;

namespace DeltaLite.Expressions;

public enum CompareOp { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }

/// <summary>
/// A filter on rows: comparisons of a column with a literal, IN lists, IS [NOT] NULL, combined with AND, OR, NOT.
/// Used to prune partitions, to skip files by their min/max/null-count statistics, and to filter rows.
/// Parse one from text with <see cref="PredicateParser.Parse"/> ("year = 2020 AND amount &gt;= 100").
/// </summary>
public abstract record Predicate
{
    /// <summary>The columns the predicate reads.</summary>
    public abstract IEnumerable<string> Columns { get; }

    public static Predicate operator &(Predicate a, Predicate b) => new AndPredicate(a, b);

    public static Predicate operator |(Predicate a, Predicate b) => new OrPredicate(a, b);

    public static Predicate operator !(Predicate a) => new NotPredicate(a);

    public static Predicate Compare(string column, CompareOp op, object? value) => new ComparisonPredicate(column, op, value);

    /// <summary>
    /// Three-valued evaluation: true, false, or null when unknown (a null operand, or a column
    /// <paramref name="get"/> cannot supply, signalled by returning <see cref="Unknown"/>).
    /// </summary>
    public abstract bool? Evaluate(Func<string, object?> get);

    /// <summary>Whether rows whose column values lie within the given statistics could match (false only when none can).</summary>
    public abstract bool MightMatch(IColumnStatistics stats);

    /// <summary>Returned by a value source for a column it does not know.</summary>
    public static readonly object Unknown = new();
}

/// <summary>What data skipping knows of a file: per column min, max, null count, and the row count.</summary>
public interface IColumnStatistics
{
    long? NumRecords { get; }

    /// <summary>Minimum and maximum (CLR values, possibly widened bounds), or nulls when unknown.</summary>
    (object? Min, object? Max) Bounds(string column);

    long? NullCount(string column);
}

public sealed record ComparisonPredicate(string Column, CompareOp Op, object? Value) : Predicate
{
    public override IEnumerable<string> Columns => [Column];

    public override bool? Evaluate(Func<string, object?> get)
    {
        var v = get(Column);
        if (ReferenceEquals(v, Unknown) || v is null || Value is null) return null;
        int c = Values.Compare(v, Value);
        return Op switch
        {
            CompareOp.Equal => c == 0,
            CompareOp.NotEqual => c != 0,
            CompareOp.Less => c < 0,
            CompareOp.LessOrEqual => c <= 0,
            CompareOp.Greater => c > 0,
            _ => c >= 0,
        };
    }

    public override bool MightMatch(IColumnStatistics stats)
    {
        if (Value is null) return false;
        if (stats.NumRecords is long n && stats.NullCount(Column) is long nulls && nulls >= n) return false;
        var (min, max) = stats.Bounds(Column);
        try
        {
            return Op switch
            {
                CompareOp.Equal => (min is null || Values.Compare(min, Value) <= 0) && (max is null || Values.Compare(max, Value) >= 0),
                CompareOp.NotEqual => min is null || max is null || !(Values.Compare(min, Value) == 0 && Values.Compare(max, Value) == 0),
                CompareOp.Less => min is null || Values.Compare(min, Value) < 0,
                CompareOp.LessOrEqual => min is null || Values.Compare(min, Value) <= 0,
                CompareOp.Greater => max is null || Values.Compare(max, Value) > 0,
                _ => max is null || Values.Compare(max, Value) >= 0,
            };
        }
        catch (ArgumentException)
        {
            return true; // statistics of another type than the literal: cannot decide
        }
    }

    public override string ToString() => $"{Column} {Op switch { CompareOp.Equal => "=", CompareOp.NotEqual => "<>", CompareOp.Less => "<", CompareOp.LessOrEqual => "<=", CompareOp.Greater => ">", _ => ">=" }} {Values.Show(Value)}";
}

public sealed record InPredicate(string Column, IReadOnlyList<object?> Values, bool Negated = false) : Predicate
{
    public override IEnumerable<string> Columns => [Column];

    public override bool? Evaluate(Func<string, object?> get)
    {
        var v = get(Column);
        if (ReferenceEquals(v, Unknown) || v is null) return null;
        bool sawNull = false;
        foreach (var x in Values)
        {
            if (x is null) { sawNull = true; continue; }
            if (Expressions.Values.Compare(v, x) == 0) return !Negated;
        }
        return sawNull ? null : Negated;
    }

    public override bool MightMatch(IColumnStatistics stats)
    {
        if (Negated) return true;
        return Values.Any(x => new ComparisonPredicate(Column, CompareOp.Equal, x).MightMatch(stats));
    }

    public override string ToString() => $"{Column} {(Negated ? "NOT IN" : "IN")} ({string.Join(", ", Values.Select(Expressions.Values.Show))})";
}

public sealed record IsNullPredicate(string Column, bool Negated = false) : Predicate
{
    public override IEnumerable<string> Columns => [Column];

    public override bool? Evaluate(Func<string, object?> get)
    {
        var v = get(Column);
        if (ReferenceEquals(v, Unknown)) return null;
        return (v is null) != Negated;
    }

    public override bool MightMatch(IColumnStatistics stats)
    {
        var nulls = stats.NullCount(Column);
        if (nulls is null) return true;
        if (!Negated) return nulls > 0;
        return stats.NumRecords is not long n || nulls < n;
    }

    public override string ToString() => $"{Column} IS {(Negated ? "NOT " : "")}NULL";
}

public sealed record AndPredicate(Predicate Left, Predicate Right) : Predicate
{
    public override IEnumerable<string> Columns => Left.Columns.Concat(Right.Columns).Distinct();

    public override bool? Evaluate(Func<string, object?> get)
    {
        var a = Left.Evaluate(get);
        if (a == false) return false;
        var b = Right.Evaluate(get);
        if (b == false) return false;
        return a == true && b == true ? true : null;
    }

    public override bool MightMatch(IColumnStatistics stats) => Left.MightMatch(stats) && Right.MightMatch(stats);

    public override string ToString() => $"({Left} AND {Right})";
}

public sealed record OrPredicate(Predicate Left, Predicate Right) : Predicate
{
    public override IEnumerable<string> Columns => Left.Columns.Concat(Right.Columns).Distinct();

    public override bool? Evaluate(Func<string, object?> get)
    {
        var a = Left.Evaluate(get);
        if (a == true) return true;
        var b = Right.Evaluate(get);
        if (b == true) return true;
        return a == false && b == false ? false : null;
    }

    public override bool MightMatch(IColumnStatistics stats) => Left.MightMatch(stats) || Right.MightMatch(stats);

    public override string ToString() => $"({Left} OR {Right})";
}

public sealed record NotPredicate(Predicate Inner) : Predicate
{
    public override IEnumerable<string> Columns => Inner.Columns;

    public override bool? Evaluate(Func<string, object?> get) => Inner.Evaluate(get) is bool b ? !b : null;

    public override bool MightMatch(IColumnStatistics stats) => true;

    public override string ToString() => $"NOT {Inner}";
}

/// <summary>Comparison of values across the CLR types columns and literals use.</summary>
public static class Values
{
    /// <summary>Orders two values: numbers by value, dates, timestamps, strings ordinally, booleans; throws for unrelated types.</summary>
    public static int Compare(object a, object b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double or float || b is double or float)
                return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
            if (a is ulong ua && ua > long.MaxValue || b is ulong ub && ub > long.MaxValue)
                return ((UInt128)ToInt128(a)).CompareTo((UInt128)ToInt128(b));
            if (a is decimal || b is decimal || a is string || b is string)
                return Convert.ToDecimal(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(b, CultureInfo.InvariantCulture));
            return Convert.ToInt64(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToInt64(b, CultureInfo.InvariantCulture));
        }
        switch (a)
        {
            case string sa when b is string sb: return CompareCodePoints(sa, sb);
            case bool ba when b is bool bb: return ba.CompareTo(bb);
            case DateOnly da: return da.CompareTo(ToDate(b));
            case DateTime ta: return Utc(ta).CompareTo(ToDateTime(b));
            case byte[] xa when b is byte[] xb: return xa.AsSpan().SequenceCompareTo(xb);
            case Guid ga when b is Guid gb: return ga.CompareTo(gb);
            case Guid ga2 when b is string gs && Guid.TryParse(gs, out var gp): return ga2.CompareTo(gp);
        }
        if (b is DateOnly or DateTime) return -Compare(b, a);
        throw new ArgumentException($"Cannot compare {Show(a)} ({a.GetType().Name}) with {Show(b)} ({b.GetType().Name}).");
    }

    /// <summary>
    /// Orders strings by Unicode code point, which is the order of their UTF-8 bytes (Parquet's and Delta's order for
    /// statistics); UTF-16 ordinal order differs for characters above U+FFFF against U+E000..U+FFFF.
    /// </summary>
    public static int CompareCodePoints(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j] && !char.IsSurrogate(a[i])) { i++; j++; continue; }
            // A lone surrogate (not valid text) counts as its own code unit.
            int va = Rune.TryGetRuneAt(a, i, out var ra) ? ra.Value : a[i];
            int vb = Rune.TryGetRuneAt(b, j, out var rb) ? rb.Value : b[j];
            if (va != vb) return va.CompareTo(vb);
            i += va > 0xFFFF ? 2 : 1;
            j += vb > 0xFFFF ? 2 : 1;
        }
        return (a.Length - i).CompareTo(b.Length - j);
    }

    private static bool IsNumber(object o) => o is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static Int128 ToInt128(object o) => o switch { ulong u => u, _ => Convert.ToInt64(o, CultureInfo.InvariantCulture) };

    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private static DateOnly ToDate(object o) => o switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        string s => DateOnly.Parse(s, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"Cannot compare a date with {Show(o)}."),
    };

    private static DateTime ToDateTime(object o) => o switch
    {
        DateTime t => Utc(t),
        DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        string s => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        _ => throw new ArgumentException($"Cannot compare a timestamp with {Show(o)}."),
    };

    public static string Show(object? v) => v switch
    {
        null => "NULL",
        string s => "'" + s.Replace("'", "''") + "'",
        DateOnly d => $"DATE '{d:yyyy-MM-dd}'",
        DateTime t => $"TIMESTAMP '{t:yyyy-MM-dd HH:mm:ss.ffffff}'",
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
