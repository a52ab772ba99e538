namespace DeltaLite.Transactions;

/// <summary>A landed commit: its version, how many tries it took, and whether a checkpoint followed.</summary>
public sealed record CommitResult(long Version, int Attempts, DateTimeOffset Timestamp, bool CheckpointWritten)
{
    /// <summary>True when nothing was committed because the application transaction was already applied.</summary>
    public bool Skipped { get; init; }
}
