using System.Globalization;
using System.Text.RegularExpressions;

namespace DeltaLite.LoanGenerator.Tests;

/// <summary>Checks of one loan row, computed independently of the generator (decimal arithmetic).</summary>
internal static partial class LoanAssert
{
    public static string Describe(LoanRecord loan) => string.Join("|", LoanSchema.Columns.Select((_, i) => LoanSchema.GetValue(loan, i) switch
    {
        null => "<null>",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString(),
    }));

    public static decimal Money(long cents) => cents / 100m;

    /// <summary>P r / (1 - (1 + r)^-n) with r = rate / 1200, rounded to the cent.</summary>
    public static decimal Installment(decimal principal, decimal ratePercent, int months)
    {
        var r = ratePercent / 1200m;
        var growth = 1m;
        for (var i = 0; i < months; i++)
        {
            growth *= 1m + r;
        }
        return Math.Round(principal * r * growth / (growth - 1m), 2, MidpointRounding.AwayFromZero);
    }

    private static decimal Interest(decimal balance, decimal ratePercent) =>
        Math.Round(balance * ratePercent / 1200m, 2, MidpointRounding.AwayFromZero);

    /// <summary>Every row invariant the issue names; throws with the loan id on the first failure.</summary>
    public static void Invariants(LoanRecord loan)
    {
        var id = loan.Id.ToString(CultureInfo.InvariantCulture);
        var funded = Money(loan.FundedAmntCents);
        var rate = loan.IntRateBp / 100m;
        Assert.True(loan.Term is 36 or 60, id);
        Assert.True(Money(loan.InstallmentCents) == Installment(funded, rate, loan.Term), $"{id}: installment {Money(loan.InstallmentCents)} vs formula {Installment(funded, rate, loan.Term)}");
        Assert.True(loan.FundedAmntCents <= loan.LoanAmntCents, id);
        Assert.Equal(loan.FicoRangeLow + 4, loan.FicoRangeHigh);
        Assert.True(loan.FicoRangeLow is >= 600 and <= 850, id);
        Assert.Matches(ZipPattern(), loan.ZipCode);
        Assert.Equal(2, loan.AddrState.Length);
        Assert.StartsWith(loan.Grade, loan.SubGrade, StringComparison.Ordinal);
        Assert.True(loan.TotalAcc >= loan.OpenAcc, id);
        Assert.True(loan.EarliestCrLine < loan.IssueD, id);

        // Dates ordered: issue_d <= last_pymnt_d <= updated_at, created_at on issue_d, created_at <= updated_at.
        Assert.Equal(DateTimeKind.Utc, loan.UpdatedAt.Kind);
        Assert.Equal(loan.IssueD, DateOnly.FromDateTime(loan.CreatedAt));
        Assert.True(loan.CreatedAt <= loan.UpdatedAt, id);
        if (loan.LastPymntD is { } last)
        {
            Assert.True(loan.IssueD <= last && last <= DateOnly.FromDateTime(loan.UpdatedAt), $"{id}: {loan.IssueD} <= {last} <= {loan.UpdatedAt}");
        }
        else
        {
            Assert.Equal(0, loan.TotalRecPrncpCents);
            Assert.Equal(0, loan.LastPymntAmntCents);
        }

        // Totals against the amortisation schedule.
        Assert.Equal(loan.TotalRecPrncpCents + loan.TotalRecIntCents, loan.TotalPymntCents);
        var paidPrincipal = Money(loan.TotalRecPrncpCents);
        var paidInterest = Money(loan.TotalRecIntCents);
        var installment = Money(loan.InstallmentCents);
        decimal balance = funded, principal = 0, interest = 0, lastPayment = 0;
        var schedule = new List<(decimal Balance, decimal Principal, decimal Interest, decimal Payment)> { (balance, 0, 0, 0) };
        for (var k = 1; k <= loan.Term; k++)
        {
            var i = Interest(balance, rate);
            var p = k == loan.Term ? balance : Math.Min(balance, installment - i);
            balance -= p;
            principal += p;
            interest += i;
            lastPayment = p + i;
            schedule.Add((balance, principal, interest, lastPayment));
        }
        Assert.Equal(0m, schedule[^1].Balance);

        switch (loan.Status)
        {
            case LoanStatus.FullyPaid:
                Assert.Equal(0, loan.OutPrncpCents);
                Assert.Equal(funded, paidPrincipal);
                var matured = schedule[^1].Interest == paidInterest && schedule[^1].Payment == Money(loan.LastPymntAmntCents);
                var prepaid = schedule.Take(loan.Term).Any(s => s.Interest + Interest(s.Balance, rate) == paidInterest
                    && s.Balance + Interest(s.Balance, rate) == Money(loan.LastPymntAmntCents));
                Assert.True(matured || prepaid, $"{id}: fully paid totals match no payoff of the schedule");
                break;
            default:
                var at = schedule.FindIndex(s => s.Principal == paidPrincipal);
                Assert.True(at >= 0, $"{id}: principal {paidPrincipal} is not a point of the schedule");
                Assert.Equal(schedule[at].Interest, paidInterest);
                Assert.Equal(loan.Status == LoanStatus.ChargedOff ? 0m : funded - paidPrincipal, Money(loan.OutPrncpCents));
                if (at > 0)
                {
                    Assert.Equal(schedule[at].Payment, Money(loan.LastPymntAmntCents));
                    Assert.Equal(loan.IssueD.AddMonths(at), loan.LastPymntD);
                }
                break;
        }
    }

    [GeneratedRegex(@"^[0-9]{3}xx$")]
    private static partial Regex ZipPattern();
}
