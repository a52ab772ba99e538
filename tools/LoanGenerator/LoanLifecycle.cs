namespace DeltaLite.LoanGenerator;

/// <summary>
/// Advances earlier loans during one simulated year. Each open loan is picked with probability
/// <c>updateShare</c> (decided by a generator keyed by seed, year and id, so the pick does not depend on read order);
/// a picked loan changes at one simulated instant of the year, at least 16 days after its next due date, and its
/// status moves by a legal transition (see <see cref="LoanStatuses.IsLegalTransition"/>) with chances scaled by the
/// grade's risk. Totals always equal the amortisation schedule after the payments made.
/// </summary>
internal sealed class LoanLifecycle
{
    private const ulong UpdateStream = 2;

    private readonly int _seed;
    private readonly int _year;
    private readonly double _share;
    private readonly DateTime _yearStart;
    private readonly DateTime _yearLast;

    public LoanLifecycle(int seed, int year, double updateShare)
    {
        _seed = seed;
        _year = year;
        _share = updateShare;
        _yearStart = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        _yearLast = new DateTime(year, 12, 31, 23, 59, 59, DateTimeKind.Utc);
    }

    /// <summary>
    /// Returns the updated copy of <paramref name="loan"/> when this year changes it, or null. The input is not modified.
    /// </summary>
    public LoanRecord? Advance(LoanRecord loan)
    {
        if (!loan.Status.IsOpen())
        {
            return null;
        }
        var rng = SimRandom.For(_seed, _year, loan.Id, UpdateStream);
        if (!rng.Chance(_share))
        {
            return null;
        }

        var paidBefore = Amortization.PaymentsMade(loan);
        var nextDue = loan.IssueD.AddMonths(paidBefore + 1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(16);
        var earliest = Max(Max(_yearStart, loan.UpdatedAt.AddSeconds(1)), nextDue);
        if (earliest > _yearLast)
        {
            return null;
        }
        var span = (long)(_yearLast - earliest).TotalSeconds;
        var at = earliest.AddSeconds(rng.NextLong(span + 1));
        var atDate = DateOnly.FromDateTime(at);
        var due = Math.Min(loan.Term, MonthsDue(loan.IssueD, atDate));

        var next = ChooseStatus(loan.Status, due >= loan.Term, GradeTable.Risk[GradeTable.IndexOf(loan.Grade)], ref rng);
        var updated = loan.Clone();
        updated.Status = next;
        updated.UpdatedAt = at;

        switch (next)
        {
            case LoanStatus.Current:
                ApplyPayments(updated, paidBefore, due);
                if (updated.OutPrncpCents == 0)
                {
                    updated.Status = LoanStatus.FullyPaid;
                }
                break;
            case LoanStatus.Late16To30:
                ApplyPayments(updated, paidBefore, Math.Max(paidBefore, due - 1));
                break;
            case LoanStatus.Late31To120:
                if (loan.Status == LoanStatus.Current && due - paidBefore < 2)
                {
                    updated.Status = LoanStatus.Late16To30;
                    ApplyPayments(updated, paidBefore, Math.Max(paidBefore, due - 1));
                }
                else
                {
                    ApplyPayments(updated, paidBefore, Math.Max(paidBefore, due - rng.Next(2, 5)));
                }
                break;
            case LoanStatus.ChargedOff:
                ApplyPayments(updated, paidBefore, Math.Max(paidBefore, due - rng.Next(4, 8)));
                updated.OutPrncpCents = 0;
                break;
            case LoanStatus.FullyPaid:
                if (due >= loan.Term)
                {
                    ApplyPayments(updated, paidBefore, loan.Term);
                }
                else
                {
                    PayOff(updated, due, atDate);
                }
                break;
        }
        return updated;
    }

    /// <summary>How many scheduled due dates (issue_d + 1, 2, ... months) fall on or before <paramref name="date"/>.</summary>
    internal static int MonthsDue(DateOnly issue, DateOnly date)
    {
        var months = (date.Year - issue.Year) * 12 + date.Month - issue.Month;
        if (months > 0 && issue.AddMonths(months) > date)
        {
            months--;
        }
        return Math.Max(0, months);
    }

    private static LoanStatus ChooseStatus(LoanStatus from, bool matured, double risk, ref SimRandom rng)
    {
        var x = rng.NextDouble();
        switch (from)
        {
            case LoanStatus.Current:
                if (matured)
                {
                    return x < 0.01 * risk ? LoanStatus.Late16To30 : LoanStatus.FullyPaid;
                }
                var late16 = 0.025 * risk;
                var late31 = late16 + 0.012 * risk;
                var prepay = late31 + 0.07;
                return x < late16 ? LoanStatus.Late16To30 : x < late31 ? LoanStatus.Late31To120 : x < prepay ? LoanStatus.FullyPaid : LoanStatus.Current;
            case LoanStatus.Late16To30:
                var co16 = Math.Min(0.5, 0.04 * risk);
                var worse = co16 + 0.2;
                var stay = worse + 0.1;
                var paid16 = stay + 0.02;
                return x < co16 ? LoanStatus.ChargedOff : x < worse ? LoanStatus.Late31To120 : x < stay ? LoanStatus.Late16To30 : x < paid16 ? LoanStatus.FullyPaid : LoanStatus.Current;
            default:
                var co31 = Math.Min(0.7, 0.12 * risk);
                var stay31 = co31 + 0.25;
                var paid31 = stay31 + 0.01;
                return x < co31 ? LoanStatus.ChargedOff : x < stay31 ? LoanStatus.Late31To120 : x < paid31 ? LoanStatus.FullyPaid : LoanStatus.Current;
        }
    }

    /// <summary>Sets the totals to the schedule after <paramref name="payments"/> payments.</summary>
    private static void ApplyPayments(LoanRecord loan, int paidBefore, int payments)
    {
        var state = Amortization.After(loan, payments);
        loan.OutPrncpCents = state.BalanceCents;
        loan.TotalRecPrncpCents = state.PrincipalPaidCents;
        loan.TotalRecIntCents = state.InterestPaidCents;
        loan.TotalPymntCents = state.PrincipalPaidCents + state.InterestPaidCents;
        if (payments > paidBefore)
        {
            loan.LastPymntD = loan.IssueD.AddMonths(payments);
            loan.LastPymntAmntCents = state.LastPaymentCents;
        }
    }

    /// <summary>Pays the installments due, then the remaining balance plus one month's interest on <paramref name="date"/>.</summary>
    private static void PayOff(LoanRecord loan, int due, DateOnly date)
    {
        var state = Amortization.After(loan, due);
        var interest = Amortization.MonthlyInterestCents(state.BalanceCents, loan.IntRateBp);
        loan.OutPrncpCents = 0;
        loan.TotalRecPrncpCents = loan.FundedAmntCents;
        loan.TotalRecIntCents = state.InterestPaidCents + interest;
        loan.TotalPymntCents = loan.TotalRecPrncpCents + loan.TotalRecIntCents;
        loan.LastPymntD = date;
        loan.LastPymntAmntCents = state.BalanceCents + interest;
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
