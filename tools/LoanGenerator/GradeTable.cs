namespace DeltaLite.LoanGenerator;

/// <summary>
/// Grades A-G with their interest-rate bands, shares of issued loans and yearly default pressure, loosely
/// after LendingClub's 2018-2020 rate cards. A grade's band is split into five equal sub-bands, one per sub-grade.
/// </summary>
internal static class GradeTable
{
    public static readonly string[] Grades = ["A", "B", "C", "D", "E", "F", "G"];

    /// <summary>Lowest rate of each grade, in hundredths of a percent.</summary>
    public static readonly int[] MinRateBp = [531, 900, 1300, 1800, 2300, 2650, 2900];

    /// <summary>Highest rate of each grade, in hundredths of a percent (inclusive).</summary>
    public static readonly int[] MaxRateBp = [899, 1299, 1799, 2299, 2649, 2899, 3099];

    /// <summary>Cumulative shares of issued loans per grade.</summary>
    public static readonly double[] CumulativeShare = Weights.Cumulate([0.20, 0.29, 0.27, 0.14, 0.06, 0.03, 0.01]);

    /// <summary>Mean FICO (low end of range) of borrowers in each grade.</summary>
    public static readonly double[] MeanFico = [745, 712, 695, 685, 678, 672, 668];

    /// <summary>Share of 60-month terms per grade.</summary>
    public static readonly double[] SixtyMonthShare = [0.10, 0.20, 0.32, 0.42, 0.50, 0.55, 0.60];

    /// <summary>Relative risk (A = 1): scales the chance of becoming late and of being charged off.</summary>
    public static readonly double[] Risk = [1.0, 2.0, 3.2, 4.6, 6.0, 7.5, 9.0];

    public static int IndexOf(string grade) => grade.Length == 1 && grade[0] is >= 'A' and <= 'G'
        ? grade[0] - 'A'
        : throw new LoanGeneratorException($"unknown grade '{grade}'");

    /// <summary>The inclusive rate range of sub-grade <paramref name="sub"/> (1-5) in grade <paramref name="grade"/>.</summary>
    public static (int Min, int Max) SubGradeRange(int grade, int sub)
    {
        var lo = MinRateBp[grade];
        var width = MaxRateBp[grade] - lo + 1;
        var min = lo + width * (sub - 1) / 5;
        var max = lo + width * sub / 5 - 1;
        return (min, max);
    }
}
