namespace DeltaLite.LoanGenerator.Tests;

public sealed class ScheduleTests
{
    [Theory]
    [InlineData(1000000, 1349, 36)]
    [InlineData(4000000, 3099, 60)]
    [InlineData(100000, 531, 36)]
    [InlineData(2512500, 1799, 60)]
    public void Installment_matches_the_annuity_formula_and_the_schedule_ends_at_zero(long cents, int rateBp, int term)
    {
        var loan = new LoanRecord { FundedAmntCents = cents, IntRateBp = rateBp, Term = term };
        loan.InstallmentCents = Amortization.InstallmentCents(cents, rateBp, term);
        Assert.Equal(LoanAssert.Installment(cents / 100m, rateBp / 100m, term), loan.InstallmentCents / 100m);
        var end = Amortization.After(loan, term);
        Assert.Equal(0, end.BalanceCents);
        Assert.Equal(cents, end.PrincipalPaidCents);
        Assert.InRange(end.LastPaymentCents, loan.InstallmentCents - 100, loan.InstallmentCents + 100);
        for (var k = 0; k <= term; k++)
        {
            loan.TotalRecPrncpCents = Amortization.After(loan, k).PrincipalPaidCents;
            Assert.Equal(k, Amortization.PaymentsMade(loan));
        }
    }

    [Theory]
    [InlineData("2020-01-31", "2020-02-28", 0)]
    [InlineData("2020-01-31", "2020-02-29", 1)]
    [InlineData("2020-01-15", "2021-01-14", 11)]
    [InlineData("2020-01-15", "2021-01-15", 12)]
    [InlineData("2020-03-10", "2020-03-31", 0)]
    public void Months_due_counts_due_dates_on_or_before_the_day(string issue, string day, int expected) =>
        Assert.Equal(expected, LoanLifecycle.MonthsDue(DateOnly.Parse(issue, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Generated_loans_are_issued_in_id_order_across_the_year()
    {
        var factory = new LoanFactory(42, 2020, 5000, 1);
        var loans = Enumerable.Range(0, 5000).Select(i => factory.Create(i)).ToList();
        Assert.Equal(loans.Select(l => l.CreatedAt).Order(), loans.Select(l => l.CreatedAt));
        Assert.Equal(new DateOnly(2020, 1, 1), loans[0].IssueD);
        Assert.Equal(new DateOnly(2020, 12, 31), loans[^1].IssueD);
        Assert.All(loans, LoanAssert.Invariants);
    }
}
