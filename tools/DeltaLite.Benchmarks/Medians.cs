namespace DeltaLite.Benchmarks;

internal static class Medians
{
    /// <summary>The middle value of <paramref name="values"/> (the upper one of the two middles for an even count).</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
