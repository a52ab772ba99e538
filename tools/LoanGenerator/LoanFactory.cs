namespace DeltaLite.LoanGenerator;

/// <summary>
/// Creates the loans issued in one simulated year. Loan <c>i</c> of <c>n</c> is issued at
/// <c>year start + (i + u) / n</c> of the year (u uniform in [0, 1)), so ids grow with issue time, and every
/// attribute comes from a generator keyed by (seed, year, id): the output does not depend on batching or threads.
/// </summary>
internal sealed class LoanFactory
{
    private const ulong NewLoanStream = 1;

    private readonly int _seed;
    private readonly int _year;
    private readonly long _count;
    private readonly long _firstId;
    private readonly ReferencePools _pools;
    private readonly DateTime _yearStart;
    private readonly long _yearSeconds;

    public LoanFactory(int seed, int year, long count, long firstId)
    {
        _seed = seed;
        _year = year;
        _count = count;
        _firstId = firstId;
        _pools = ReferencePools.For(seed);
        _yearStart = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        _yearSeconds = (long)(new DateTime(year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc) - _yearStart).TotalSeconds;
    }

    /// <summary>Creates loan number <paramref name="index"/> (0-based) of the year.</summary>
    public LoanRecord Create(long index)
    {
        var id = _firstId + index;
        var rng = SimRandom.For(_seed, _year, id, NewLoanStream);
        var r = new LoanRecord { Id = id };

        var offset = (long)((index + rng.NextDouble()) * _yearSeconds / _count);
        var created = _yearStart.AddSeconds(Math.Min(offset, _yearSeconds - 1));
        r.CreatedAt = created;
        r.UpdatedAt = created;
        r.IssueD = DateOnly.FromDateTime(created);
        r.MemberId = 10_000_000 + rng.NextLong(140_000_000);

        var grade = rng.PickCumulative(GradeTable.CumulativeShare);
        var sub = rng.Next(1, 6);
        var (minRate, maxRate) = GradeTable.SubGradeRange(grade, sub);
        r.Grade = GradeTable.Grades[grade];
        r.SubGrade = SubGradeNames[grade * 5 + sub - 1];
        r.IntRateBp = rng.Next(minRate, maxRate + 1);

        var fico = Math.Clamp(GradeTable.MeanFico[grade] + rng.NextGaussian() * 18.0, 660.0, 845.0);
        r.FicoRangeLow = (int)Math.Round(fico / 5.0) * 5;
        r.FicoRangeHigh = r.FicoRangeLow + 4;

        // Income: log-normal around $62k, a little higher for better grades.
        var income = 62_000.0 * Math.Exp(0.55 * rng.NextGaussian()) * (1.15 - 0.05 * grade);
        income = Math.Clamp(income, 12_000.0, 2_000_000.0);
        var incomeDollars = rng.Chance(0.7) ? (long)Math.Round(income / 500.0) * 500 : (long)Math.Round(income);
        r.AnnualIncCents = incomeDollars * 100;

        // Amount: a share of income, usually a round number.
        var amount = incomeDollars * (0.06 + 0.24 * rng.NextDouble()) * (1.0 + 0.04 * grade);
        var amountDollars = rng.Chance(0.6) ? (long)Math.Round(amount / 1000.0) * 1000 : (long)Math.Round(amount / 25.0) * 25;
        amountDollars = Math.Clamp(amountDollars, 1_000, 40_000);
        r.LoanAmntCents = amountDollars * 100;
        var fundedDollars = rng.Chance(0.03)
            ? Math.Max(1_000, amountDollars - (long)(amountDollars * 0.2 * rng.NextDouble()) / 25 * 25)
            : amountDollars;
        r.FundedAmntCents = fundedDollars * 100;

        var sixty = GradeTable.SixtyMonthShare[grade] * (amountDollars > 20_000 ? 1.5 : 0.7);
        r.Term = rng.Chance(Math.Min(sixty, 0.9)) ? 60 : 36;
        r.InstallmentCents = Amortization.InstallmentCents(r.FundedAmntCents, r.IntRateBp, r.Term);

        r.EmpTitle = rng.Chance(0.07) ? null : _pools.EmploymentTitle(ref rng);
        r.EmpLength = rng.Chance(0.06) ? null : ReferencePools.EmpLengths[rng.PickCumulative(ReferencePools.EmpLengthCumulative)];
        r.HomeOwnership = ReferencePools.HomeOwnerships[rng.PickCumulative(ReferencePools.HomeOwnershipCumulative)];
        var verified = 0.20 + 0.35 * amountDollars / 40_000.0;
        var v = rng.NextDouble();
        r.VerificationStatus = v < verified ? "Verified" : v < verified + 0.38 ? "Source Verified" : "Not Verified";

        var purpose = rng.PickCumulative(ReferencePools.PurposeCumulative);
        r.Purpose = ReferencePools.Purposes[purpose];
        var titles = ReferencePools.PurposeTitles[purpose];
        r.Title = rng.Chance(0.7) ? titles[0] : titles[rng.Next(0, titles.Length)];

        var state = rng.PickCumulative(ReferencePools.StateCumulative);
        r.AddrState = ReferencePools.States[state];
        var zips = ReferencePools.StateZips[state];
        r.ZipCode = zips[rng.Next(0, zips.Length)];

        var dti = Math.Clamp(9.0 + 2.3 * grade + rng.NextGaussian() * 7.0, 0.0, 45.0);
        r.DtiHundredths = (int)Math.Round(dti * 100.0);
        var d = rng.NextDouble();
        r.Delinq2Yrs = d < 0.82 ? 0 : d < 0.94 ? 1 : d < 0.98 ? 2 : rng.Next(3, 7);
        var p = rng.NextDouble();
        r.PubRec = p < 0.85 ? 0 : p < 0.97 ? 1 : 2;

        var historyYears = Math.Clamp(5.0 + (r.FicoRangeLow - 660) / 10.0 + rng.NextGaussian() * 6.0, 3.0, 45.0);
        var firstLine = r.IssueD.AddMonths(-(int)(historyYears * 12.0));
        r.EarliestCrLine = new DateOnly(firstLine.Year, firstLine.Month, 1);

        r.OpenAcc = Math.Clamp((int)Math.Round(11.0 + rng.NextGaussian() * 5.0), 1, 45);
        r.TotalAcc = r.OpenAcc + 2 + (int)Math.Round(Math.Abs(rng.NextGaussian()) * 12.0);
        r.RevolBalCents = (long)Math.Round(incomeDollars * 0.35 * rng.NextDouble() * Math.Min(1.0, r.OpenAcc / 8.0)) * 100;
        var util = Math.Clamp(35.0 + 4.0 * grade + rng.NextGaussian() * 22.0, 0.0, 120.0);
        r.RevolUtilTenths = (int)Math.Round(util * 10.0);

        r.Status = LoanStatus.Current;
        r.OutPrncpCents = r.FundedAmntCents;
        r.TotalPymntCents = 0;
        r.TotalRecPrncpCents = 0;
        r.TotalRecIntCents = 0;
        r.LastPymntD = null;
        r.LastPymntAmntCents = 0;
        return r;
    }

    private static readonly string[] SubGradeNames =
        GradeTable.Grades.SelectMany(g => Enumerable.Range(1, 5).Select(s => g + s.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
}
