namespace DeltaLite.LoanGenerator;

/// <summary>
/// One row of the loans table. Money is held as whole cents, rates and dti as hundredths, revol_util as
/// tenths, so every value is exact and every target formats it the same way.
/// </summary>
internal sealed class LoanRecord
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public long LoanAmntCents { get; set; }
    public long FundedAmntCents { get; set; }
    public int Term { get; set; }
    /// <summary>Interest rate in hundredths of a percent (1349 = 13.49%).</summary>
    public int IntRateBp { get; set; }
    public long InstallmentCents { get; set; }
    public string Grade { get; set; } = "";
    public string SubGrade { get; set; } = "";
    public string? EmpTitle { get; set; }
    public string? EmpLength { get; set; }
    public string HomeOwnership { get; set; } = "";
    public long AnnualIncCents { get; set; }
    public string VerificationStatus { get; set; } = "";
    public DateOnly IssueD { get; set; }
    public LoanStatus Status { get; set; }
    public string Purpose { get; set; } = "";
    public string Title { get; set; } = "";
    public string ZipCode { get; set; } = "";
    public string AddrState { get; set; } = "";
    /// <summary>Debt-to-income ratio in hundredths (1825 = 18.25).</summary>
    public int DtiHundredths { get; set; }
    public int Delinq2Yrs { get; set; }
    public DateOnly EarliestCrLine { get; set; }
    public int FicoRangeLow { get; set; }
    public int FicoRangeHigh { get; set; }
    public int OpenAcc { get; set; }
    public int PubRec { get; set; }
    public long RevolBalCents { get; set; }
    /// <summary>Revolving utilisation in tenths of a percent (537 = 53.7%).</summary>
    public int RevolUtilTenths { get; set; }
    public int TotalAcc { get; set; }
    public long OutPrncpCents { get; set; }
    public long TotalPymntCents { get; set; }
    public long TotalRecPrncpCents { get; set; }
    public long TotalRecIntCents { get; set; }
    public DateOnly? LastPymntD { get; set; }
    public long LastPymntAmntCents { get; set; }
    /// <summary>UTC, whole seconds.</summary>
    public DateTime CreatedAt { get; set; }
    /// <summary>UTC, whole seconds.</summary>
    public DateTime UpdatedAt { get; set; }

    public LoanRecord Clone() => (LoanRecord)MemberwiseClone();
}
