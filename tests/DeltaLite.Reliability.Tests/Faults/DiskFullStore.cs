using System.Collections.Concurrent;
using DeltaLite.Storage;

namespace DeltaLite.Reliability.Tests.Faults;

/// <summary>
/// A disk that holds only so many more bytes: every byte written through a <see cref="DiskFullStore"/> on it is
/// counted, and the write that would pass <see cref="Free"/> fails as a full file system does (an
/// <see cref="IOException"/> with errno ENOSPC and .NET's message, naming the file), after writing what still fit.
/// </summary>
internal sealed class Disk
{
    private const int Enospc = 28;
    private long _free = long.MaxValue;
    private readonly ConcurrentQueue<(string Path, long Bytes)> _writes = new();

    /// <summary>Bytes that may still be written; long.MaxValue when space is back.</summary>
    public long Free
    {
        get => Interlocked.Read(ref _free);
        set => Interlocked.Exchange(ref _free, value);
    }

    /// <summary>Every write that succeeded since the last <see cref="Clear"/>, in order: the object's path and its bytes.</summary>
    public IReadOnlyList<(string Path, long Bytes)> Writes => [.. _writes];

    /// <summary>How many writes failed for want of space.</summary>
    public int Refusals { get; private set; }

    public void Clear()
    {
        _writes.Clear();
        Refusals = 0;
    }

    /// <summary>Takes <paramref name="bytes"/> of the free space, or as much as there is and throws ENOSPC naming <paramref name="fullPath"/>; returns the bytes granted.</summary>
    public long Take(long bytes, string fullPath, bool partial)
    {
        while (true)
        {
            long free = Free;
            if (free == long.MaxValue) return bytes;
            if (bytes <= free)
            {
                if (Interlocked.CompareExchange(ref _free, free - bytes, free) == free) return bytes;
                continue;
            }
            if (partial && free > 0 && Interlocked.CompareExchange(ref _free, 0, free) != free) continue;
            Refusals++;
            throw new IOException($"No space left on device : '{fullPath}'", Enospc);
        }
    }

    public void Written(string path, long bytes) => _writes.Enqueue((path, bytes));
}

/// <summary>
/// A local store on a <see cref="Disk"/>: the real <see cref="LocalObjectStore"/> underneath (its temp files,
/// atomic publishing and cleanup), with every write first charged to the disk. Registered for <c>diskfull://NAME/</c>
/// locations, so the ingestion opens it by location as it opens any table.
/// </summary>
internal sealed class DiskFullStore(LocalObjectStore inner, Disk disk) : IObjectStore
{
    public const string Scheme = "diskfull";
    private static readonly ConcurrentDictionary<string, (Disk Disk, string Folder)> Mounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Mounts <paramref name="folder"/> on <paramref name="disk"/>; returns the location of a table in it.</summary>
    public static string Mount(Disk disk, string folder)
    {
        ObjectStores.Register(Scheme, (uri, _) => Mounts.TryGetValue(uri.Host, out var m)
            ? new DiskFullStore(new LocalObjectStore(m.Folder), m.Disk)
            : throw new ArgumentException($"{uri}: no such test disk"));
        string name = "d" + Guid.NewGuid().ToString("N");
        Mounts[name] = (disk, folder);
        return $"{Scheme}://{name}/";
    }

    public string DisplayRoot => inner.DisplayRoot;

    public Task<ObjectInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default) => inner.GetInfoAsync(path, cancellationToken);

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, startAfter, cancellationToken);

    public Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken = default) => inner.ReadAllAsync(path, cancellationToken);

    public Task ReadRangeAsync(string path, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadRangeAsync(path, offset, buffer, cancellationToken);

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        disk.Take(data.Length, inner.FullPath(path), partial: false);
        await inner.WriteAsync(path, data, cancellationToken);
        disk.Written(path, data.Length);
    }

    public async Task WriteIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        disk.Take(data.Length, inner.FullPath(path), partial: false);
        await inner.WriteIfAbsentAsync(path, data, cancellationToken);
        disk.Written(path, data.Length);
    }

    public async Task<ObjectWriteStream> CreateAsync(string path, CancellationToken cancellationToken = default) =>
        new CountingStream(await inner.CreateAsync(path, cancellationToken), disk, path, inner.FullPath(path));

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>The inner store's write stream, each write charged first; what fits is written before the failure, as a file system does.</summary>
    private sealed class CountingStream(ObjectWriteStream inner, Disk disk, string path, string fullPath) : ObjectWriteStream
    {
        private long _bytes;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long granted = Grant(buffer.Length, out var failure);
            inner.Write(buffer[..(int)granted]);
            if (failure is not null) throw failure;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            long granted = Grant(buffer.Length, out var failure);
            await inner.WriteAsync(buffer[..(int)granted], ct);
            if (failure is not null) throw failure;
        }

        private long Grant(int count, out IOException? failure)
        {
            failure = null;
            long before = disk.Free;
            try
            {
                disk.Take(count, fullPath, partial: true);
                _bytes += count;
                return count;
            }
            catch (IOException e)
            {
                failure = e;
                long granted = before == long.MaxValue ? 0 : Math.Min(before, count);
                _bytes += granted;
                return granted;
            }
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);

        public override async Task CompleteAsync(CancellationToken cancellationToken = default)
        {
            await inner.CompleteAsync(cancellationToken);
            disk.Written(path, _bytes);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
