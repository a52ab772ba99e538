namespace DeltaLite.Transactions;

/// <summary>Why a concurrent commit invalidated ours (the names delta-rs and Delta use).</summary>
public enum ConflictKind
{
    /// <summary>Another writer changed the table's metadata (schema, partitioning, properties).</summary>
    MetadataChanged,
    /// <summary>Another writer changed the protocol.</summary>
    ProtocolChanged,
    /// <summary>Another writer added data that this transaction's read could have seen.</summary>
    ConcurrentAppend,
    /// <summary>Another writer removed a file this transaction read.</summary>
    ConcurrentDeleteRead,
    /// <summary>Another writer removed a file this transaction also removes.</summary>
    ConcurrentDeleteDelete,
    /// <summary>Another writer committed for the same application id (txn).</summary>
    ConcurrentTransaction,
    /// <summary>Another writer changed the same metadata domain.</summary>
    ConcurrentDomainMetadata,
    /// <summary>The table was created by someone else while this transaction created it.</summary>
    TableAlreadyExists,
    /// <summary>The retry budget ran out while others kept committing.</summary>
    TooManyRetries,
}

/// <summary>A commit lost to a concurrent one that it cannot be reordered after.</summary>
public sealed class CommitConflictException : DeltaLogException
{
    public CommitConflictException(ConflictKind kind, long winningVersion, string message) : base(message)
    {
        Kind = kind;
        WinningVersion = winningVersion;
    }

    public ConflictKind Kind { get; }

    /// <summary>The concurrent version that caused the conflict.</summary>
    public long WinningVersion { get; }
}
