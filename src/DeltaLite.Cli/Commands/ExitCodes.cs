namespace DeltaLite.Cli.Commands;

/// <summary>The process exit codes of every verb.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int UserError = 1;
    public const int CommitConflict = 2;
    public const int Unexpected = 3;
}
