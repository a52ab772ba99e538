namespace DeltaLite.Parquet.Encodings;

/// <summary>Builds the exceptions thrown for malformed encoded values, always naming the encoding and the byte offset.</summary>
internal static class EncodingErrors
{
    /// <summary>An error in the encoded bytes of <paramref name="encoding"/> at <paramref name="offset"/> (relative to the buffer handed to the decoder).</summary>
    public static ParquetFormatException At(string encoding, long offset, string message) =>
        new($"{encoding}: {message} (at byte offset {offset}).");

    /// <summary>The input ended before <paramref name="needed"/> bytes could be read at <paramref name="offset"/>.</summary>
    public static ParquetFormatException Truncated(string encoding, long offset, long needed, long available, string what) =>
        new($"{encoding}: input ended while reading {what}: {needed} byte(s) needed but only {available} remain (at byte offset {offset}).");

    /// <summary>A count handed in by the caller is negative.</summary>
    public static ParquetFormatException NegativeCount(string encoding, long count) =>
        new($"{encoding}: value count {count} is negative (at byte offset 0).");
}
