using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// Thrown when a page uses a compression codec this build or this machine cannot handle: LZO (never supported),
/// LZ4 compression (the deprecated Hadoop framing is read but not written), or ZSTD when the system library
/// libzstd.so.1 is missing. The data itself may be fine; this is not a <see cref="ParquetFormatException"/>.
/// </summary>
public sealed class UnsupportedCodecException : NotSupportedException
{
    public UnsupportedCodecException(CompressionCodec codec, string message) : base(message) => Codec = codec;

    public UnsupportedCodecException(CompressionCodec codec, string message, Exception inner)
        : base(message, inner) => Codec = codec;

    /// <summary>The codec that could not be used.</summary>
    public CompressionCodec Codec { get; }
}
