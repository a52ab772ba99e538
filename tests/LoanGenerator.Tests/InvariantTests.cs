namespace DeltaLite.LoanGenerator.Tests;

/// <summary>Row invariants and correlations over three simulated years (CSV keeps every version of a loan).</summary>
public sealed class InvariantTests : IClassFixture<InvariantTests.ThreeYears>
{
    private readonly ThreeYears _data;

    public InvariantTests(ThreeYears data) => _data = data;

    public sealed class ThreeYears : IDisposable
    {
        private readonly TempFolder _dir = new();

        public ThreeYears()
        {
            Runs.Csv(_dir.Path, 2018, 2000, seed: 3, share: 0.6);
            Runs.Csv(_dir.Path, 2019, 2000, seed: 3, share: 0.6);
            Runs.Csv(_dir.Path, 2020, 2000, seed: 3, share: 0.6);
            Runs.Csv(_dir.Path, 2021, 500, seed: 3, share: 0.6);
            Files = [.. new[] { 2018, 2019, 2020, 2021 }.Select(y => Runs.ReadCsv(_dir.File($"loans_{y}.csv")))];
            Latest = Files.SelectMany(f => f).GroupBy(l => l.Id).Select(g => g.Last()).ToList();
        }

        /// <summary>The rows of each year's file, in file order.</summary>
        internal List<LoanRecord>[] Files { get; }

        /// <summary>The current version of every loan.</summary>
        internal List<LoanRecord> Latest { get; }

        public void Dispose() => _dir.Dispose();
    }

    [Fact]
    public void Every_version_of_every_row_holds_the_invariants()
    {
        var rows = _data.Files.SelectMany(f => f).ToList();
        Assert.True(rows.Count > 7000);
        foreach (var loan in rows)
        {
            LoanAssert.Invariants(loan);
        }
    }

    [Fact]
    public void Simulation_reaches_every_status()
    {
        var statuses = _data.Latest.Select(l => l.Status).ToHashSet();
        Assert.Equal(Enum.GetValues<LoanStatus>().ToHashSet(), statuses);
    }

    [Fact]
    public void Status_changes_are_legal_and_updated_at_moves_forward()
    {
        var versions = _data.Files.SelectMany(f => f).GroupBy(l => l.Id);
        var changed = 0;
        foreach (var loan in versions)
        {
            var list = loan.ToList();
            for (var i = 1; i < list.Count; i++)
            {
                var (before, after) = (list[i - 1], list[i]);
                Assert.True(LoanStatuses.IsLegalTransition(before.Status, after.Status), $"{loan.Key}: {before.Status} -> {after.Status}");
                Assert.True(before.Status.IsOpen(), $"{loan.Key}: a {before.Status} loan changed");
                Assert.True(after.UpdatedAt > before.UpdatedAt, $"{loan.Key}: updated_at did not move forward");
                Assert.Equal(before.CreatedAt, after.CreatedAt);
                Assert.Equal(before.IssueD, after.IssueD);
                Assert.Equal(before.FundedAmntCents, after.FundedAmntCents);
                Assert.True(after.TotalRecPrncpCents >= before.TotalRecPrncpCents);
                Assert.True((after.LastPymntD ?? default) >= (before.LastPymntD ?? default));
                changed++;
            }
        }
        Assert.True(changed > 1000, $"only {changed} updates");
    }

    [Fact]
    public void Legal_transition_table_matches_the_lifecycle()
    {
        Assert.True(LoanStatuses.IsLegalTransition(LoanStatus.Current, LoanStatus.Late16To30));
        Assert.True(LoanStatuses.IsLegalTransition(LoanStatus.Late31To120, LoanStatus.ChargedOff));
        Assert.True(LoanStatuses.IsLegalTransition(LoanStatus.Late16To30, LoanStatus.Current));
        Assert.False(LoanStatuses.IsLegalTransition(LoanStatus.Current, LoanStatus.ChargedOff));
        Assert.False(LoanStatuses.IsLegalTransition(LoanStatus.FullyPaid, LoanStatus.Current));
        Assert.False(LoanStatuses.IsLegalTransition(LoanStatus.ChargedOff, LoanStatus.Current));
        Assert.False(LoanStatuses.IsLegalTransition(LoanStatus.Late31To120, LoanStatus.Late16To30));
    }

    [Fact]
    public void Grade_drives_rate_and_sub_grades_are_ordered()
    {
        var byGrade = _data.Latest.GroupBy(l => l.Grade).OrderBy(g => g.Key).ToList();
        Assert.Equal("ABCDEFG", string.Concat(byGrade.Select(g => g.Key)));
        for (var i = 1; i < byGrade.Count; i++)
        {
            Assert.True(byGrade[i - 1].Max(l => l.IntRateBp) < byGrade[i].Min(l => l.IntRateBp), $"{byGrade[i - 1].Key} rates overlap {byGrade[i].Key}");
        }
        var bySub = _data.Latest.GroupBy(l => l.SubGrade).OrderBy(g => g.Key).ToList();
        for (var i = 1; i < bySub.Count; i++)
        {
            Assert.True(bySub[i - 1].Max(l => l.IntRateBp) < bySub[i].Min(l => l.IntRateBp), $"{bySub[i - 1].Key} rates overlap {bySub[i].Key}");
        }
    }

    [Fact]
    public void Riskier_grades_go_bad_more_often_and_income_tracks_amount()
    {
        static double BadShare(IEnumerable<LoanRecord> loans) =>
            loans.Average(l => l.Status is LoanStatus.ChargedOff or LoanStatus.Late16To30 or LoanStatus.Late31To120 ? 1.0 : 0.0);
        var early = _data.Files[0];
        var latest = _data.Latest.Where(l => early.Any(e => e.Id == l.Id)).ToList();
        var good = BadShare(latest.Where(l => l.Grade is "A" or "B"));
        var bad = BadShare(latest.Where(l => l.Grade is "D" or "E" or "F" or "G"));
        Assert.True(bad > 2 * good, $"bad share A/B {good:P1}, D-G {bad:P1}");

        var x = _data.Latest.Select(l => (double)l.AnnualIncCents).ToArray();
        var y = _data.Latest.Select(l => (double)l.LoanAmntCents).ToArray();
        Assert.True(Correlation(x, y) > 0.3, $"income/amount correlation {Correlation(x, y):0.00}");

        var fico = _data.Latest.GroupBy(l => l.Grade).OrderBy(g => g.Key).Select(g => g.Average(l => l.FicoRangeLow)).ToList();
        Assert.True(fico[0] > fico[3], "grade A borrowers have better FICO than grade D");
    }

    private static double Correlation(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var cov = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return cov / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }
}
