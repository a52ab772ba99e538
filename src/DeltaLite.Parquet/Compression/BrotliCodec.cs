using System.Buffers;
using System.IO.Compression;

namespace DeltaLite.Parquet.Compression;

/// <summary>BROTLI (RFC 7932) through System.IO.Compression's BrotliDecoder and BrotliEncoder.</summary>
internal static class BrotliCodec
{
    private const string Name = "BROTLI";

    /// <summary>Quality used when none is given: a balance of speed and size suited to pages.</summary>
    public const int DefaultQuality = 4;
    private const int Window = 22;

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        using var decoder = new BrotliDecoder();
        OperationStatus status = decoder.Decompress(src, dst, out int consumed, out int written);
        if (status == OperationStatus.DestinationTooSmall)
        {
            // The output is full; the stream may still end here (only its final marker left) or hold more.
            Span<byte> probe = stackalloc byte[1];
            status = decoder.Decompress(src.Slice(consumed), probe, out int more, out int extra);
            consumed += more;
            if (extra != 0 || status == OperationStatus.DestinationTooSmall) CodecErrors.ThrowTooLarge(Name, dst.Length);
        }
        switch (status)
        {
            case OperationStatus.Done:
                break;
            case OperationStatus.NeedMoreData:
                CodecErrors.ThrowCorrupt(Name, $"the stream ends early, after {written} of the {dst.Length} bytes the page header declares");
                break;
            default:
                CodecErrors.ThrowCorrupt(Name, $"invalid stream data, after {written} decoded bytes");
                break;
        }
        if (consumed != src.Length) CodecErrors.ThrowCorrupt(Name, $"{src.Length - consumed} bytes follow the end of the stream");
        if (written != dst.Length) CodecErrors.ThrowTooSmall(Name, written, dst.Length);
    }

    public static int MaxCompressedLength(int length) => (int)Math.Min(BrotliEncoder.GetMaxCompressedLength(length), Array.MaxLength);

    /// <summary>Compresses into <paramref name="dst"/>, which must hold <see cref="MaxCompressedLength"/> bytes; quality 0-11.</summary>
    public static int Compress(ReadOnlySpan<byte> src, Span<byte> dst, int? quality)
    {
        int q = quality ?? DefaultQuality;
        if (q is < 0 or > 11) throw new ArgumentOutOfRangeException(nameof(quality), q, "BROTLI qualities are 0 to 11.");
        if (!BrotliEncoder.TryCompress(src, dst, out int written, q, Window))
        {
            throw new InvalidOperationException($"BROTLI failed to compress {src.Length} bytes into {dst.Length}.");
        }
        return written;
    }
}
