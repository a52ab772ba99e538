namespace DeltaLite.LoanGenerator;

/// <summary>The logical type of a loans column; each target maps it to its own SQL type.</summary>
public enum LoanColumnKind
{
    BigInt,
    Int,
    Decimal,
    Text,
    Date,
    Timestamp,
}

/// <summary>One column of the loans table.</summary>
/// <param name="Name">Column name (LendingClub spelling, lower case).</param>
/// <param name="Kind">Logical type.</param>
/// <param name="Nullable">Whether the column may hold NULL.</param>
/// <param name="Precision">Decimal precision, or maximum text length.</param>
/// <param name="Scale">Decimal scale.</param>
/// <param name="Mutable">Whether a later year's update may change it.</param>
public sealed record LoanColumn(string Name, LoanColumnKind Kind, bool Nullable = false, int Precision = 0, int Scale = 0, bool Mutable = false);

/// <summary>The loans table: column order is the CSV column order and the insert order of every target.</summary>
public static class LoanSchema
{
    private static LoanColumn Money(string name, bool mutable = false) => new(name, LoanColumnKind.Decimal, false, 12, 2, mutable);

    private static LoanColumn Text(string name, int length, bool nullable = false, bool mutable = false) =>
        new(name, LoanColumnKind.Text, nullable, length, 0, mutable);

    /// <summary>All columns in table order.</summary>
    public static IReadOnlyList<LoanColumn> Columns { get; } =
    [
        new("id", LoanColumnKind.BigInt),
        new("member_id", LoanColumnKind.BigInt),
        Money("loan_amnt"),
        Money("funded_amnt"),
        new("term", LoanColumnKind.Int),
        new("int_rate", LoanColumnKind.Decimal, false, 5, 2),
        Money("installment"),
        Text("grade", 1),
        Text("sub_grade", 2),
        Text("emp_title", 100, nullable: true),
        Text("emp_length", 12, nullable: true),
        Text("home_ownership", 10),
        Money("annual_inc"),
        Text("verification_status", 20),
        new("issue_d", LoanColumnKind.Date),
        Text("loan_status", 20, mutable: true),
        Text("purpose", 24),
        Text("title", 60),
        Text("zip_code", 5),
        Text("addr_state", 2),
        new("dti", LoanColumnKind.Decimal, false, 5, 2),
        new("delinq_2yrs", LoanColumnKind.Int),
        new("earliest_cr_line", LoanColumnKind.Date),
        new("fico_range_low", LoanColumnKind.Int),
        new("fico_range_high", LoanColumnKind.Int),
        new("open_acc", LoanColumnKind.Int),
        new("pub_rec", LoanColumnKind.Int),
        Money("revol_bal"),
        new("revol_util", LoanColumnKind.Decimal, false, 5, 1),
        new("total_acc", LoanColumnKind.Int),
        Money("out_prncp", mutable: true),
        Money("total_pymnt", mutable: true),
        Money("total_rec_prncp", mutable: true),
        Money("total_rec_int", mutable: true),
        new("last_pymnt_d", LoanColumnKind.Date, Nullable: true, Mutable: true),
        Money("last_pymnt_amnt", mutable: true),
        new("created_at", LoanColumnKind.Timestamp),
        new("updated_at", LoanColumnKind.Timestamp, Mutable: true),
    ];

    /// <summary>The columns an update rewrites (besides the key).</summary>
    public static IReadOnlyList<LoanColumn> MutableColumns { get; } = Columns.Where(c => c.Mutable).ToArray();

    /// <summary>The header line of the CSV files (no line ending).</summary>
    public static string CsvHeader { get; } = string.Join(',', Columns.Select(c => c.Name));

    internal const int Id = 0, MemberId = 1, LoanAmnt = 2, FundedAmnt = 3, Term = 4, IntRate = 5, Installment = 6,
        Grade = 7, SubGrade = 8, EmpTitle = 9, EmpLength = 10, HomeOwnership = 11, AnnualInc = 12,
        VerificationStatus = 13, IssueD = 14, LoanStatusOrdinal = 15, Purpose = 16, Title = 17, ZipCode = 18,
        AddrState = 19, Dti = 20, Delinq2Yrs = 21, EarliestCrLine = 22, FicoRangeLow = 23, FicoRangeHigh = 24,
        OpenAcc = 25, PubRec = 26, RevolBal = 27, RevolUtil = 28, TotalAcc = 29, OutPrncp = 30, TotalPymnt = 31,
        TotalRecPrncp = 32, TotalRecInt = 33, LastPymntD = 34, LastPymntAmnt = 35, CreatedAt = 36, UpdatedAt = 37;

    /// <summary>The value of column <paramref name="ordinal"/> as a CLR value (decimal, long, int, string, DateOnly, DateTime) or null.</summary>
    internal static object? GetValue(LoanRecord r, int ordinal) => ordinal switch
    {
        Id => r.Id,
        MemberId => r.MemberId,
        LoanAmnt => Cents(r.LoanAmntCents),
        FundedAmnt => Cents(r.FundedAmntCents),
        Term => r.Term,
        IntRate => new decimal(r.IntRateBp, 0, 0, false, 2),
        Installment => Cents(r.InstallmentCents),
        Grade => r.Grade,
        SubGrade => r.SubGrade,
        EmpTitle => r.EmpTitle,
        EmpLength => r.EmpLength,
        HomeOwnership => r.HomeOwnership,
        AnnualInc => Cents(r.AnnualIncCents),
        VerificationStatus => r.VerificationStatus,
        IssueD => r.IssueD,
        LoanStatusOrdinal => r.Status.ToText(),
        Purpose => r.Purpose,
        Title => r.Title,
        ZipCode => r.ZipCode,
        AddrState => r.AddrState,
        Dti => new decimal(r.DtiHundredths, 0, 0, false, 2),
        Delinq2Yrs => r.Delinq2Yrs,
        EarliestCrLine => r.EarliestCrLine,
        FicoRangeLow => r.FicoRangeLow,
        FicoRangeHigh => r.FicoRangeHigh,
        OpenAcc => r.OpenAcc,
        PubRec => r.PubRec,
        RevolBal => Cents(r.RevolBalCents),
        RevolUtil => new decimal(r.RevolUtilTenths, 0, 0, false, 1),
        TotalAcc => r.TotalAcc,
        OutPrncp => Cents(r.OutPrncpCents),
        TotalPymnt => Cents(r.TotalPymntCents),
        TotalRecPrncp => Cents(r.TotalRecPrncpCents),
        TotalRecInt => Cents(r.TotalRecIntCents),
        LastPymntD => r.LastPymntD,
        LastPymntAmnt => Cents(r.LastPymntAmntCents),
        CreatedAt => r.CreatedAt,
        UpdatedAt => r.UpdatedAt,
        _ => throw new ArgumentOutOfRangeException(nameof(ordinal)),
    };

    internal static decimal Cents(long cents) => new((int)(cents & 0xFFFFFFFF), (int)(cents >> 32), 0, false, 2);
}
