using System.Runtime.CompilerServices;
using CsvHelper;

namespace DeltaLite.Ingest.Csv;

/// <summary>
/// Reads one CSV file's records as <see cref="CsvPiece"/>s in file order, parsing on several cores: the bytes are cut
/// into blocks at record boundaries (<see cref="CsvRecordScanner"/>), each block is parsed by CsvHelper on a worker
/// with the header in front of it (so field counts are checked against the header, as for the whole file) and its line
/// numbers moved to the block's place in the file, and the pieces come out in block order. At most a few blocks are in
/// flight, so memory stays flat. Where the scanner meets irregular quoting, a record larger than a block, or a file it
/// cannot cut (a UTF-16 or UTF-32 byte order mark, a header it cannot scan), the rest of the file is read sequentially
/// from the last boundary known good, as one reader over the whole file would.
/// </summary>
internal sealed class CsvFileReader : IAsyncDisposable
{
    /// <summary>Bytes read from the file at a time (the granularity of a UTF-8 error, as a sequential reader's buffer).</summary>
    private const int ReadSize = 64 << 10;

    private readonly Stream _stream;
    private readonly Func<List<CsvMalformedRecord>, CsvReaderOptions> _options;
    private readonly CsvBlockPool _pool;
    private readonly int _inFlight;
    private readonly CsvRecordScanner? _scanner;
    // Parallel mode: the header record's bytes (no byte order mark), its line count, and the bytes read after it.
    private readonly byte[] _header = [];
    private readonly int _headerLines;
    private byte[] _carry = [];
    private int _carryLength;
    private bool _ended;
    // Sequential mode: one reader over the whole file, its header read.
    private CsvReader? _sequential;
    private List<CsvMalformedRecord>? _sequentialMalformed;

    private CsvFileReader(Stream stream, Func<List<CsvMalformedRecord>, CsvReaderOptions> options, CsvRecordScanner? scanner, CsvBlockPool pool, int inFlight)
    {
        _stream = stream;
        _options = options;
        _scanner = scanner;
        _pool = pool;
        _inFlight = inFlight;
    }

    private CsvFileReader(Stream stream, Func<List<CsvMalformedRecord>, CsvReaderOptions> options, CsvRecordScanner scanner, CsvBlockPool pool, int inFlight,
        byte[] header, byte[] carry, bool ended) : this(stream, options, scanner, pool, inFlight)
    {
        _header = header;
        _headerLines = header.AsSpan().Count((byte)'\n');
        _carry = carry;
        _ended = ended;
    }

    /// <summary>The header's column names (empty for an empty file).</summary>
    public string[] Header { get; private set; } = [];

    /// <summary>Blocks given to workers so far.</summary>
    public int Blocks { get; private set; }

    /// <summary>Whether the file, or its rest after some blocks, was read sequentially.</summary>
    public bool ReadSequentially { get; private set; }

    /// <summary>
    /// Opens <paramref name="stream"/> (UTF-8 checked) and reads its header; without a <paramref name="separator"/> to
    /// cut blocks with, the file is read sequentially. Blocks are buffers of
    /// <paramref name="pool"/> (the header, then records); <paramref name="inFlight"/> is how many blocks may be parsed
    /// or wait at once.
    /// </summary>
    public static async Task<CsvFileReader> OpenAsync(Stream stream, char? separator, Func<List<CsvMalformedRecord>, CsvReaderOptions> options,
        CsvBlockPool pool, int inFlight, CancellationToken ct)
    {
        try
        {
            var buffer = new byte[Math.Min(ReadSize, pool.Size / 2)];
            int filled = 0, headerEnd = 0;
            bool ended = false, found = false, irregular = false;
            var scanner = separator is { } s && CsvRecordScanner.CanScan(s) ? new CsvRecordScanner((byte)s) : null;
            // Read until the header record ends (or fills half a block, or the scanner cannot go on).
            while (scanner is not null && !found && !irregular && !ended && filled < pool.Size / 2)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, Math.Min(buffer.Length * 2, pool.Size / 2));
                int n = await stream.ReadAsync(buffer.AsMemory(filled, Math.Min(ReadSize, buffer.Length - filled)), ct).ConfigureAwait(false);
                if (n == 0) ended = true;
                filled += n;
                if (filled >= 4 && IsWideText(buffer)) break;
                found = scanner.Scan(buffer.AsSpan(Bom(buffer, filled), filled - Bom(buffer, filled)), ended, 1, out headerEnd, out irregular) == 1;
            }
            // A blank first line (the reader skips blank lines before the header) is left to the sequential reader too.
            if (found && !IsWideText(buffer) && buffer[Bom(buffer, filled)] is not ((byte)'\r' or (byte)'\n'))
            {
                int bom = Bom(buffer, filled);
                byte[] header = buffer.AsSpan(bom, headerEnd).ToArray();
                var reader = new CsvFileReader(stream, options, scanner!, pool, inFlight, header, buffer, ended);
                reader.ShiftCarry(bom + headerEnd, filled - bom - headerEnd);
                using var csv = CsvReader.Create(header, options([]));
                csv.ReadHeader();
                reader.Header = csv.Headers.ToArray();
                return reader;
            }
            // Read sequentially: the bytes read so far, then the rest of the stream.
            var sequential = new CsvFileReader(stream, options, null, pool, inFlight);
            sequential._sequentialMalformed = [];
            sequential._sequential = CsvReader.Create(new PrefixedStream(buffer.AsMemory(0, filled), stream), options(sequential._sequentialMalformed), leaveOpen: true);
            await sequential._sequential.ReadHeaderAsync(ct).ConfigureAwait(false);
            sequential.Header = sequential._sequential.Headers.ToArray();
            return sequential;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static int Bom(byte[] buffer, int filled) => filled >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8) ? 3 : 0;

    /// <summary>A UTF-16 or UTF-32 byte order mark: the sequential reader decodes such files by their mark.</summary>
    private static bool IsWideText(byte[] buffer) => buffer[0] is 0xFF or 0xFE || (buffer[0] == 0 && buffer[1] == 0);

    /// <summary>Keeps the <paramref name="length"/> bytes at <paramref name="start"/> of the carry as the next block's start.</summary>
    private void ShiftCarry(int start, int length)
    {
        Buffer.BlockCopy(_carry, start, _carry, 0, length);
        _carryLength = length;
    }

    /// <summary>
    /// The file's records as pieces in file order, parsed by <paramref name="rows"/>. Stops at the first failure (after
    /// the pieces before it). A consumer that stops early, or a failure, stops the workers and waits for them.
    /// </summary>
    public async IAsyncEnumerable<CsvPiece> PiecesAsync(CsvRowParser rows, int batchSize, [EnumeratorCancellation] CancellationToken ct)
    {
        if (_sequential is not null)
        {
            ReadSequentially = true;
            foreach (var piece in rows.Parse(_sequential, _sequentialMalformed!, 0, ct)) yield return piece;
            yield break;
        }
        var queue = new Queue<Task<List<CsvPiece>>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long line = _headerLines + 1, records = 0;
        try
        {
            while (true)
            {
                // A block: the header, the bytes left from the last block, then as much of the file as fits.
                byte[] block = _pool.Rent();
                _header.CopyTo(block, 0);
                int h = _header.Length, room = block.Length - h;
                Buffer.BlockCopy(_carry, 0, block, h, _carryLength);
                int filled = _carryLength;
                InvalidUtf8Exception? notUtf8 = null;
                while (filled < room && !_ended)
                {
                    int n;
                    try
                    {
                        // Read synchronously: this runs on the read-ahead's task, and an asynchronous file read would
                        // wait for a thread-pool thread, which the block workers keep busy.
                        ct.ThrowIfCancellationRequested();
                        n = _stream.Read(block, h + filled, Math.Min(ReadSize, room - filled));
                    }
                    catch (InvalidUtf8Exception e)
                    {
                        notUtf8 = e;
                        break;
                    }
                    if (n == 0) _ended = true;
                    filled += n;
                }
                // Whole records, up to the end of the current batch (a block then gives whole batches when no row is left out).
                int max = batchSize - (int)(records % batchSize);
                int count = _scanner!.Scan(block.AsSpan(h, filled), _ended && notUtf8 is null, max, out int end, out bool irregular);
                long blockLine = line;
                line += block.AsSpan(h, end).Count((byte)'\n');
                records += count;
                if (_carry.Length < filled - end) _carry = new byte[room];
                Buffer.BlockCopy(block, h + end, _carry, 0, filled - end);
                _carryLength = filled - end;
                if (count > 0)
                {
                    long offset = blockLine - (_headerLines + 1);
                    int length = h + end;
                    Blocks++;
                    queue.Enqueue(Task.Run(() => ParseBlock(rows, block, length, offset, stop.Token), CancellationToken.None));
                }
                else
                {
                    _pool.Return(block);
                }
                bool done = _ended && _carryLength == 0 && notUtf8 is null;
                bool sequential = !done && (notUtf8 is not null || irregular || count == 0);
                // Emit the oldest blocks: all of them at the end, else while too many are in flight.
                while (queue.Count > 0 && (done || sequential || queue.Count >= _inFlight))
                {
                    var pieces = await queue.Dequeue().ConfigureAwait(false);
                    foreach (var piece in pieces)
                    {
                        yield return piece;
                        if (piece.Failure is not null) yield break;
                    }
                }
                if (notUtf8 is not null) throw rows.NotUtf8(notUtf8);
                if (done) yield break;
                if (sequential)
                {
                    // The rest of the file, read on from the last record boundary known good.
                    ReadSequentially = true;
                    var malformed = new List<CsvMalformedRecord>();
                    var rest = new byte[h + _carryLength];
                    _header.CopyTo(rest, 0);
                    Buffer.BlockCopy(_carry, 0, rest, h, _carryLength);
                    using var csv = CsvReader.Create(new PrefixedStream(rest, _stream), _options(malformed), leaveOpen: true);
                    csv.ReadHeader();
                    foreach (var piece in rows.Parse(csv, malformed, line - (_headerLines + 1), ct)) yield return piece;
                    yield break;
                }
            }
        }
        finally
        {
            // Stopped early or failed: stop the workers, wait for them and give their blocks back.
            await stop.CancelAsync().ConfigureAwait(false);
            while (queue.Count > 0)
            {
                try
                {
                    await queue.Dequeue().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The reader is being abandoned: the worker's own failure no longer matters.
                }
            }
        }
    }

    /// <summary>One block (the header, then whole records) parsed on a worker, which then gives the buffer back.</summary>
    private List<CsvPiece> ParseBlock(CsvRowParser rows, byte[] block, int length, long lineOffset, CancellationToken ct)
    {
        try
        {
            var malformed = new List<CsvMalformedRecord>();
            using var csv = CsvReader.Create(block.AsMemory(0, length), _options(malformed));
            csv.ReadHeader();
            return rows.Parse(csv, malformed, lineOffset, ct).ToList();
        }
        finally
        {
            _pool.Return(block);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sequential?.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Reused block buffers of one size, for the blocks of all the files of a read.</summary>
    internal sealed class CsvBlockPool(int size)
    {
        private readonly Stack<byte[]> _free = new();

        public int Size { get; } = size;

        public byte[] Rent()
        {
            lock (_free)
                if (_free.TryPop(out var buffer)) return buffer;
            return new byte[Size];
        }

        public void Return(byte[] buffer)
        {
            lock (_free) _free.Push(buffer);
        }
    }

    /// <summary>Bytes already read, then the rest of a stream (which it does not dispose).</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty) return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
