using System.Buffers;

namespace DeltaLite.Azure;

/// <summary>
/// A seekable read stream over one version (ETag) of a blob, fetched in ranged chunks with the next chunk
/// prefetched while the current one is consumed; a broken-off chunk resumes where it stopped.
/// </summary>
internal sealed class BlobReadStream : Stream
{
    private readonly AzureBlobObjectStore _store;
    private readonly string _path;
    private readonly string _url;
    private readonly string? _etag;
    private readonly int _chunkSize;
    private readonly CancellationTokenSource _cts = new();
    private byte[]? _chunk;
    private long _chunkOffset = -1;
    private int _chunkLength;
    private Task<(long Offset, byte[] Data, int Length)>? _prefetch;
    private long _position;
    private bool _disposed;

    public BlobReadStream(AzureBlobObjectStore store, string path, string url, long length, string? etag, int chunkSize)
    {
        _store = store;
        _path = path;
        _url = url;
        Length = length;
        _etag = etag;
        _chunkSize = chunkSize;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length == 0 || _position >= Length) return 0;
        if (_chunk is null || _position < _chunkOffset || _position >= _chunkOffset + _chunkLength)
            await LoadAsync(_position - _position % _chunkSize, cancellationToken).ConfigureAwait(false);
        int start = (int)(_position - _chunkOffset);
        int n = Math.Min(buffer.Length, _chunkLength - start);
        _chunk.AsSpan(start, n).CopyTo(buffer.Span);
        _position += n;
        return n;
    }

    private async Task LoadAsync(long offset, CancellationToken ct)
    {
        (long Offset, byte[] Data, int Length) chunk;
        if (_prefetch is { } pending && PrefetchOffset == offset)
        {
            chunk = await pending.WaitAsync(ct).ConfigureAwait(false);
        }
        else
        {
            if (_prefetch is not null) await DrainPrefetchAsync().ConfigureAwait(false);
            chunk = await FetchAsync(offset, ct).ConfigureAwait(false);
        }
        _prefetch = null;
        if (_chunk is not null) ArrayPool<byte>.Shared.Return(_chunk);
        _chunk = chunk.Data;
        _chunkOffset = chunk.Offset;
        _chunkLength = chunk.Length;
        long next = offset + _chunkLength;
        if (next < Length)
        {
            PrefetchOffset = next;
            var token = _cts.Token;
            _prefetch = Task.Run(() => FetchAsync(next, token), CancellationToken.None);
        }
    }

    private long PrefetchOffset { get; set; } = -1;

    private async Task<(long, byte[], int)> FetchAsync(long offset, CancellationToken ct)
    {
        int size = (int)Math.Min(_chunkSize, Length - offset);
        var data = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int n = await _store.FetchAsync(_url, _etag, offset, data.AsMemory(0, size), _path, ct).ConfigureAwait(false);
            if (n < size) throw new IOException($"{_store.DisplayRoot}/{_path}: the object is shorter than its stated {Length} bytes.");
            return (offset, data, n);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(data);
            throw;
        }
    }

    private async Task DrainPrefetchAsync()
    {
        if (_prefetch is null) return;
        try
        {
            var (_, unused, _) = await _prefetch.ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(unused);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // A prefetch nobody wants any more.
        }
        _prefetch = null;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _cts.Cancel();
            DrainPrefetchAsync().GetAwaiter().GetResult();
            if (_chunk is not null) ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = null;
            _cts.Dispose();
        }
        base.Dispose(disposing);
    }
}
