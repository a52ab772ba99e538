using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Writes;

/// <summary>How data files are written.</summary>
public sealed record WriteOptions
{
    /// <summary>Files roll over at about this size; null: the table's delta.targetFileSize, else 128 MiB.</summary>
    public long? TargetFileSize { get; init; }

    public CompressionCodec Compression { get; init; } = CompressionCodec.Snappy;

    /// <summary>Rows per Parquet row group (at most).</summary>
    public int RowGroupMaxRows { get; init; } = DeltaLite.Parquet.ParquetWriterOptions.DefaultRowGroupMaxRows;

    /// <summary>
    /// A row group is closed when its buffered, not yet encoded values reach about this many bytes (at most the target
    /// file size). The writer holds one row group of each open file in memory, plus its encoded pages while it flushes,
    /// and a merge reads target files a row group at a time: this bounds the memory of both. 32 MiB by default.
    /// </summary>
    public long RowGroupMaxBytes { get; init; } = 32L << 20;

    /// <summary>Add new nullable columns of the data to the table schema instead of failing.</summary>
    public bool MergeSchema { get; init; }

    /// <summary>An application transaction to record (and to skip the write when already applied).</summary>
    public (string AppId, long Version)? ApplicationTransaction { get; init; }

    /// <summary>Domain metadata to commit with the data (e.g. an ingestion watermark).</summary>
    public IReadOnlyList<Actions.DomainMetadataAction>? DomainMetadata { get; init; }

    /// <summary>Extra commitInfo members.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>? CommitInfo { get; init; }

    /// <summary>Partitions kept open at once while writing (more partitions close the oldest file early).</summary>
    public int MaxOpenFiles { get; init; } = 32;
}
