using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeltaLite.Storage;

/// <summary>
/// Objects as files under a local folder. Writes go to a hidden temp file in the same folder and are then moved
/// into place, so readers never see a partial file; write-if-absent publishes with link(2), which fails atomically
/// when the name exists, so two processes committing the same version never both succeed.
/// </summary>
public sealed partial class LocalObjectStore : IObjectStore
{
    private readonly string _root;

    public LocalObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        DisplayRoot = _root;
    }

    public string DisplayRoot { get; }

    /// <summary>The absolute folder of the store.</summary>
    public string RootPath => _root;

    /// <summary>The absolute file path of an object path; rejects paths that would leave the root.</summary>
    public string FullPath(string path)
    {
        if (path.Length == 0) throw new ArgumentException("An object path must not be empty.", nameof(path));
        if (path.Contains('\0')) throw new ArgumentException($"Object path '{path}' contains a NUL character.", nameof(path));
        foreach (var segment in path.Split('/'))
        {
            if (segment is ".." or ".") throw new ArgumentException($"Object path '{path}' must not contain '.' or '..' segments.", nameof(path));
        }
        if (path.StartsWith('/') || Path.IsPathRooted(path)) throw new ArgumentException($"Object path '{path}' must be relative.", nameof(path));
        var full = Path.GetFullPath(Path.Combine(_root, path.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Object path '{path}' leaves the store root '{_root}'.", nameof(path));
        return full;
    }

    public Task<ObjectInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(FullPath(path));
        return Task.FromResult(info.Exists ? new ObjectInfo(path, info.Length, info.LastWriteTimeUtc) : null);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        // The folder part of the prefix bounds the walk; the rest filters names.
        int slash = prefix.LastIndexOf('/');
        string folderRel = slash < 0 ? "" : prefix[..slash];
        string folder = folderRel.Length == 0 ? _root : FullPath(folderRel);
        if (!Directory.Exists(folder)) yield break;
        var names = new List<(string Relative, string Full)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rel = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!rel.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (IsTempName(Path.GetFileName(file))) continue;
            if (startAfter is not null && string.CompareOrdinal(rel, startAfter) <= 0) continue;
            names.Add((rel, file));
        }
        names.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        // Sizes and times are read as the caller gets to each name: one that stops early reads no more of them.
        foreach (var (rel, full) in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FileInfo fi = new(full);
            if (!fi.Exists) continue; // deleted while listing
            yield return new ObjectInfo(rel, fi.Length, fi.LastWriteTimeUtc);
        }
    }

    /// <summary>
    /// The temp files of writes that never finished (the process died between writing a temp file and moving it into
    /// place), anywhere under the root, with their paths relative to it: <see cref="ListAsync"/> never shows them, so
    /// only vacuum, through this, removes them.
    /// </summary>
    internal IEnumerable<ObjectInfo> ListTempFiles()
    {
        if (!Directory.Exists(_root)) yield break;
        foreach (var file in Directory.EnumerateFiles(_root, ".deltalite-tmp-*", SearchOption.AllDirectories))
        {
            FileInfo fi = new(file);
            if (!fi.Exists || !IsTempName(fi.Name)) continue;
            yield return new ObjectInfo(Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/'), fi.Length, fi.LastWriteTimeUtc);
        }
    }

    public async Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        try
        {
            return await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(path, $"{full}: no such file.", e);
        }
    }

    public async Task ReadRangeAsync(string path, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        try
        {
            using var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.RandomAccess);
            int done = 0;
            while (done < buffer.Length)
            {
                int n = await RandomAccess.ReadAsync(handle, buffer[done..], offset + done, cancellationToken).ConfigureAwait(false);
                if (n == 0) throw new EndOfStreamException($"{full}: wanted {buffer.Length} bytes at offset {offset}; the file is shorter.");
                done += n;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(path, $"{full}: no such file.", e);
        }
    }

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        try
        {
            Stream s = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(s);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(path, $"{full}: no such file.", e);
        }
    }

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        string temp = await WriteTempAsync(full, data, cancellationToken).ConfigureAwait(false);
        Diagnostics.FaultPoints.BeforePublish(path);
        try
        {
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public async Task WriteIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        string temp = await WriteTempAsync(full, data, cancellationToken).ConfigureAwait(false);
        Diagnostics.FaultPoints.BeforePublish(path);
        try
        {
            PublishIfAbsent(temp, full, path);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public Task<ObjectWriteStream> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = TempNameFor(full);
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        return Task.FromResult<ObjectWriteStream>(new LocalWriteStream(stream, temp, full, path));
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        string full = FullPath(path);
        try
        {
            File.Delete(full);
        }
        catch (DirectoryNotFoundException)
        {
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsTempName(string name) => name.StartsWith(".deltalite-tmp-", StringComparison.Ordinal);

    private static string TempNameFor(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, ".deltalite-tmp-" + Guid.NewGuid().ToString("N") + "-" + Path.GetFileName(full));

    private static async Task<string> WriteTempAsync(string full, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = TempNameFor(full);
        try
        {
            await using var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await fs.WriteAsync(data, ct).ConfigureAwait(false);
            await fs.FlushAsync(ct).ConfigureAwait(false);
            fs.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return temp;
    }

    /// <summary>Gives the temp file a second name, the final one, only if that name is free; atomic on POSIX.</summary>
    private static void PublishIfAbsent(string temp, string full, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(temp, full, overwrite: false);
            }
            catch (IOException e) when (File.Exists(full))
            {
                throw new ObjectAlreadyExistsException(path, $"{full} already exists.", e);
            }
            return;
        }
        if (Link(temp, full) == 0) return;
        int errno = Marshal.GetLastPInvokeError();
        const int EEXIST = 17;
        if (errno == EEXIST) throw new ObjectAlreadyExistsException(path, $"{full} already exists.");
        throw new IOException($"Could not publish {full} (link failed with errno {errno}).");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed class LocalWriteStream(FileStream inner, string temp, string full, string path) : ObjectWriteStream
    {
        private bool _completed;

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.WriteAsync(buffer, offset, count, ct);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => inner.WriteAsync(buffer, ct);
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);

        public override async Task CompleteAsync(CancellationToken cancellationToken = default)
        {
            await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            inner.Flush(flushToDisk: true);
            await inner.DisposeAsync().ConfigureAwait(false);
            Diagnostics.FaultPoints.BeforePublish(path);
            File.Move(temp, full, overwrite: true);
            _completed = true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                if (!_completed) TryDelete(temp);
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            if (!_completed) TryDelete(temp);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
