using System.Buffers;
using System.Buffers.Binary;

namespace DeltaLite.Ingest.Sql;

/// <summary>
/// The tuples of a PostgreSQL binary COPY stream (<c>COPY ... TO STDOUT (FORMAT BINARY)</c>), framed in one pooled
/// buffer: <see cref="NextAsync"/> brings a whole tuple into the buffer (reading the stream as needed) and records
/// where each field's bytes are, so the field values are then read synchronously as spans, without copying.
/// <para>
/// The format (PostgreSQL's COPY documentation, "Binary Format"): the 11-byte signature <c>PGCOPY\n\377\r\n\0</c>,
/// an int32 of flags, an int32 header-extension length and that many bytes; then per tuple an int16 field count (-1
/// is the trailer), and per field an int32 length (-1 for NULL) and the value's bytes; all integers big-endian.
/// A stream that ends inside a tuple is an <see cref="EndOfStreamException"/>, framing that is not this format an
/// <see cref="InvalidDataException"/>; both say where in the stream.
/// </para>
/// </summary>
internal sealed class CopyTupleReader : IDisposable
{
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private const int InitialBuffer = 1 << 20;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int _start, _end; // the current tuple starts at _start; bytes read from the stream end at _end
    private int _length; // the current tuple's length (count, lengths and values)
    private long _consumed; // stream bytes before _start, for error positions
    private int[] _offsets = new int[16]; // per field: where its value starts, relative to _start
    private int[] _lengths = new int[16]; // per field: its length, -1 for NULL
    private bool _headerRead, _finished;

    public CopyTupleReader(Stream stream) => _stream = stream;

    /// <summary>Whether the trailer was read: the stream held every tuple of the COPY.</summary>
    public bool Finished => _finished;

    /// <summary>Reads the next tuple into the buffer: its field count, or -1 after the last tuple (the trailer).</summary>
    public async ValueTask<int> NextAsync(CancellationToken ct)
    {
        if (_finished) return -1;
        _start += _length;
        _consumed += _length;
        _length = 0;
        if (!_headerRead)
        {
            await ReadHeaderAsync(ct).ConfigureAwait(false);
            _headerRead = true;
        }
        if (_end - _start < 2) await FillAsync(2, ct).ConfigureAwait(false);
        int count = BinaryPrimitives.ReadInt16BigEndian(_buffer.AsSpan(_start));
        if (count == -1)
        {
            _finished = true;
            _length = 2;
            return -1;
        }
        if (count < 0) throw Corrupt($"a tuple with {count} fields");
        if (count > _offsets.Length)
        {
            _offsets = new int[count];
            _lengths = new int[count];
        }
        int at = 2;
        for (int f = 0; f < count; f++)
        {
            if (_end - _start < at + 4) await FillAsync(at + 4, ct).ConfigureAwait(false);
            int length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + at));
            at += 4;
            if (length < -1) throw Corrupt($"field {f + 1} of length {length}");
            _offsets[f] = at;
            _lengths[f] = length;
            if (length > 0)
            {
                if (length > int.MaxValue - 64 - at) throw Corrupt($"field {f + 1} of length {length}");
                at += length;
            }
        }
        if (_end - _start < at) await FillAsync(at, ct).ConfigureAwait(false);
        _length = at;
        return count;
    }

    /// <summary>Whether field <paramref name="field"/> of the current tuple is NULL.</summary>
    public bool IsNull(int field) => _lengths[field] < 0;

    /// <summary>The bytes of field <paramref name="field"/> of the current tuple (valid until the next <see cref="NextAsync"/>).</summary>
    public ReadOnlySpan<byte> Value(int field) => _buffer.AsSpan(_start + _offsets[field], Math.Max(0, _lengths[field]));

    private async ValueTask ReadHeaderAsync(CancellationToken ct)
    {
        await FillAsync(Signature.Length + 8, ct).ConfigureAwait(false);
        if (!_buffer.AsSpan(_start, Signature.Length).SequenceEqual(Signature)) throw Corrupt("no PGCOPY signature");
        int flags = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + Signature.Length));
        // Bit 16: each tuple carries an OID (WITH OIDS, gone since PostgreSQL 12); bits 0-15 must be zero; 17-31 may be skipped.
        if ((flags & 0x1FFFF) != 0) throw Corrupt($"header flags 0x{flags:X8}");
        int extension = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + Signature.Length + 4));
        if (extension < 0 || extension > 1 << 20) throw Corrupt($"a header extension of {extension} bytes");
        int header = Signature.Length + 8 + extension;
        await FillAsync(header, ct).ConfigureAwait(false);
        _start += header;
        _consumed += header;
    }

    /// <summary>Reads until at least <paramref name="needed"/> bytes from <see cref="_start"/> are in the buffer.</summary>
    private async ValueTask FillAsync(int needed, CancellationToken ct)
    {
        if (_start + needed > _buffer.Length)
        {
            // Move the current tuple to the front (into a larger buffer when it does not fit this one).
            var target = needed > _buffer.Length ? ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2)) : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, _end - _start);
            if (target != _buffer) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
            _end -= _start;
            _start = 0;
        }
        while (_end - _start < needed)
        {
            int n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (n == 0)
                throw new EndOfStreamException(_headerRead
                    ? $"the COPY stream ended before its trailer ({_end - _start} of at least {needed} bytes of a row at byte {_consumed} of the stream)"
                    : $"the COPY stream ended inside its header ({_end - _start} bytes)");
            _end += n;
        }
    }

    private InvalidDataException Corrupt(string what) =>
        new($"the COPY stream is not in PostgreSQL's binary format: {what} at byte {_consumed} of the stream");

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
