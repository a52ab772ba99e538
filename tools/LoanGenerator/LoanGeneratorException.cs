namespace DeltaLite.LoanGenerator;

/// <summary>
/// A problem the user can fix (bad argument, refused year, unreachable database). Its message is one line,
/// never contains a password, and is printed without a stack trace.
/// </summary>
public sealed class LoanGeneratorException : Exception
{
    public LoanGeneratorException(string message)
        : base(message)
    {
    }

    public LoanGeneratorException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
