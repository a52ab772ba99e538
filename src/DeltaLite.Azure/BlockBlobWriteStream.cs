using System.Buffers;
using DeltaLite.Storage;

namespace DeltaLite.Azure;

/// <summary>
/// Writes one blob as it is produced: bytes fill a block buffer; each full block is staged with Put Block while
/// writing goes on (a few blocks in flight, so memory stays at a few blocks whatever the object's size), and
/// <see cref="CompleteAsync"/> commits the list with Put Block List. Small objects (never filling a block) go up in
/// one Put Blob at completion. Staged blocks are invisible until committed; abandoning the stream leaves nothing
/// (the service discards uncommitted blocks).
/// </summary>
internal sealed class BlockBlobWriteStream : ObjectWriteStream
{
    private readonly AzureBlobObjectStore _store;
    private readonly string _path;
    private readonly string _url;
    private readonly int _blockSize;
    private readonly string _streamId = Guid.NewGuid().ToString("N");
    private readonly List<string> _blockIds = [];
    private readonly List<Task> _uploads = [];
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort = new();
    private byte[]? _buffer;
    private int _filled;
    private long _written;
    private Exception? _failure;
    private bool _completed;
    private bool _disposed;

    public BlockBlobWriteStream(AzureBlobObjectStore store, string path, string url)
    {
        _store = store;
        _path = path;
        _url = url;
        _blockSize = store.Options.BlockSize;
        _slots = new SemaphoreSlim(store.Options.MaxConcurrency, store.Options.MaxConcurrency);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        CheckWritable();
        while (buffer.Length > 0)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            int n = Math.Min(buffer.Length, _blockSize - _filled);
            buffer[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            _written += n;
            buffer = buffer[n..];
            if (_filled == _blockSize)
            {
                try
                {
                    _slots.Wait(_abort.Token);
                }
                catch (OperationCanceledException) when (_failure is not null)
                {
                    // A block failed and aborted the upload: report why, not a bare cancellation.
                    ThrowIfFailed();
                    throw;
                }
                StageBuffer();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckWritable();
        while (buffer.Length > 0)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            int n = Math.Min(buffer.Length, _blockSize - _filled);
            buffer.Span[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            _written += n;
            buffer = buffer[n..];
            if (_filled == _blockSize)
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (_failure is not null)
                {
                    _slots.Release();
                    ThrowIfFailed();
                }
                StageBuffer();
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stages the current buffer as the next block (a slot has been taken).</summary>
    private void StageBuffer()
    {
        var block = _buffer!;
        int length = _filled;
        _buffer = null;
        _filled = 0;
        string id = AzureBlobObjectStore.BlockId(_streamId, _blockIds.Count);
        _blockIds.Add(id);
        var token = _abort.Token;
        _uploads.Add(Task.Run(async () =>
        {
            try
            {
                await _store.PutBlockAsync(_url, _path, id, block.AsMemory(0, length), token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
                await _abort.CancelAsync().ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(block);
                _slots.Release();
            }
        }, CancellationToken.None));
    }

    private void CheckWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException($"{_store.DisplayRoot}/{_path}: the object was already completed.");
        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        // A storage error stays one (the CLI reports it as such, exit code 1, as when a single-request write fails).
        if (_failure is AzureStorageException a)
            throw new AzureStorageException($"{_store.DisplayRoot}/{_path}: uploading a block failed: {a.Message}", a.Status, a.ErrorCode, a.Account, a.Container, a.ObjectPath, a);
        if (_failure is { } f)
            throw new IOException($"{_store.DisplayRoot}/{_path}: uploading a block failed: {f.Message}", f);
    }

    public override async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        CheckWritable();
        if (_blockIds.Count == 0 && _filled <= _store.Options.SinglePutThreshold)
        {
            await _store.WriteAsync(_path, _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _filled), cancellationToken).ConfigureAwait(false);
            ReturnBuffer();
            _completed = true;
            return;
        }
        if (_filled > 0)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            StageBuffer();
        }
        await Task.WhenAll(_uploads).ConfigureAwait(false);
        ThrowIfFailed();
        DeltaLite.Diagnostics.FaultPoints.BeforePublish(_path);
        await _store.PutBlockListAsync(_url, _path, _blockIds, ifAbsent: false, writer: null, cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten => _written;

    private void ReturnBuffer()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _filled = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (!_completed) _abort.Cancel();
            try
            {
                Task.WaitAll(_uploads.ToArray());
            }
            catch (AggregateException)
            {
                // Abandoned: failures of staged blocks no longer matter.
            }
            ReturnBuffer();
            _abort.Dispose();
            _slots.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_completed) await _abort.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_uploads).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // Abandoned: see Dispose.
            }
            ReturnBuffer();
            _abort.Dispose();
            _slots.Dispose();
        }
        await base.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
