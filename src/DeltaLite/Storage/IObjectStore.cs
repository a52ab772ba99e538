namespace DeltaLite.Storage;

/// <summary>What a store knows of one object.</summary>
/// <param name="Path">Path relative to the store's root, with '/' separators.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="LastModified">Time of the last write, as the store records it.</param>
public sealed record ObjectInfo(string Path, long Size, DateTimeOffset LastModified);

/// <summary>
/// Objects under one root (a table's folder, a container path). Every path is relative to the root and uses '/'.
/// Contract, for every implementation:
/// <list type="bullet">
/// <item>Listing must return objects in ascending ordinal order of their paths, and only objects (no folders).</item>
/// <item><see cref="WriteIfAbsentAsync"/> must be atomic: of several writers of one path exactly one succeeds,
/// the others get <see cref="ObjectAlreadyExistsException"/>, and no reader ever sees a partial object.</item>
/// <item>A finished <see cref="WriteAsync"/> or <see cref="CreateAsync"/> stream must become visible whole or not at all.</item>
/// <item><see cref="DeleteAsync"/> must be idempotent: deleting a missing object succeeds.</item>
/// <item>Reading a missing object must throw <see cref="ObjectNotFoundException"/>.</item>
/// <item>Errors must name the path and must never contain a secret (keys, tokens, passwords).</item>
/// </list>
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>The root as shown to people (a path or URI without credentials).</summary>
    string DisplayRoot { get; }

    /// <summary>Size and time of an object, or null when it does not exist.</summary>
    Task<ObjectInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every object whose path starts with <paramref name="prefix"/> (at any depth), in ascending ordinal order,
    /// beginning after <paramref name="startAfter"/> when given.
    /// </summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default);

    /// <summary>The whole object.</summary>
    Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; throws if the object is shorter.</summary>
    Task ReadRangeAsync(string path, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>A stream over the object, for sequential reads of large objects.</summary>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Writes (or replaces) an object atomically.</summary>
    Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Writes an object only if no object has that path; throws <see cref="ObjectAlreadyExistsException"/> otherwise.</summary>
    Task WriteIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// A stream that writes a new object (replacing any); the object appears, whole, when the stream is disposed
    /// after <see cref="ObjectWriteStream.CompleteAsync"/>. Disposing without completing discards it.
    /// </summary>
    Task<ObjectWriteStream> CreateAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; succeeds when it does not exist.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken = default);
}

/// <summary>A stream writing one object; call <see cref="CompleteAsync"/> to publish it.</summary>
public abstract class ObjectWriteStream : Stream
{
    /// <summary>Publishes the object. Before this, nothing is visible; disposing without it abandons the write.</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken = default);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>A conditional write found the object already there.</summary>
public sealed class ObjectAlreadyExistsException(string path, string message, Exception? inner = null) : IOException(message, inner)
{
    public string ObjectPath { get; } = path;
}

/// <summary>The object does not exist.</summary>
public sealed class ObjectNotFoundException(string path, string message, Exception? inner = null) : FileNotFoundException(message, path, inner)
{
    public string ObjectPath { get; } = path;
}
