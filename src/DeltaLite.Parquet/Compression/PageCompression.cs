using System.Buffers;
using DeltaLite.Parquet.Metadata;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// Compression and decompression of page bodies for every Parquet codec (Compression.md of parquet-format).
/// Contracts:
/// <list type="bullet">
/// <item>Decompress must fill the destination exactly: output larger or smaller than it is an error.</item>
/// <item>Corrupt input must raise <see cref="ParquetFormatException"/> naming the codec, never another exception,
/// never a read outside the input, never an unbounded loop.</item>
/// <item>A codec this build or machine cannot handle (LZO; LZ4 for writing; ZSTD without libzstd.so.1) must raise
/// <see cref="UnsupportedCodecException"/>, a <see cref="NotSupportedException"/>.</item>
/// <item>All methods are thread-safe.</item>
/// </list>
/// </summary>
internal static class PageCompression
{
    /// <summary>
    /// Decompresses <paramref name="src"/> into <paramref name="dst"/>, whose length is exactly the page's
    /// uncompressed size. Throws <see cref="ParquetFormatException"/> if the data is corrupt or decodes to more or
    /// fewer bytes than <paramref name="dst"/> holds.
    /// </summary>
    public static void Decompress(CompressionCodec codec, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        ThrowIfCannotDecompress(codec);
        if (src.IsEmpty && dst.IsEmpty) return;
        switch (codec)
        {
            case CompressionCodec.Uncompressed:
                if (src.Length != dst.Length) CodecErrors.ThrowCorrupt("UNCOMPRESSED", $"the page holds {src.Length} bytes but its header declares {dst.Length}");
                src.CopyTo(dst);
                break;
            case CompressionCodec.Snappy:
                SnappyCodec.Decompress(src, dst);
                break;
            case CompressionCodec.Gzip:
                GzipCodec.Decompress(src, dst);
                break;
            case CompressionCodec.Brotli:
                BrotliCodec.Decompress(src, dst);
                break;
            case CompressionCodec.Lz4:
                Lz4Codec.DecompressHadoop(src, dst);
                break;
            case CompressionCodec.Zstd:
                ZstdCodec.Decompress(src, dst);
                break;
            case CompressionCodec.Lz4Raw:
                Lz4Codec.DecompressRaw(src, dst);
                break;
        }
    }

    /// <summary>
    /// Compresses <paramref name="src"/> and appends the result to <paramref name="dst"/>; returns the number of bytes
    /// appended. <paramref name="level"/> is codec-specific and null means the codec's default: GZIP 0-9 (default:
    /// System.IO.Compression's Optimal), BROTLI quality 0-11 (default 4), ZSTD any libzstd level (default 3, clamped
    /// by the library). UNCOMPRESSED, SNAPPY and LZ4_RAW have no levels and ignore it.
    /// </summary>
    public static int Compress(CompressionCodec codec, ReadOnlySpan<byte> src, ArrayBufferWriter<byte> dst, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(dst);
        ThrowIfCannotCompress(codec);
        int before = dst.WrittenCount;
        int written;
        switch (codec)
        {
            case CompressionCodec.Uncompressed:
                dst.Write(src);
                return src.Length;
            case CompressionCodec.Snappy:
                written = SnappyCodec.Compress(src, dst.GetSpan(SnappyCodec.MaxCompressedLength(src.Length)));
                break;
            case CompressionCodec.Lz4Raw:
                written = Lz4Codec.CompressRaw(src, dst.GetSpan(Lz4Codec.MaxCompressedLength(src.Length)));
                break;
            case CompressionCodec.Zstd:
                written = ZstdCodec.Compress(src, dst.GetSpan(ZstdCodec.MaxCompressedLength(src.Length)), level ?? ZstdCodec.DefaultLevel);
                break;
            case CompressionCodec.Brotli:
                written = BrotliCodec.Compress(src, dst.GetSpan(BrotliCodec.MaxCompressedLength(src.Length)), level);
                break;
            default: // GZIP, the only other codec ThrowIfCannotCompress lets through
                GzipCodec.Compress(src, dst, level);
                return dst.WrittenCount - before;
        }
        dst.Advance(written);
        return written;
    }

    /// <summary>True if <see cref="Decompress"/> handles the codec on this machine.</summary>
    public static bool CanDecompress(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Uncompressed or CompressionCodec.Snappy or CompressionCodec.Gzip or CompressionCodec.Brotli
            or CompressionCodec.Lz4 or CompressionCodec.Lz4Raw => true,
        CompressionCodec.Zstd => ZstdCodec.IsAvailable,
        _ => false,
    };

    /// <summary>True if <see cref="Compress"/> handles the codec on this machine.</summary>
    public static bool CanCompress(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Uncompressed or CompressionCodec.Snappy or CompressionCodec.Gzip or CompressionCodec.Brotli
            or CompressionCodec.Lz4Raw => true,
        CompressionCodec.Zstd => ZstdCodec.IsAvailable,
        _ => false,
    };

    private static void ThrowIfCannotDecompress(CompressionCodec codec)
    {
        if (CanDecompress(codec)) return;
        throw Unsupported(codec, "read");
    }

    private static void ThrowIfCannotCompress(CompressionCodec codec)
    {
        if (CanCompress(codec)) return;
        if (codec == CompressionCodec.Lz4)
        {
            throw new UnsupportedCodecException(codec, "LZ4 (the deprecated Hadoop-framed codec) is read but not written; use LZ4_RAW.");
        }
        throw Unsupported(codec, "write");
    }

    private static Exception Unsupported(CompressionCodec codec, string verb) => codec switch
    {
        CompressionCodec.Lzo => new UnsupportedCodecException(codec, $"The LZO compression codec is not supported: DeltaLite cannot {verb} LZO-compressed pages."),
        CompressionCodec.Zstd => new UnsupportedCodecException(codec, ZstdCodec.MissingLibraryMessage),
        _ => new ParquetFormatException($"Unknown compression codec {(int)codec}: Parquet defines codecs 0 to 7."),
    };
}
