namespace DeltaLite.Parquet;

/// <summary>
/// Thrown when Parquet bytes are malformed or use something this codec does not support.
/// The message always says where: the file, and where known the row group, column and byte offset.
/// </summary>
public sealed class ParquetFormatException : Exception
{
    public ParquetFormatException(string message) : base(message) { }

    public ParquetFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The file the error is about, when known.</summary>
    public string? FilePath { get; init; }

    /// <summary>The row group index, when known.</summary>
    public int? RowGroup { get; init; }

    /// <summary>The dotted column path, when known.</summary>
    public string? Column { get; init; }
}
