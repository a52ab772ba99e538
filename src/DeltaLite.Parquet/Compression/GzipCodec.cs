using System.Buffers;
using System.IO.Compression;

namespace DeltaLite.Parquet.Compression;

/// <summary>
/// GZIP (RFC 1952) through System.IO.Compression. A page may hold several concatenated members; all are
/// decoded, and each member's CRC-32 and length trailer is checked by the inflater.
/// </summary>
/// <remarks>
/// GZipStream stops quietly when its input ends inside a member's trailer, and ignores trailing bytes that do not
/// start a new member. To catch both, the decoder reads the page followed by a one-byte sentinel member and
/// requires exactly the sentinel's byte after the declared output: a cut-short page makes the inflater read the
/// sentinel as its missing trailer (a checksum error), and trailing junk hides the sentinel.
/// </remarks>
internal static unsafe class GzipCodec
{
    private const string Name = "GZIP";
    private const byte SentinelValue = 0xA5;
    private static readonly byte[] s_sentinel = CreateSentinel();

    private static byte[] CreateSentinel()
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.NoCompression, leaveOpen: true)) gzip.WriteByte(SentinelValue);
        return buffer.ToArray();
    }

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (src.IsEmpty) CodecErrors.ThrowCorrupt(Name, $"the page is empty but its header declares {dst.Length} bytes");
        int total = 0;
        int after;
        Span<byte> probe = stackalloc byte[2];
        try
        {
            fixed (byte* s = src)
            {
                using var input = new PageWithSentinelStream(s, src.Length, s_sentinel);
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                while (total < dst.Length)
                {
                    int read = gzip.Read(dst.Slice(total));
                    if (read == 0) break;
                    total += read;
                }
                after = total == dst.Length ? ReadFully(gzip, probe) : 0;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            string detail = e is InvalidDataException ? "a header, the deflate data or a CRC-32/length trailer is invalid, or the page is cut short" : e.Message;
            throw new ParquetFormatException($"{Name} data is corrupt: {detail} (after {total} decoded bytes)", e);
        }
        // When short, `total` may include the sentinel's byte, so the message gives no exact count.
        if (total < dst.Length) CodecErrors.ThrowCorrupt(Name, $"it decodes to fewer than the {dst.Length} bytes the page header declares");
        if (after == 2 || (after == 1 && probe[0] != SentinelValue)) CodecErrors.ThrowTooLarge(Name, dst.Length);
        if (after == 0)
        {
            CodecErrors.ThrowCorrupt(Name, "the page does not end with a complete gzip member: bytes follow the last member, or it decodes one byte short");
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer.Slice(total));
            if (read == 0) break;
            total += read;
        }
        return total;
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

    /// <summary>A read-only stream over pinned page bytes followed by a second, managed buffer.</summary>
    private sealed class PageWithSentinelStream(byte* page, int pageLength, byte[] sentinel) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => pageLength + sentinel.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer)
        {
            int copied = 0;
            if (_position < pageLength)
            {
                int n = (int)Math.Min(buffer.Length, pageLength - _position);
                new ReadOnlySpan<byte>(page + _position, n).CopyTo(buffer);
                copied = n;
                _position += n;
            }
            long inSentinel = _position - pageLength;
            if (copied < buffer.Length && inSentinel < sentinel.Length)
            {
                int n = (int)Math.Min(buffer.Length - copied, sentinel.Length - inSentinel);
                sentinel.AsSpan((int)inSentinel, n).CopyTo(buffer.Slice(copied));
                copied += n;
                _position += n;
            }
            return copied;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
