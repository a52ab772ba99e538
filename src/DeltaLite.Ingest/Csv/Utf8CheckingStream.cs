using System.Text.Unicode;

namespace DeltaLite.Ingest.Csv;

/// <summary>
/// Passes a CSV file's bytes through unchanged and fails at the first byte sequence that is not UTF-8 (a Latin-1
/// <c>é</c> in a UTF-8 file, say) with <see cref="InvalidUtf8Exception"/>, which names its line and byte offset.
/// Decoders replace such bytes with U+FFFD, which would change the data without a word; this refuses instead.
/// A sequence cut by the end of one read is completed by the next. Files that begin with a UTF-16 or UTF-32 byte
/// order mark are passed through unchecked (the reader decodes them by their mark).
/// </summary>
internal sealed class Utf8CheckingStream(Stream inner) : Stream
{
    private readonly byte[] _pending = new byte[4];
    private int _pendingCount;
    private long _line = 1, _offset;
    private bool? _check;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Check(buffer[..n], end: n == 0);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Check(buffer.Span[..n], end: n == 0);
        return n;
    }

    private void Check(ReadOnlySpan<byte> data, bool end)
    {
        _check ??= _offset == 0 && !(data.StartsWith((byte[])[0xFF, 0xFE]) || data.StartsWith((byte[])[0xFE, 0xFF]) || data.StartsWith((byte[])[0, 0, 0xFE, 0xFF]));
        if (_check == false) return;
        if (_pendingCount == 0 && Utf8.IsValid(data))
        {
            _line += data.Count((byte)'\n');
            _offset += data.Length;
            return;
        }
        // The slow path: bytes held back from the last read go first, and an incomplete sequence at the end waits.
        byte[] joined = [.. _pending.AsSpan(0, _pendingCount), .. data];
        var span = joined.AsSpan();
        int cut = span.Length;
        if (!end)
        {
            int i = span.Length - 1, continuation = 0;
            while (i >= 0 && continuation < 3 && (span[i] & 0xC0) == 0x80) { i--; continuation++; }
            if (i >= 0 && span[i] >= 0xC0)
            {
                int need = span[i] >= 0xF0 ? 4 : span[i] >= 0xE0 ? 3 : 2;
                if (span.Length - i < need) cut = i;
            }
        }
        var body = span[..cut];
        if (!Utf8.IsValid(body))
        {
            int at = 0;
            while (at < body.Length && System.Text.Rune.DecodeFromUtf8(body[at..], out _, out int consumed) == System.Buffers.OperationStatus.Done) at += consumed;
            throw new InvalidUtf8Exception(_line + body[..at].Count((byte)'\n'), _offset + at);
        }
        _line += body.Count((byte)'\n');
        _offset += cut;
        _pendingCount = span.Length - cut;
        span[cut..].CopyTo(_pending);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _offset; set => throw new NotSupportedException(); }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A CSV file holds bytes that are not UTF-8, first at <see cref="Line"/> (counted in newlines), byte <see cref="Offset"/>.</summary>
internal sealed class InvalidUtf8Exception(long line, long offset) : IOException($"line {line}: the file is not valid UTF-8 (byte offset {offset}); convert it to UTF-8")
{
    public long Line { get; } = line;

    public long Offset { get; } = offset;
}
