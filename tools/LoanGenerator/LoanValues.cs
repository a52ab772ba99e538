using System.Globalization;

namespace DeltaLite.LoanGenerator;

/// <summary>Fills a <see cref="LoanRecord"/> from values read back from a target (typed values or their text forms).</summary>
internal static class LoanValues
{
    /// <summary>Sets column <paramref name="ordinal"/> of <paramref name="r"/> from a value read back from a target.</summary>
    public static void Set(LoanRecord r, int ordinal, object? value)
    {
        var column = LoanSchema.Columns[ordinal];
        if (value is null or DBNull || value is string { Length: 0 } && column.Nullable)
        {
            if (!column.Nullable)
            {
                throw new LoanGeneratorException($"column {column.Name} of loan {r.Id} is empty");
            }
            switch (ordinal)
            {
                case LoanSchema.EmpTitle: r.EmpTitle = null; break;
                case LoanSchema.EmpLength: r.EmpLength = null; break;
                case LoanSchema.LastPymntD: r.LastPymntD = null; break;
            }
            return;
        }
        switch (column.Kind)
        {
            case LoanColumnKind.BigInt:
            case LoanColumnKind.Int:
                SetInteger(r, ordinal, value is string s ? LoanText.ParseLong(s, column.Name) : Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case LoanColumnKind.Decimal:
                var scaled = value switch
                {
                    string text => LoanText.ParseScaled(text, column.Scale, column.Name),
                    decimal d => LoanText.ToScaled(d, column.Scale, column.Name),
                    _ => LoanText.ToScaled(Convert.ToDecimal(value, CultureInfo.InvariantCulture), column.Scale, column.Name),
                };
                SetScaled(r, ordinal, scaled);
                break;
            case LoanColumnKind.Text:
                SetText(r, ordinal, (string)value);
                break;
            case LoanColumnKind.Date:
                var date = value switch
                {
                    string text => LoanText.ParseDate(text, column.Name),
                    DateOnly d => d,
                    DateTime dt => DateOnly.FromDateTime(dt),
                    _ => throw new LoanGeneratorException($"column {column.Name}: unexpected {value.GetType().Name}"),
                };
                if (ordinal == LoanSchema.IssueD) r.IssueD = date;
                else if (ordinal == LoanSchema.EarliestCrLine) r.EarliestCrLine = date;
                else r.LastPymntD = date;
                break;
            case LoanColumnKind.Timestamp:
                var ts = value switch
                {
                    string text => LoanText.ParseTimestamp(text, column.Name),
                    DateTime dt => DateTime.SpecifyKind(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt, DateTimeKind.Utc),
                    DateTimeOffset dto => dto.UtcDateTime,
                    _ => throw new LoanGeneratorException($"column {column.Name}: unexpected {value.GetType().Name}"),
                };
                if (ordinal == LoanSchema.CreatedAt) r.CreatedAt = ts;
                else r.UpdatedAt = ts;
                break;
        }
    }

    private static void SetInteger(LoanRecord r, int ordinal, long v)
    {
        switch (ordinal)
        {
            case LoanSchema.Id: r.Id = v; break;
            case LoanSchema.MemberId: r.MemberId = v; break;
            case LoanSchema.Term: r.Term = (int)v; break;
            case LoanSchema.Delinq2Yrs: r.Delinq2Yrs = (int)v; break;
            case LoanSchema.FicoRangeLow: r.FicoRangeLow = (int)v; break;
            case LoanSchema.FicoRangeHigh: r.FicoRangeHigh = (int)v; break;
            case LoanSchema.OpenAcc: r.OpenAcc = (int)v; break;
            case LoanSchema.PubRec: r.PubRec = (int)v; break;
            case LoanSchema.TotalAcc: r.TotalAcc = (int)v; break;
            default: throw new ArgumentOutOfRangeException(nameof(ordinal));
        }
    }

    private static void SetScaled(LoanRecord r, int ordinal, long v)
    {
        switch (ordinal)
        {
            case LoanSchema.LoanAmnt: r.LoanAmntCents = v; break;
            case LoanSchema.FundedAmnt: r.FundedAmntCents = v; break;
            case LoanSchema.IntRate: r.IntRateBp = (int)v; break;
            case LoanSchema.Installment: r.InstallmentCents = v; break;
            case LoanSchema.AnnualInc: r.AnnualIncCents = v; break;
            case LoanSchema.Dti: r.DtiHundredths = (int)v; break;
            case LoanSchema.RevolBal: r.RevolBalCents = v; break;
            case LoanSchema.RevolUtil: r.RevolUtilTenths = (int)v; break;
            case LoanSchema.OutPrncp: r.OutPrncpCents = v; break;
            case LoanSchema.TotalPymnt: r.TotalPymntCents = v; break;
            case LoanSchema.TotalRecPrncp: r.TotalRecPrncpCents = v; break;
            case LoanSchema.TotalRecInt: r.TotalRecIntCents = v; break;
            case LoanSchema.LastPymntAmnt: r.LastPymntAmntCents = v; break;
            default: throw new ArgumentOutOfRangeException(nameof(ordinal));
        }
    }

    private static void SetText(LoanRecord r, int ordinal, string v)
    {
        switch (ordinal)
        {
            case LoanSchema.Grade: r.Grade = v; break;
            case LoanSchema.SubGrade: r.SubGrade = v; break;
            case LoanSchema.EmpTitle: r.EmpTitle = v; break;
            case LoanSchema.EmpLength: r.EmpLength = v; break;
            case LoanSchema.HomeOwnership: r.HomeOwnership = v; break;
            case LoanSchema.VerificationStatus: r.VerificationStatus = v; break;
            case LoanSchema.LoanStatusOrdinal: r.Status = LoanStatuses.Parse(v); break;
            case LoanSchema.Purpose: r.Purpose = v; break;
            case LoanSchema.Title: r.Title = v; break;
            case LoanSchema.ZipCode: r.ZipCode = v; break;
            case LoanSchema.AddrState: r.AddrState = v; break;
            default: throw new ArgumentOutOfRangeException(nameof(ordinal));
        }
    }
}
