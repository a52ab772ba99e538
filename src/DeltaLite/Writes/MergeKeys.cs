using System.Globalization;
using System.Text;
using DeltaLite.Expressions;
using DeltaLite.Parquet;

namespace DeltaLite.Writes;

/// <summary>
/// The keys of a merge source, held in memory: a hash set of every key (a <c>long</c> per row for one integer-like
/// key column, else a compact text encoding of the key values), whether each key matched a target row, and per key
/// column the sorted distinct values, used to decide which target files can hold a matching key. Memory is about
/// 40-100 bytes per source row, so sources of a few million rows are fine; bigger upserts should be split.
/// Rows with a null in any key column never match (SQL equality) and are always inserted.
/// </summary>
internal sealed class MergeKeys
{
    private readonly string[] _columns;
    private readonly bool _integral;
    private readonly Dictionary<long, bool> _longs = [];
    private readonly Dictionary<string, bool> _texts = new(StringComparer.Ordinal);
    private readonly HashSet<object>[] _distinct;
    private object[][]? _sorted;

    public MergeKeys(IReadOnlyList<string> columns, IReadOnlyList<DataType> types)
    {
        _columns = columns.ToArray();
        _integral = types.Count == 1 && IsIntegral(types[0]);
        _distinct = columns.Select(_ => new HashSet<object>()).ToArray();
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
        for (int r = 0; r < rows; r++)
        {
            if (AnyNull(keyVectors, r)) { NullKeyRows++; continue; }
            bool fresh = _integral ? _longs.TryAdd(Integral(keyVectors[0], r), false) : _texts.TryAdd(Text(keyVectors, r), false);
            if (!fresh)
                throw new ArgumentException($"The merge source has more than one row with key {Describe(keyVectors, r)}; each key may appear once.");
            for (int c = 0; c < _columns.Length; c++) _distinct[c].Add(keyVectors[c].GetValue(r)!);
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
                long k = Integral(keyVectors[0], r);
                if (!_longs.TryGetValue(k, out var seen)) continue;
                if (!seen) { _longs[k] = true; MatchedKeys++; }
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
            if (_integral ? _longs.ContainsKey(Integral(keyVectors[0], r)) : _texts.ContainsKey(Text(keyVectors, r))) n++;
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
        var sorted = Sorted();
        for (int c = 0; c < _columns.Length; c++)
        {
            var (known, min, max, allNull) = bounds(_columns[c]);
            if (allNull) return false;
            if (!known) continue;
            try
            {
                if (!AnyInRange(sorted[c], min, max)) return false;
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
        var sorted = Sorted();
        Predicate? result = null;
        for (int c = 0; c < _columns.Length; c++)
        {
            var values = sorted[c];
            Predicate p = values.Length <= 64
                ? new InPredicate(_columns[c], values)
                : new AndPredicate(new ComparisonPredicate(_columns[c], CompareOp.GreaterOrEqual, values[0]),
                    new ComparisonPredicate(_columns[c], CompareOp.LessOrEqual, values[^1]));
            result = result is null ? p : new AndPredicate(result, p);
        }
        return result;
    }

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
