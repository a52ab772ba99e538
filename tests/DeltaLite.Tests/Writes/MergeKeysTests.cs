using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Tests.Writes;

/// <summary>
/// The merge's key set for one integer-like key column: raw 64-bit keys in <see cref="LongKeySet"/>, compared with the
/// table's statistics (ints, dates, timestamps, unsigned) as the column's values.
/// </summary>
public sealed class MergeKeysTests
{
    [Fact]
    public void LongKeySet_AgreesWithAHashSet_OnRandomAndExtremeKeys()
    {
        var rng = new Random(11);
        var set = new LongKeySet();
        var reference = new HashSet<long>();
        long[] extremes = [0, -1, 1, long.MinValue, long.MaxValue, long.MinValue + 1, int.MaxValue, int.MinValue];
        var keys = extremes.Concat(Enumerable.Range(0, 100_000).Select(i => i % 3 == 0 ? rng.NextInt64(long.MinValue, long.MaxValue) : rng.Next(-5000, 200_000) * 64L));
        foreach (var k in keys) Assert.Equal(reference.Add(k), set.Add(k));
        Assert.Equal(reference.Count, set.Count);
        for (int i = 0; i < 50_000; i++)
        {
            long probe = i % 2 == 0 ? rng.NextInt64(long.MinValue, long.MaxValue) : rng.Next(-5000, 200_000) * 64L + (i % 4 == 1 ? 0 : 1);
            Assert.Equal(reference.Contains(probe), set.Contains(probe));
        }
        Assert.Equal(reference.Order().ToArray(), set.Sorted());
    }

    [Fact]
    public void LongKeySet_MarksEachKeyOnce_AndOnlyKeysItHolds()
    {
        var set = new LongKeySet();
        for (long k = 0; k < 1000; k += 2) set.Add(k);
        Assert.True(set.ContainsAndMark(10, out bool first) && first);
        Assert.True(set.ContainsAndMark(10, out first) && !first);
        Assert.False(set.ContainsAndMark(11, out first) || first);
        Assert.False(set.Add(10));
        Assert.True(set.Contains(10));
        Assert.Equal(500, set.Count);
    }

    public static TheoryData<string> IntegerKeyTypes() => ["int64", "int32", "uint32", "date", "timestamp"];

    private static (DataType Type, Func<long, object> Value) KeyType(string name) => name switch
    {
        "int64" => (DataType.Int64, v => v * 1_000_003),
        "int32" => (DataType.Int32, v => (int)(v * 1001 - 500_000)),
        "uint32" => (DataType.UInt32, v => (uint)(v * 40_000 + 1_000_000)),
        "date" => (DataType.Date, v => new DateOnly(1969, 12, 1).AddDays((int)v)),
        "timestamp" => (TimestampType.MicrosUtc, v => new DateTime(1969, 12, 31, 23, 0, 0, DateTimeKind.Utc).AddSeconds(v * 7)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(IntegerKeyTypes))]
    public void IntegerKeys_DecideFilesAndCoverTheSource_AsTheirValues(string typeName)
    {
        var (type, value) = KeyType(typeName);
        var schema = new Parquet.Schema(new Field("k", type));
        // Source keys: 0..99 step 3 and 500..599 (both sides of the epoch for dates and timestamps), one null.
        var raw = Enumerable.Range(0, 34).Select(i => i * 3L).Concat(Enumerable.Range(500, 100).Select(i => (long)i)).ToList();
        var keys = new MergeKeys(["k"], [type]);
        var rows = raw.Select(v => new object?[] { value(v) }).Append([null]).ToArray();
        var batch = Rows.Batch(schema, rows);
        keys.AddSource(batch.Columns, batch.RowCount);
        Assert.Equal(raw.Count, keys.Count);
        Assert.Equal(1, keys.NullKeyRows);

        // A "file" bounded by [lo, hi] may hold a key exactly when some source key lies in it.
        foreach (var (lo, hi) in new (long, long)[] { (1, 2), (1, 3), (100, 499), (99, 499), (100, 500), (599, 700), (600, 700), (-10, -1), (-10, 0), (4, 5), (4, 6) })
        {
            bool expected = raw.Any(v => v >= lo && v <= hi);
            Assert.Equal(expected, keys.MightContain(_ => (true, value(lo), value(hi), false)));
            Assert.Equal(raw.Any(v => v >= lo), keys.MightContain(_ => (true, value(lo), null, false)));
            Assert.Equal(raw.Any(v => v <= hi), keys.MightContain(_ => (true, null, value(hi), false)));
        }
        Assert.False(keys.MightContain(_ => (true, null, null, true)));
        Assert.True(keys.MightContain(_ => (false, null, null, false)));

        // Many keys: a range from the smallest to the largest, as the column's values.
        var range = Assert.IsType<AndPredicate>(keys.CoveringPredicate());
        var low = Assert.IsType<ComparisonPredicate>(range.Left);
        var high = Assert.IsType<ComparisonPredicate>(range.Right);
        Assert.Equal((CompareOp.GreaterOrEqual, value(0)), (low.Op, low.Value));
        Assert.Equal((CompareOp.LessOrEqual, value(599)), (high.Op, high.Value));

        // Few keys: an IN list of every one, sorted.
        var few = new MergeKeys(["k"], [type]);
        var small = Rows.Batch(schema, [[value(42)], [value(-3)], [value(7)]]);
        few.AddSource(small.Columns, small.RowCount);
        var list = Assert.IsType<InPredicate>(few.CoveringPredicate());
        Assert.Equal([value(-3), value(7), value(42)], list.Values);
    }

    [Fact]
    public void IntegerKeys_ARepeatedKey_IsNamedAsItsValue()
    {
        var schema = new Parquet.Schema(new Field("day", DataType.Date));
        var keys = new MergeKeys(["day"], [DataType.Date]);
        var batch = Rows.Batch(schema, [[new DateOnly(2021, 5, 1)], [new DateOnly(2021, 5, 2)], [new DateOnly(2021, 5, 1)]]);
        var e = Assert.Throws<ArgumentException>(() => keys.AddSource(batch.Columns, batch.RowCount));
        Assert.True(e.Message.Contains("day = ", StringComparison.Ordinal) && e.Message.Contains("2021-05-01", StringComparison.Ordinal), e.Message);
    }
}
