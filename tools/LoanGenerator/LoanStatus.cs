namespace DeltaLite.LoanGenerator;

/// <summary>The loan_status values, LendingClub spelling.</summary>
internal enum LoanStatus
{
    Current,
    Late16To30,
    Late31To120,
    FullyPaid,
    ChargedOff,
}

internal static class LoanStatuses
{
    public const string CurrentText = "Current";
    public const string Late16Text = "Late (16-30 days)";
    public const string Late31Text = "Late (31-120 days)";
    public const string FullyPaidText = "Fully Paid";
    public const string ChargedOffText = "Charged Off";

    public static string ToText(this LoanStatus status) => status switch
    {
        LoanStatus.Current => CurrentText,
        LoanStatus.Late16To30 => Late16Text,
        LoanStatus.Late31To120 => Late31Text,
        LoanStatus.FullyPaid => FullyPaidText,
        LoanStatus.ChargedOff => ChargedOffText,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static LoanStatus Parse(string text) => text switch
    {
        CurrentText => LoanStatus.Current,
        Late16Text => LoanStatus.Late16To30,
        Late31Text => LoanStatus.Late31To120,
        FullyPaidText => LoanStatus.FullyPaid,
        ChargedOffText => LoanStatus.ChargedOff,
        _ => throw new LoanGeneratorException($"unknown loan_status '{text}'"),
    };

    public static bool IsOpen(this LoanStatus status) =>
        status is LoanStatus.Current or LoanStatus.Late16To30 or LoanStatus.Late31To120;

    /// <summary>
    /// The transitions one update may make. Fully Paid and Charged Off are final; a loan is charged off only
    /// after being late; a late loan may catch up (Current), get later, or be paid off.
    /// </summary>
    public static bool IsLegalTransition(LoanStatus from, LoanStatus to) => from switch
    {
        LoanStatus.Current => to is LoanStatus.Current or LoanStatus.Late16To30 or LoanStatus.Late31To120 or LoanStatus.FullyPaid,
        LoanStatus.Late16To30 => true,
        LoanStatus.Late31To120 => to is not LoanStatus.Late16To30,
        _ => false,
    };
}
