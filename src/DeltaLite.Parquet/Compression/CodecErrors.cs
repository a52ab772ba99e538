using System.Diagnostics.CodeAnalysis;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Compression;

/// <summary>Throw helpers, kept out of line so the decode loops stay small.</summary>
internal static class CodecErrors
{
    /// <summary>The name Parquet's specification gives the codec, for messages.</summary>
    public static string NameOf(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Uncompressed => "UNCOMPRESSED",
        CompressionCodec.Snappy => "SNAPPY",
        CompressionCodec.Gzip => "GZIP",
        CompressionCodec.Lzo => "LZO",
        CompressionCodec.Brotli => "BROTLI",
        CompressionCodec.Lz4 => "LZ4",
        CompressionCodec.Zstd => "ZSTD",
        CompressionCodec.Lz4Raw => "LZ4_RAW",
        _ => $"codec #{(int)codec}",
    };

    public static ParquetFormatException Corrupt(string codec, string what) =>
        new($"{codec} data is corrupt: {what}");

    [DoesNotReturn]
    public static void ThrowCorrupt(string codec, string what) => throw Corrupt(codec, what);

    [DoesNotReturn]
    public static void ThrowTooLarge(string codec, int expected) =>
        throw Corrupt(codec, $"it decodes to more than the {expected} bytes the page header declares");

    [DoesNotReturn]
    public static void ThrowTooSmall(string codec, long actual, int expected) =>
        throw Corrupt(codec, $"it decodes to {actual} bytes but the page header declares {expected}");
}
