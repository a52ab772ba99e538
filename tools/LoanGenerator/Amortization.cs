namespace DeltaLite.LoanGenerator;

/// <summary>
/// The fixed-payment schedule of a loan. The installment is the annuity formula rounded to the cent; each month's
/// interest is the balance times rate/12, rounded half up to the cent in integer arithmetic; the last
/// scheduled payment clears the remaining balance.
/// </summary>
internal static class Amortization
{
    /// <summary>installment = P * r / (1 - (1 + r)^-n) with r = annual rate / 12, rounded to the cent.</summary>
    public static long InstallmentCents(long principalCents, int rateBp, int termMonths)
    {
        var factor = (uint)rateBp < MaxCachedRateBp && termMonths is 36 or 60 ? Factors[termMonths == 36 ? 0 : 1][rateBp] : Factor(rateBp, termMonths);
        return (long)Math.Round(principalCents * factor, MidpointRounding.AwayFromZero);
    }

    /// <summary>r / (1 - (1 + r)^-n): the payment per unit of principal.</summary>
    private static double Factor(int rateBp, int termMonths)
    {
        var r = rateBp / 120000.0;
        return r / (1.0 - Math.Pow(1.0 + r, -termMonths));
    }

    private const int MaxCachedRateBp = 4000;

    private static readonly double[][] Factors =
    [
        Enumerable.Range(0, MaxCachedRateBp).Select(bp => bp == 0 ? 1.0 / 36 : Factor(bp, 36)).ToArray(),
        Enumerable.Range(0, MaxCachedRateBp).Select(bp => bp == 0 ? 1.0 / 60 : Factor(bp, 60)).ToArray(),
    ];

    /// <summary>One month's interest on <paramref name="balanceCents"/>, rounded half up to the cent.</summary>
    public static long MonthlyInterestCents(long balanceCents, int rateBp) => (balanceCents * rateBp + 60000) / 120000;

    /// <summary>The state of the schedule after <paramref name="payments"/> scheduled payments.</summary>
    public static ScheduleState After(LoanRecord loan, int payments)
    {
        var state = new ScheduleState(loan.FundedAmntCents, 0, 0, 0);
        for (var i = 0; i < payments; i++)
        {
            state = Step(state, loan);
        }
        return state;
    }

    /// <summary>Pays the next scheduled installment.</summary>
    public static ScheduleState Step(ScheduleState s, LoanRecord loan)
    {
        var interest = MonthlyInterestCents(s.BalanceCents, loan.IntRateBp);
        var isLast = s.Payments + 1 >= loan.Term;
        var principal = isLast ? s.BalanceCents : Math.Min(s.BalanceCents, loan.InstallmentCents - interest);
        return new ScheduleState(s.BalanceCents - principal, s.PrincipalPaidCents + principal, s.InterestPaidCents + interest, s.Payments + 1)
        {
            LastPaymentCents = principal + interest,
        };
    }

    /// <summary>The number of scheduled payments a loan's recorded principal corresponds to.</summary>
    public static int PaymentsMade(LoanRecord loan)
    {
        var state = new ScheduleState(loan.FundedAmntCents, 0, 0, 0);
        while (state.PrincipalPaidCents < loan.TotalRecPrncpCents && state.Payments < loan.Term)
        {
            state = Step(state, loan);
        }
        return state.Payments;
    }
}

/// <summary>Balance and totals after a number of scheduled payments.</summary>
internal readonly record struct ScheduleState(long BalanceCents, long PrincipalPaidCents, long InterestPaidCents, int Payments)
{
    /// <summary>The amount of the most recent payment (0 before the first).</summary>
    public long LastPaymentCents { get; init; }
}
