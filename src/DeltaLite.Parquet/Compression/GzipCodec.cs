using System.Buffers;
using System.IO.Compression;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// GZIP (RFC 1952) through System.IO.Compression. A page may hold several concatenated members; all are
/// decoded, and each member's CRC-32 and length trailer is checked by the inflater.
/// </summary>
internal static unsafe class GzipCodec
{
    private const string Name = "GZIP";

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int total = 0;
        try
        {
            fixed (byte* s = src)
            {
                using var input = new UnmanagedMemoryStream(s, src.Length);
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                while (total < dst.Length)
                {
                    int read = gzip.Read(dst.Slice(total));
                    if (read == 0) break;
                    total += read;
                }
                if (total == dst.Length)
                {
                    // Reading on to the end checks the last trailer and catches output beyond the declared size.
                    Span<byte> probe = stackalloc byte[1];
                    if (gzip.Read(probe) != 0) CodecErrors.ThrowTooLarge(Name, dst.Length);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ParquetFormatException($"{Name} data is corrupt: {e.Message} (after {total} decoded bytes)", e);
        }
        if (total != dst.Length) CodecErrors.ThrowTooSmall(Name, total, dst.Length);
    }

    /// <summary>Appends one gzip member; <paramref name="level"/> is zlib's 0-9, null for the default.</summary>
    public static void Compress(ReadOnlySpan<byte> src, ArrayBufferWriter<byte> dst, int? level)
    {
        using var sink = new BufferWriterStream(dst);
        GZipStream gzip = level is null
            ? new GZipStream(sink, CompressionLevel.Optimal, leaveOpen: true)
            : new GZipStream(sink, new ZLibCompressionOptions { CompressionLevel = CheckLevel(level.Value) }, leaveOpen: true);
        using (gzip)
        {
            gzip.Write(src);
        }
    }

    private static int CheckLevel(int level) => level is >= 0 and <= 9
        ? level
        : throw new ArgumentOutOfRangeException(nameof(level), level, "GZIP levels are 0 to 9.");
}
