using Microsoft.Win32.SafeHandles;

namespace DeltaLite.Parquet.IO;

/// <summary>
/// Random access to the bytes of one file, local or remote. The reader asks for the footer first and then only
/// for the column chunks it decodes, so a remote implementation never downloads a whole file to read two columns.
/// </summary>
public interface IByteRangeSource : IAsyncDisposable
{
    /// <summary>The name used in error messages (a path or URI; never a secret).</summary>
    string Name { get; }

    /// <summary>Total length in bytes.</summary>
    long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> with the bytes at <paramref name="offset"/>; must throw if fewer exist.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);
}

/// <summary>A local file, read with positional reads (safe for concurrent use).</summary>
public sealed class FileByteRangeSource : IByteRangeSource
{
    private readonly SafeFileHandle _handle;

    public FileByteRangeSource(string path)
    {
        Name = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
        Length = RandomAccess.GetLength(_handle);
    }

    public string Name { get; }

    public long Length { get; }

    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = buffer.Length - done > 1 << 20
                ? await RandomAccess.ReadAsync(_handle, buffer[done..], offset + done, cancellationToken).ConfigureAwait(false)
                : RandomAccess.Read(_handle, buffer.Span[done..], offset + done);
            if (n == 0) throw new EndOfStreamException($"{Name}: wanted {buffer.Length} bytes at offset {offset}, the file ends at {Length}.");
            done += n;
        }
    }

    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A seekable stream; reads are serialized.</summary>
public sealed class StreamByteRangeSource : IByteRangeSource
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public StreamByteRangeSource(Stream stream, string name = "<stream>", bool leaveOpen = false)
    {
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        Name = name;
        Length = stream.Length;
    }

    public string Name { get; }

    public long Length { get; }

    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stream.Position = offset;
            await _stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_leaveOpen) await _stream.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }
}

/// <summary>Bytes already in memory.</summary>
public sealed class MemoryByteRangeSource(ReadOnlyMemory<byte> bytes, string name = "<memory>") : IByteRangeSource
{
    public string Name => name;

    public long Length => bytes.Length;

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || offset + buffer.Length > bytes.Length)
            throw new EndOfStreamException($"{Name}: wanted {buffer.Length} bytes at offset {offset}, the data ends at {bytes.Length}.");
        bytes.Slice((int)offset, buffer.Length).CopyTo(buffer);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
