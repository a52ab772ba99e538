using System.Buffers.Binary;
using DeltaLite.Storage;

namespace DeltaLite.DeletionVectors;

/// <summary>
/// Reads deletion vectors: inline ones from their Z85 text, file ones with one ranged read of the DV's bytes.
/// A DV file is the version byte 1 and then, for each DV, its size (4 bytes), the serialized bitmap and the CRC-32
/// of the bitmap (4 bytes), all big-endian; a descriptor's offset points at the size of its DV.
/// Every check (file present and long enough, size prefix, magic number and format, checksum, cardinality) fails
/// with a <see cref="DeletionVectorException"/> naming the table, the DV and the problem.
/// </summary>
public static class DeletionVectorReader
{
    /// <summary>The version byte at the start of a DV file.</summary>
    public const byte FileFormatVersion = 1;

    /// <summary>Smallest serialized bitmap: the magic number and the bucket count.</summary>
    private const int MinBitmapBytes = 12;

    /// <summary>Above this size the file's length is checked before the buffer is allocated.</summary>
    private const int CheckLengthAbove = 1 << 20;

    /// <summary>
    /// The rows deleted by <paramref name="dv"/> of a table whose root is <paramref name="store"/>'s root. A <c>p</c>
    /// (absolute path) DV is read from this store when its path lies under the store's root; otherwise use
    /// <see cref="ReadFileAsync"/> with a store for its location.
    /// </summary>
    public static Task<RoaringBitmapArray> ReadAsync(IObjectStore store, DeletionVectorDescriptor dv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dv);
        string table = store.DisplayRoot;
        switch (dv.StorageType)
        {
            case DeletionVectorDescriptor.InlineStorage:
                return Task.FromResult(ReadInline(dv, table));
            case DeletionVectorDescriptor.UuidRelativePath:
            {
                string path;
                try
                {
                    path = dv.RelativePath();
                }
                catch (FormatException e)
                {
                    throw new DeletionVectorException(table, dv.UniqueId, null, e.Message, e);
                }
                return ReadFileAsync(store, path, dv, cancellationToken);
            }
            case DeletionVectorDescriptor.AbsolutePath:
            {
                string? relative = UnderRoot(store.DisplayRoot, dv.PathOrInlineDv);
                if (relative is null)
                {
                    throw new DeletionVectorException(table, dv.UniqueId, dv.PathOrInlineDv,
                        "the absolute path is outside the table root; read it through a store for its location");
                }
                return ReadFileAsync(store, relative, dv, cancellationToken);
            }
            default:
                throw new DeletionVectorException(table, dv.UniqueId, null,
                    $"unknown storage type '{dv.StorageType}' (expected 'u', 'i' or 'p')");
        }
    }

    /// <summary>Decodes an inline (<c>i</c>) DV.</summary>
    /// <param name="dv">The descriptor, with the Z85 text, size and cardinality.</param>
    /// <param name="tablePath">The table, for error messages.</param>
    public static RoaringBitmapArray ReadInline(DeletionVectorDescriptor dv, string tablePath)
    {
        ArgumentNullException.ThrowIfNull(dv);
        if (!dv.IsInline)
            throw new DeletionVectorException(tablePath, dv.UniqueId, null, $"storage type '{dv.StorageType}' is not inline");
        if (dv.SizeInBytes < MinBitmapBytes)
            throw new DeletionVectorException(tablePath, dv.UniqueId, null, $"sizeInBytes {dv.SizeInBytes} is below the {MinBitmapBytes}-byte minimum of a bitmap");
        byte[] bytes;
        try
        {
            bytes = Z85.DecodePadded(dv.PathOrInlineDv, dv.SizeInBytes);
        }
        catch (FormatException e)
        {
            throw new DeletionVectorException(tablePath, dv.UniqueId, null, $"the inline data is not valid Z85 for {dv.SizeInBytes} bytes: {e.Message}", e);
        }
        return Decode(bytes, dv, tablePath, null);
    }

    /// <summary>
    /// Reads the DV described by <paramref name="dv"/> (its offset, size and cardinality) from the file at
    /// <paramref name="path"/> in <paramref name="store"/>, with one ranged read.
    /// </summary>
    public static async Task<RoaringBitmapArray> ReadFileAsync(IObjectStore store, string path, DeletionVectorDescriptor dv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(dv);
        string table = store.DisplayRoot;
        DeletionVectorException Fail(string problem, Exception? inner = null) => new(table, dv.UniqueId, path, problem, inner);

        long offset = dv.Offset ?? 0;
        if (offset < 0) throw Fail($"offset {offset} is negative");
        if (dv.SizeInBytes < MinBitmapBytes) throw Fail($"sizeInBytes {dv.SizeInBytes} is below the {MinBitmapBytes}-byte minimum of a bitmap");
        if (dv.SizeInBytes > Array.MaxLength - 9) throw Fail($"sizeInBytes {dv.SizeInBytes} is too large");
        if (dv.Cardinality < 0) throw Fail($"cardinality {dv.Cardinality} is negative");

        // The first DV of a file sits right after the version byte: read that too and check it, at no cost.
        bool withVersion = offset == 1;
        long start = withVersion ? 0 : offset;
        int length = (withVersion ? 1 : 0) + 4 + dv.SizeInBytes + 4;

        try
        {
            if (dv.SizeInBytes > CheckLengthAbove)
            {
                var info = await store.GetInfoAsync(path, cancellationToken).ConfigureAwait(false)
                    ?? throw Fail("the file does not exist");
                if (info.Size < start + length)
                    throw Fail($"the file has {info.Size} bytes, but the DV needs {length} bytes from offset {start}");
            }
            var buffer = new byte[length];
            await store.ReadRangeAsync(path, start, buffer, cancellationToken).ConfigureAwait(false);
            return Parse(buffer, withVersion, dv, table, path);
        }
        catch (ObjectNotFoundException e)
        {
            throw Fail("the file does not exist", e);
        }
        catch (EndOfStreamException e)
        {
            throw Fail($"the file ends before the {length} bytes the DV needs from offset {start}", e);
        }
        catch (ArgumentException e)
        {
            throw Fail($"the path is not valid in the table's store: {e.Message}", e);
        }
    }

    private static RoaringBitmapArray Parse(ReadOnlySpan<byte> buffer, bool withVersion, DeletionVectorDescriptor dv, string table, string path)
    {
        DeletionVectorException Fail(string problem) => new(table, dv.UniqueId, path, problem);
        if (withVersion)
        {
            if (buffer[0] != FileFormatVersion) throw Fail($"file format version {buffer[0]}, expected {FileFormatVersion}");
            buffer = buffer[1..];
        }
        int declared = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (declared != dv.SizeInBytes)
            throw Fail($"size mismatch: the file says the DV has {declared} bytes, the descriptor's sizeInBytes is {dv.SizeInBytes}");
        var data = buffer.Slice(4, dv.SizeInBytes);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(buffer[(4 + dv.SizeInBytes)..]);
        uint computed = Crc32.Compute(data);
        if (stored != computed)
            throw Fail($"checksum mismatch: the file stores CRC-32 0x{stored:X8}, the data has 0x{computed:X8}");
        return Decode(data, dv, table, path);
    }

    private static RoaringBitmapArray Decode(ReadOnlySpan<byte> data, DeletionVectorDescriptor dv, string table, string? path)
    {
        RoaringBitmapArray bitmap;
        try
        {
            bitmap = RoaringBitmapArray.Deserialize(data);
        }
        catch (InvalidDataException e)
        {
            throw new DeletionVectorException(table, dv.UniqueId, path, e.Message, e);
        }
        if (bitmap.Cardinality != dv.Cardinality)
        {
            throw new DeletionVectorException(table, dv.UniqueId, path,
                $"cardinality mismatch: the bitmap holds {bitmap.Cardinality} rows, the descriptor says {dv.Cardinality}");
        }
        return bitmap;
    }

    /// <summary>
    /// The path of <paramref name="absolute"/> relative to <paramref name="root"/> (URI-decoded), or null when it is
    /// not under it. Both may be plain paths or URIs (file:///data/t and /data/t are the same location).
    /// </summary>
    internal static string? UnderRoot(string root, string absolute)
    {
        static string Normalize(string s)
        {
            if (s.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.IsFile)
                s = uri.LocalPath;
            return s.Replace('\\', '/').TrimEnd('/');
        }
        string r = Normalize(root);
        string a = absolute.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? Normalize(absolute)
            : Uri.UnescapeDataString(absolute).Replace('\\', '/');
        if (r.Length == 0 || !a.StartsWith(r + "/", StringComparison.Ordinal)) return null;
        string relative = a[(r.Length + 1)..];
        return relative.Length == 0 ? null : relative;
    }
}
