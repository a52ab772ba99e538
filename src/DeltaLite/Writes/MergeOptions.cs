using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Writes;

/// <summary>How a merge (upsert) writes: the same choices as <see cref="WriteOptions"/>.</summary>
public sealed record MergeOptions
{
    /// <summary>Add new nullable columns of the source to the table schema (in the merge's commit) instead of failing.</summary>
    public bool MergeSchema { get; init; }

    /// <summary>An application transaction to record (and to skip the merge when already applied).</summary>
    public (string AppId, long Version)? ApplicationTransaction { get; init; }

    /// <summary>Domain metadata to commit with the data (e.g. an ingestion watermark).</summary>
    public IReadOnlyList<DomainMetadataAction>? DomainMetadata { get; init; }

    /// <summary>Extra commitInfo members.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? CommitInfo { get; init; }

    /// <summary>Files roll over at about this size; null: the table's delta.targetFileSize, else 128 MiB.</summary>
    public long? TargetFileSize { get; init; }

    public CompressionCodec Compression { get; init; } = CompressionCodec.Snappy;

    /// <summary>Rows per Parquet row group (at most).</summary>
    public int RowGroupMaxRows { get; init; } = DeltaLite.Parquet.ParquetWriterOptions.DefaultRowGroupMaxRows;

    internal WriteOptions ToWriteOptions() => new()
    {
        MergeSchema = MergeSchema,
        ApplicationTransaction = ApplicationTransaction,
        DomainMetadata = DomainMetadata,
        CommitInfo = CommitInfo,
        TargetFileSize = TargetFileSize,
        Compression = Compression,
        RowGroupMaxRows = RowGroupMaxRows,
    };
}
