using DeltaLite.Actions;

namespace DeltaLite.Snapshots;

/// <summary>One version of the table in its history: when, and what its commitInfo says.</summary>
public sealed record CommitEntry(long Version, DateTimeOffset Timestamp, CommitInfoAction? CommitInfo);
