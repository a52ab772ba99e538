namespace DeltaLite.Ingest.Tests;

/// <summary>The first load's integer key check: a repeat is always found, dense ids are held as a bitmap.</summary>
public sealed class IntegerKeySetTests
{
    /// <summary>Feeds the keys; returns whether a repeat was reported (as it came or at the end).</summary>
    private static (bool Repeat, IntegerKeySet Set) Feed(IEnumerable<long> keys)
    {
        var set = new IntegerKeySet();
        bool repeat = false;
        foreach (var k in keys) repeat |= set.Add(k) is not null;
        repeat |= set.Finish() is not null;
        return (repeat, set);
    }

    [Fact]
    public void DenseIdsInAnyOrderBecomeABitmapAndARepeatIsFoundAtOnce()
    {
        var ids = Enumerable.Range(1, 200_000).Select(i => (long)i).ToArray();
        new Random(5).Shuffle(ids);
        var set = new IntegerKeySet();
        foreach (var id in ids) Assert.Null(set.Add(id));
        Assert.True(set.IsBitmap);
        Assert.Equal(77_777L, set.Add(77_777));
        Assert.Null(set.Add(200_001)); // just past the range: widened
        Assert.Null(set.Add(-5));      // below it: widened downwards
        Assert.Equal(-5L, set.Add(-5));
        Assert.True(set.IsBitmap);
    }

    [Fact]
    public void SpreadKeysStayListedAndARepeatIsFoundAtTheEnd()
    {
        var random = new Random(7);
        var keys = Enumerable.Range(0, 50_000).Select(_ => random.NextInt64(long.MinValue, long.MaxValue)).Distinct().ToList();
        var (repeat, set) = Feed(keys);
        Assert.False(repeat);
        Assert.False(set.IsBitmap);
        Assert.True(Feed(keys.Append(keys[12_345])).Repeat);
    }

    [Fact]
    public void AnOutlierAfterDenseKeysMovesThemBackToTheListWithoutLosingOne()
    {
        var keys = Enumerable.Range(0, 10_000).Select(i => (long)i).Append(long.MaxValue).Append(long.MinValue).ToList();
        var (repeat, set) = Feed(keys);
        Assert.False(repeat);
        Assert.False(set.IsBitmap);
        Assert.True(Feed(keys.Append(9_999)).Repeat);
        Assert.True(Feed(keys.Append(long.MinValue)).Repeat);
    }

    /// <summary>Random mixes of dense runs, outliers and extremes: a repeat is reported exactly when a key comes twice.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ReportsARepeatExactlyWhenAKeyComesTwice(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 40; round++)
        {
            var keys = new List<long>();
            int parts = random.Next(1, 5);
            for (int p = 0; p < parts; p++)
            {
                long start = random.Next(4) switch { 0 => long.MinValue, 1 => long.MaxValue - 20_000, 2 => random.NextInt64(-1_000_000, 1_000_000), _ => random.NextInt64() };
                int n = random.Next(1, 20_000);
                for (int i = 0; i < n; i++) keys.Add(unchecked(start + i * (long)random.Next(1, 3)));
            }
            if (random.Next(2) == 0) keys.Add(keys[random.Next(keys.Count)]);
            var shuffled = keys.ToArray();
            random.Shuffle(shuffled);
            bool expected = shuffled.Length != shuffled.Distinct().Count();
            Assert.Equal(expected, Feed(shuffled).Repeat);
        }
    }
}
