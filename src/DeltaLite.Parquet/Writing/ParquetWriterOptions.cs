using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet;

/// <summary>How a <see cref="ParquetWriter"/> lays out and compresses a file.</summary>
public sealed record ParquetWriterOptions
{
    /// <summary>Page compression; SNAPPY by default.</summary>
    public CompressionCodec Compression { get; init; } = CompressionCodec.Snappy;

    /// <summary>Codec-specific level (ZSTD, GZIP, BROTLI); null for the codec's default.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>
    /// A row group is closed when it reaches this many rows. The default, 122,880 (DuckDB's), keeps the writer's
    /// buffers and a whole-row-group read to a few tens of MiB for typical tables, and costs no speed: columns are
    /// shredded and encoded on all cores whatever the group's size.
    /// </summary>
    public int RowGroupMaxRows { get; init; } = DefaultRowGroupMaxRows;

    /// <summary>The default of <see cref="RowGroupMaxRows"/>.</summary>
    public const int DefaultRowGroupMaxRows = 122_880;

    /// <summary>A row group is closed when its buffered, unencoded values reach about this many bytes.</summary>
    public long RowGroupMaxBytes { get; init; } = 128L << 20;

    /// <summary>Target uncompressed size of one data page.</summary>
    public int PageSize { get; init; } = 1 << 20;

    /// <summary>Dictionary-encode columns (except booleans) while the dictionary stays under <see cref="DictionaryPageSizeLimit"/>.</summary>
    public bool EnableDictionary { get; init; } = true;

    /// <summary>Past this many bytes of distinct values, a column chunk falls back to PLAIN.</summary>
    public int DictionaryPageSizeLimit { get; init; } = 1 << 20;

    /// <summary>Maximum bytes kept for a string or binary min/max statistic; longer values are truncated (max rounded up, marked inexact).</summary>
    public int StatisticsTruncateLength { get; init; } = 64;

    /// <summary>Extra key/value pairs for the footer.</summary>
    public IReadOnlyDictionary<string, string>? KeyValueMetadata { get; init; }

    /// <summary>The writer named in the footer.</summary>
    public string CreatedBy { get; init; } = DefaultCreatedBy;

    public static string DefaultCreatedBy { get; } =
        $"DeltaLite version {typeof(ParquetWriterOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"}";
}
