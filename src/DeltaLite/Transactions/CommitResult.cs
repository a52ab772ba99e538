namespace DeltaLite.Transactions;

/// <summary>A landed commit: its version, how many tries it took, and whether a checkpoint followed.</summary>
public sealed record CommitResult(long Version, int Attempts, DateTimeOffset Timestamp, bool CheckpointWritten);
