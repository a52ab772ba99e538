using DeltaLite.Parquet;
using DeltaLite.Parquet.IO;

namespace DeltaLite.Storage;

/// <summary>Opens Parquet objects of a store with ranged reads (footer first, then only the chunks needed).</summary>
public static class StoreParquet
{
    public static async Task<ParquetReader> OpenAsync(IObjectStore store, string path, long? size, CancellationToken ct)
    {
        IByteRangeSource source;
        if (store is LocalObjectStore local)
        {
            try
            {
                source = new FileByteRangeSource(local.FullPath(path));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new ObjectNotFoundException(path, $"{local.FullPath(path)}: no such file.", e);
            }
        }
        else
        {
            long length = size ?? (await store.GetInfoAsync(path, ct).ConfigureAwait(false))?.Size
                ?? throw new ObjectNotFoundException(path, $"{store.DisplayRoot}/{path}: no such object.");
            source = new ObjectRangeSource(store, path, length);
        }
        return await ParquetReader.OpenAsync(source, ownsSource: true, ct).ConfigureAwait(false);
    }

    private sealed class ObjectRangeSource(IObjectStore store, string path, long length) : IByteRangeSource
    {
        public string Name => $"{store.DisplayRoot.TrimEnd('/')}/{path}";

        public long Length => length;

        public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            await store.ReadRangeAsync(path, offset, buffer, cancellationToken).ConfigureAwait(false);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
