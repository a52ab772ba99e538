using System.Globalization;
using System.Text;
using DeltaLite.Expressions;
using DeltaLite.Parquet;

namespace DeltaLite.Writes;

/// <summary>
/// The keys of a merge source, held in memory: a hash set of every key (for one integer-like key column, its raw
/// 64-bit values in a <see cref="LongKeySet"/>; else a compact text encoding of the key values), whether each key
/// matched a target row, and per key column the sorted distinct values, used to decide which target files can hold a
/// matching key. Memory is about 12-32 bytes per source row for an integer key (so tens of millions of keys stay
/// within a few hundred MiB) and 100-200 for other keys, where sources of a few million rows are fine.
/// Rows with a null in any key column never match (SQL equality) and are always inserted.
/// </summary>
internal sealed class MergeKeys
{
    private readonly string[] _columns;
    private readonly bool _integral;
    private readonly LongKeySet _longs = new();
    private readonly Dictionary<string, bool> _texts = new(StringComparer.Ordinal);
    private readonly HashSet<object>[] _distinct;
    private object[][]? _sorted;
    private long[]? _sortedLongs;
    // For an integer key: the value a raw key has in the source's vectors (GetValue's type: int, DateOnly, DateTime...).
    private Func<long, object>? _valueOf;

    public MergeKeys(IReadOnlyList<string> columns, IReadOnlyList<DataType> types)
    {
        _columns = columns.ToArray();
        _integral = types.Count == 1 && IsIntegral(types[0]);
        _distinct = _integral ? [] : columns.Select(_ => new HashSet<object>()).ToArray();
    }

    public IReadOnlyList<string> Columns => _columns;

    /// <summary>Distinct non-null keys seen.</summary>
    public int Count => _integral ? _longs.Count : _texts.Count;

    public long NullKeyRows { get; private set; }

    public long MatchedKeys { get; private set; }

    private static bool IsIntegral(DataType t) => t.Kind is TypeKind.Int8 or TypeKind.Int16 or TypeKind.Int32 or TypeKind.Int64
        or TypeKind.Date or TypeKind.Timestamp or TypeKind.UInt8 or TypeKind.UInt16 or TypeKind.UInt32;

    /// <summary>Adds the keys of a source batch (<paramref name="keyVectors"/> in key column order); throws on a repeated key.</summary>
    public void AddSource(IReadOnlyList<ColumnVector> keyVectors, int rows)
    {
        _sorted = null;
        _sortedLongs = null;
        if (_integral) _valueOf ??= ValueOf(keyVectors[0]);
        for (int r = 0; r < rows; r++)
        {
            if (AnyNull(keyVectors, r)) { NullKeyRows++; continue; }
            bool fresh = _integral ? _longs.Add(Integral(keyVectors[0], r)) : _texts.TryAdd(Text(keyVectors, r), false);
            if (!fresh)
                throw new ArgumentException($"The merge source has more than one row with key {Describe(keyVectors, r)}; each key may appear once.");
            for (int c = 0; c < _distinct.Length; c++) _distinct[c].Add(keyVectors[c].GetValue(r)!);
        }
    }

    /// <summary>
    /// Marks which rows of a target batch have a key of the source (and records those source keys as matched);
    /// returns the number of matching rows.
    /// </summary>
    public int MatchTarget(IReadOnlyList<ColumnVector> keyVectors, int rows, bool[] matched)
    {
        int n = 0;
        for (int r = 0; r < rows; r++)
        {
            matched[r] = false;
            if (AnyNull(keyVectors, r)) continue;
            if (_integral)
            {
                if (!_longs.ContainsAndMark(Integral(keyVectors[0], r), out bool first)) continue;
                if (first) MatchedKeys++;
            }
            else
            {
                string k = Text(keyVectors, r);
                if (!_texts.TryGetValue(k, out var seen)) continue;
                if (!seen) { _texts[k] = true; MatchedKeys++; }
            }
            matched[r] = true;
            n++;
        }
        return n;
    }

    /// <summary>Counts matching rows without recording anything.</summary>
    public int CountMatches(IReadOnlyList<ColumnVector> keyVectors, int rows)
    {
        int n = 0;
        for (int r = 0; r < rows; r++)
        {
            if (AnyNull(keyVectors, r)) continue;
            if (_integral ? _longs.Contains(Integral(keyVectors[0], r)) : _texts.ContainsKey(Text(keyVectors, r))) n++;
        }
        return n;
    }

    /// <summary>
    /// False when no source key can lie in a file whose key columns are bounded as given (per column: exact partition
    /// value, or min/max statistics; null bounds are unknown and never exclude).
    /// </summary>
    public bool MightContain(Func<string, (bool Known, object? Min, object? Max, bool AllNull)> bounds)
    {
        if (Count == 0) return false;
        for (int c = 0; c < _columns.Length; c++)
        {
            var (known, min, max, allNull) = bounds(_columns[c]);
            if (allNull) return false;
            if (!known) continue;
            try
            {
                bool any = _integral ? AnyInRange(SortedLongs(), _valueOf!, min, max) : AnyInRange(Sorted()[c], min, max);
                if (!any) return false;
            }
            catch (ArgumentException)
            {
                // Bounds of a type that does not compare with the keys: cannot decide, keep the file.
            }
        }
        return true;
    }

    private static bool AnyInRange(object[] values, object? min, object? max)
    {
        int lo = 0, hi = values.Length;
        if (min is not null)
        {
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Values.Compare(values[mid], min) < 0) lo = mid + 1; else hi = mid;
            }
        }
        if (lo >= values.Length) return false;
        return max is null || Values.Compare(values[lo], max) <= 0;
    }

    /// <summary><see cref="AnyInRange(object[], object?, object?)"/> over raw integer keys, each compared as its value.</summary>
    private static bool AnyInRange(long[] values, Func<long, object> valueOf, object? min, object? max)
    {
        int lo = 0, hi = values.Length;
        if (min is not null)
        {
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Values.Compare(valueOf(values[mid]), min) < 0) lo = mid + 1; else hi = mid;
            }
        }
        if (lo >= values.Length) return false;
        return max is null || Values.Compare(valueOf(values[lo]), max) <= 0;
    }

    private long[] SortedLongs() => _sortedLongs ??= _longs.Sorted();

    /// <summary>
    /// The value a raw integer key has as <paramref name="vector"/>'s <see cref="ColumnVector.GetValue"/> gives it (the
    /// raw order is the value order: dates as days, timestamps as ticks of their unit, unsigned types widened).
    /// </summary>
    private static Func<long, object> ValueOf(ColumnVector vector) => vector switch
    {
        PrimitiveVector<long> v => raw => new PrimitiveVector<long>(v.Type, [raw]).GetValue(0)!,
        PrimitiveVector<int> v => raw => new PrimitiveVector<int>(v.Type, [(int)raw]).GetValue(0)!,
        PrimitiveVector<short> v => raw => new PrimitiveVector<short>(v.Type, [(short)raw]).GetValue(0)!,
        PrimitiveVector<sbyte> v => raw => new PrimitiveVector<sbyte>(v.Type, [(sbyte)raw]).GetValue(0)!,
        PrimitiveVector<byte> v => raw => new PrimitiveVector<byte>(v.Type, [(byte)raw]).GetValue(0)!,
        PrimitiveVector<ushort> v => raw => new PrimitiveVector<ushort>(v.Type, [(ushort)raw]).GetValue(0)!,
        PrimitiveVector<uint> v => raw => new PrimitiveVector<uint>(v.Type, [(uint)raw]).GetValue(0)!,
        _ => throw new InvalidOperationException($"A {vector.GetType().Name} is not an integer key column."),
    };

    private object[][] Sorted()
    {
        if (_sorted is not null) return _sorted;
        var comparer = Comparer<object>.Create(Values.Compare);
        return _sorted = _distinct.Select(set => { var a = set.ToArray(); Array.Sort(a, comparer); return a; }).ToArray();
    }

    /// <summary>
    /// A predicate covering every source key (per key column: an IN list when it has few distinct values, else its
    /// range), for conflict detection: concurrent adds with rows outside it cannot hold a matching key. Null when the
    /// source has no non-null key.
    /// </summary>
    public Predicate? CoveringPredicate()
    {
        if (Count == 0) return null;
        if (_integral)
        {
            var raw = SortedLongs();
            return Covering(_columns[0], raw.Length, i => _valueOf!(raw[i]));
        }
        var sorted = Sorted();
        Predicate? result = null;
        for (int c = 0; c < _columns.Length; c++)
        {
            var values = sorted[c];
            var p = Covering(_columns[c], values.Length, i => values[i]);
            result = result is null ? p : new AndPredicate(result, p);
        }
        return result;
    }

    /// <summary>One key column's part of the covering predicate, from its <paramref name="count"/> sorted distinct values.</summary>
    private static Predicate Covering(string column, int count, Func<int, object> value) => count <= 64
        ? new InPredicate(column, Enumerable.Range(0, count).Select(value).ToArray())
        : new AndPredicate(new ComparisonPredicate(column, CompareOp.GreaterOrEqual, value(0)),
            new ComparisonPredicate(column, CompareOp.LessOrEqual, value(count - 1)));

    private static bool AnyNull(IReadOnlyList<ColumnVector> vectors, int row)
    {
        for (int c = 0; c < vectors.Count; c++) if (vectors[c].IsNull(row)) return true;
        return false;
    }

    private static long Integral(ColumnVector v, int row) => v switch
    {
        PrimitiveVector<long> l => l.Values[row],
        PrimitiveVector<int> i => i.Values[row],
        PrimitiveVector<short> s => s.Values[row],
        PrimitiveVector<sbyte> b => b.Values[row],
        PrimitiveVector<byte> b => b.Values[row],
        PrimitiveVector<ushort> u => u.Values[row],
        PrimitiveVector<uint> u => u.Values[row],
        _ => throw new InvalidOperationException($"A {v.GetType().Name} is not an integer key column."),
    };

    private static string Text(IReadOnlyList<ColumnVector> vectors, int row)
    {
        var sb = new StringBuilder();
        for (int c = 0; c < vectors.Count; c++)
        {
            var v = vectors[c];
            switch (v)
            {
                case BinaryVector b:
                    {
                        var span = b.GetSpan(row);
                        sb.Append('b').Append(span.Length).Append(':');
                        sb.Append(Convert.ToBase64String(span));
                        break;
                    }
                case DecimalVector d:
                    sb.Append('m').Append(d.Unscaled[row].ToString(CultureInfo.InvariantCulture));
                    break;
                case PrimitiveVector<double> f:
                    sb.Append('d').Append(BitConverter.DoubleToInt64Bits(f.Values[row] == 0 ? 0 : f.Values[row]));
                    break;
                case PrimitiveVector<float> f:
                    sb.Append('f').Append(BitConverter.SingleToInt32Bits(f.Values[row] == 0 ? 0 : f.Values[row]));
                    break;
                case PrimitiveVector<bool> x:
                    sb.Append(x.Values[row] ? 'T' : 'F');
                    break;
                case PrimitiveVector<ulong> u:
                    sb.Append('u').Append(u.Values[row]);
                    break;
                default:
                    sb.Append('i').Append(Integral(v, row));
                    break;
            }
            sb.Append('\u0001');
        }
        return sb.ToString();
    }

    private string Describe(IReadOnlyList<ColumnVector> vectors, int row) =>
        "(" + string.Join(", ", _columns.Select((c, i) => $"{c} = {Values.Show(vectors[i].GetValue(row))}")) + ")";
}
