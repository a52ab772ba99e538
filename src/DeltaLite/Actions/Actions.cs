using DeltaLite.DeletionVectors;

namespace DeltaLite.Actions;

/// <summary>One action of a Delta commit (a line of a commit file, or a row of a checkpoint).</summary>
public abstract record DeltaAction;

/// <summary>The reader and writer versions (and table features) a client needs.</summary>
public sealed record ProtocolAction(int MinReaderVersion, int MinWriterVersion,
    IReadOnlyList<string>? ReaderFeatures = null, IReadOnlyList<string>? WriterFeatures = null) : DeltaAction;

/// <summary>The storage format of data files.</summary>
public sealed record FormatSpec(string Provider, IReadOnlyDictionary<string, string> Options)
{
    public static readonly FormatSpec Parquet = new("parquet", new Dictionary<string, string>());
}

/// <summary>The table's id, schema, partitioning and configuration.</summary>
public sealed record MetadataAction(string Id, string? Name, string? Description, FormatSpec Format, string SchemaString,
    IReadOnlyList<string> PartitionColumns, long? CreatedTime, IReadOnlyDictionary<string, string> Configuration) : DeltaAction;

/// <summary>A data file that is part of the table.</summary>
public sealed record AddFile(string Path, IReadOnlyDictionary<string, string?> PartitionValues, long Size, long ModificationTime,
    bool DataChange, string? Stats = null, IReadOnlyDictionary<string, string?>? Tags = null,
    DeletionVectorDescriptor? DeletionVector = null, long? BaseRowId = null, long? DefaultRowCommitVersion = null,
    string? ClusteringProvider = null) : DeltaAction
{
    /// <summary>The key that identifies this file in reconciliation: path and deletion vector.</summary>
    public (string Path, string? Dv) Key => (Path, DeletionVector?.UniqueId);

    /// <summary>A remove action that takes this file out of the table at <paramref name="timestamp"/> (ms since epoch).</summary>
    public RemoveFile ToRemove(long timestamp, bool dataChange = true) => new(Path, timestamp, dataChange, true, PartitionValues, Size,
        Stats, Tags, DeletionVector, BaseRowId, DefaultRowCommitVersion);
}

/// <summary>A data file removed from the table (a tombstone until vacuum's retention passes).</summary>
public sealed record RemoveFile(string Path, long? DeletionTimestamp, bool DataChange, bool? ExtendedFileMetadata = null,
    IReadOnlyDictionary<string, string?>? PartitionValues = null, long? Size = null, string? Stats = null,
    IReadOnlyDictionary<string, string?>? Tags = null, DeletionVectorDescriptor? DeletionVector = null,
    long? BaseRowId = null, long? DefaultRowCommitVersion = null) : DeltaAction
{
    public (string Path, string? Dv) Key => (Path, DeletionVector?.UniqueId);
}

/// <summary>A change-data file (change data feed).</summary>
public sealed record AddCdcFile(string Path, IReadOnlyDictionary<string, string?> PartitionValues, long Size, bool DataChange,
    IReadOnlyDictionary<string, string?>? Tags = null) : DeltaAction;

/// <summary>The latest version an application committed (idempotent writes).</summary>
public sealed record SetTransaction(string AppId, long Version, long? LastUpdated = null) : DeltaAction;

/// <summary>A named domain's configuration, kept with the table (removed = tombstone).</summary>
public sealed record DomainMetadataAction(string Domain, string Configuration, bool Removed) : DeltaAction;

/// <summary>Marks a v2 checkpoint.</summary>
public sealed record CheckpointMetadataAction(long Version, IReadOnlyDictionary<string, string?>? Tags = null) : DeltaAction;

/// <summary>A file of a v2 checkpoint that holds more of its actions.</summary>
public sealed record SidecarAction(string Path, long SizeInBytes, long ModificationTime, IReadOnlyDictionary<string, string?>? Tags = null) : DeltaAction;
