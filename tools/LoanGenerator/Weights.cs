namespace DeltaLite.LoanGenerator;

internal static class Weights
{
    /// <summary>Running sums of <paramref name="shares"/>, for <see cref="SimRandom.PickCumulative"/>.</summary>
    public static double[] Cumulate(double[] shares)
    {
        var result = new double[shares.Length];
        var sum = 0.0;
        for (var i = 0; i < shares.Length; i++)
        {
            sum += shares[i];
            result[i] = sum;
        }
        return result;
    }
}
