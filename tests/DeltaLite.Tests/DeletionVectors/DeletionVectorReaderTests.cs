using System.Buffers.Binary;
using DeltaLite.DeletionVectors;
using DeltaLite.Storage;

namespace DeltaLite.Tests.DeletionVectors;

/// <summary>A store that records the reads it serves, over a local store.</summary>
internal sealed class RecordingStore(IObjectStore inner) : IObjectStore
{
    public List<(string Path, long Offset, int Length)> RangeReads { get; } = [];
    public int WholeReads { get; private set; }

    public string DisplayRoot => inner.DisplayRoot;
    public Task<ObjectInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default) => inner.GetInfoAsync(path, cancellationToken);
    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, startAfter, cancellationToken);
    public Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken = default) { WholeReads++; return inner.ReadAllAsync(path, cancellationToken); }
    public Task ReadRangeAsync(string path, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        RangeReads.Add((path, offset, buffer.Length));
        return inner.ReadRangeAsync(path, offset, buffer, cancellationToken);
    }
    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) { WholeReads++; return inner.OpenReadAsync(path, cancellationToken); }
    public Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.WriteAsync(path, data, cancellationToken);
    public Task WriteIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.WriteIfAbsentAsync(path, data, cancellationToken);
    public Task<ObjectWriteStream> CreateAsync(string path, CancellationToken cancellationToken = default) => inner.CreateAsync(path, cancellationToken);
    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

public class DeletionVectorReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LocalObjectStore _store;

    public DeletionVectorReaderTests() => _store = new LocalObjectStore(_folder.Path);

    public void Dispose() => _folder.Dispose();

    private static readonly Guid s_uuid = Guid.Parse("0c6cbaaf-5e04-4c9d-8959-1088814f58ef");
    private static string FileName => $"deletion_vector_{s_uuid:D}.bin";

    private static readonly RoaringBitmapArray s_first = RoaringBitmapArray.FromValues([0, 9, 100, 65536 + 3, 1L << 33]);
    private static readonly RoaringBitmapArray s_second = RoaringBitmapArray.FromValues(Enumerable.Range(1000, 5000).Select(i => (long)i));

    /// <summary>
    /// Writes a DV file per the protocol's storage format (version byte 1, then for each DV: big-endian size, the
    /// bitmap, big-endian CRC-32 of the bitmap) and returns the descriptors of its DVs.
    /// </summary>
    private DeletionVectorDescriptor[] WriteDvFile(string prefix = "", Action<byte[], int>? corrupt = null, params RoaringBitmapArray[] bitmaps)
    {
        var file = new List<byte> { 1 };
        var descriptors = new List<DeletionVectorDescriptor>();
        foreach (var bitmap in bitmaps)
        {
            var data = bitmap.Serialize();
            int offset = file.Count;
            var size = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(size, data.Length);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(data));
            file.AddRange(size);
            file.AddRange(data);
            file.AddRange(crc);
            descriptors.Add(DeletionVectorDescriptor.OnDisk(s_uuid, prefix, offset, data.Length, bitmap.Cardinality));
        }
        var bytes = file.ToArray();
        corrupt?.Invoke(bytes, descriptors[0].Offset!.Value);
        string dir = prefix.Length == 0 ? _folder.Path : Path.Combine(_folder.Path, prefix);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, FileName), bytes);
        return [.. descriptors];
    }

    [Fact]
    public async Task ReadsEachDvOfAFileWithOneRangedRead()
    {
        var dvs = WriteDvFile("", null, s_first, s_second);
        var store = new RecordingStore(_store);
        Assert.Equal(s_first.ToArray(), (await DeletionVectorReader.ReadAsync(store, dvs[0], default)).ToArray());
        Assert.Equal(s_second.ToArray(), (await DeletionVectorReader.ReadAsync(store, dvs[1], default)).ToArray());
        Assert.Equal(0, store.WholeReads);
        // The first DV is read with its version byte (offset 1 -> from 0); the second exactly at its offset.
        Assert.Equal([(FileName, 0L, 1 + 4 + dvs[0].SizeInBytes + 4), (FileName, (long)dvs[1].Offset!.Value, 4 + dvs[1].SizeInBytes + 4)], store.RangeReads);
    }

    [Fact]
    public async Task ReadsUnderARandomPrefix()
    {
        var dvs = WriteDvFile("qx", null, s_second);
        Assert.Equal($"qx/{FileName}", dvs[0].RelativePath());
        Assert.Equal(s_second.Cardinality, (await DeletionVectorReader.ReadAsync(_store, dvs[0], default)).Cardinality);
    }

    private async Task<DeletionVectorException> ReadFails(DeletionVectorDescriptor dv, string expected)
    {
        var e = await Assert.ThrowsAsync<DeletionVectorException>(() => DeletionVectorReader.ReadAsync(_store, dv, default));
        Assert.Contains(expected, e.Message);
        Assert.Contains(_store.DisplayRoot, e.Message);
        // Long (inline) ids are shortened in the message.
        Assert.Contains(dv.UniqueId.Length > 80 ? dv.UniqueId[..77] : dv.UniqueId, e.Message);
        Assert.Equal(dv.UniqueId, e.DeletionVectorId);
        Assert.Equal(_store.DisplayRoot, e.TablePath);
        return e;
    }

    [Fact]
    public async Task WrongChecksumIsNamed()
    {
        var dvs = WriteDvFile("", (bytes, offset) => bytes[^1] ^= 0x01, s_first);
        var e = await ReadFails(dvs[0], "checksum mismatch");
        Assert.Contains(FileName, e.Message);
        Assert.Equal(FileName, e.FilePath);
    }

    [Fact]
    public async Task CorruptDataIsCaughtByTheChecksum()
    {
        var dvs = WriteDvFile("", (bytes, offset) => bytes[offset + 4 + 20] ^= 0x40, s_first);
        await ReadFails(dvs[0], "checksum mismatch");
    }

    [Fact]
    public async Task WrongSizeIsNamed()
    {
        var dvs = WriteDvFile("", null, s_first, s_second);
        await ReadFails(dvs[0] with { SizeInBytes = dvs[0].SizeInBytes - 2 }, "size mismatch");
        await ReadFails(dvs[0] with { SizeInBytes = dvs[0].SizeInBytes + 2 }, "size mismatch");
        // The size prefix itself corrupted.
        var corrupted = WriteDvFile("", (bytes, offset) => bytes[offset + 3] ^= 0x08, s_first);
        await ReadFails(corrupted[0], "size mismatch");
    }

    [Fact]
    public async Task WrongCardinalityIsNamed()
    {
        var dvs = WriteDvFile("", null, s_first);
        await ReadFails(dvs[0] with { Cardinality = dvs[0].Cardinality + 1 }, "cardinality mismatch");
        await ReadFails(dvs[0] with { Cardinality = 0 }, "cardinality mismatch");
    }

    [Fact]
    public async Task WrongOffsetIsNamed()
    {
        var dvs = WriteDvFile("", null, s_first, s_second);
        // Pointing into the middle of the first DV: the "size" read there is not the descriptor's.
        await ReadFails(dvs[1] with { Offset = 7 }, "size mismatch");
        // Past the end of the file.
        await ReadFails(dvs[1] with { Offset = dvs[1].Offset + 1000 }, "the file ends before");
    }

    [Fact]
    public async Task WrongVersionByteIsNamed()
    {
        var dvs = WriteDvFile("", (bytes, offset) => bytes[0] = 2, s_first);
        await ReadFails(dvs[0], "file format version 2");
    }

    [Fact]
    public async Task BadMagicWithAValidChecksumIsNamed()
    {
        var dvs = WriteDvFile("", (bytes, offset) =>
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
            bytes[offset + 4] ^= 0xFF; // first byte of the magic number
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset + 4 + size), Crc32.Compute(bytes.AsSpan(offset + 4, size)));
        }, s_first);
        await ReadFails(dvs[0], "magic number");
    }

    [Fact]
    public async Task MissingFileIsNamedWithItsPath()
    {
        var dv = DeletionVectorDescriptor.OnDisk(Guid.NewGuid(), "zz", 1, 40, 3);
        var e = await ReadFails(dv, "does not exist");
        Assert.Contains(dv.RelativePath(), e.Message);
        Assert.IsType<ObjectNotFoundException>(e.InnerException);
    }

    [Fact]
    public async Task TruncatedFileIsNamed()
    {
        var dvs = WriteDvFile("", null, s_first);
        var full = Path.Combine(_folder.Path, FileName);
        File.WriteAllBytes(full, File.ReadAllBytes(full)[..^3]);
        await ReadFails(dvs[0], "the file ends before");
    }

    [Fact]
    public async Task ImplausibleSizesFailBeforeAllocating()
    {
        var dvs = WriteDvFile("", null, s_first);
        // 2 GB would be allocated if the size were trusted: the file length is checked first.
        await ReadFails(dvs[0] with { SizeInBytes = int.MaxValue }, "too large");
        await ReadFails(dvs[0] with { SizeInBytes = int.MaxValue - 100 }, "the file has");
        await ReadFails(dvs[0] with { SizeInBytes = 1_500_000_000 }, "the file has");
        await ReadFails(dvs[0] with { SizeInBytes = 3 }, "below the 12-byte minimum");
        await ReadFails(dvs[0] with { Offset = -4 }, "negative");
        await ReadFails(dvs[0] with { Cardinality = -1 }, "negative");
    }

    [Fact]
    public async Task InlineDvsRoundTrip()
    {
        foreach (var bitmap in new[] { s_first, s_second, RoaringBitmapArray.Empty, RoaringBitmapArray.FromValues([7]) })
        {
            var dv = DeletionVectorDescriptor.Inline(bitmap);
            Assert.Null(dv.Offset);
            Assert.Equal(bitmap.ToArray(), (await DeletionVectorReader.ReadAsync(_store, dv, default)).ToArray());
        }
        // An odd size (not a multiple of 4): Z85 padding is dropped.
        var odd = DeletionVectorDescriptor.Inline(RoaringBitmapArray.FromValues([1, 2, 3]));
        Assert.NotEqual(0, odd.SizeInBytes % 4);
        Assert.Equal(new long[] { 1, 2, 3 }, (await DeletionVectorReader.ReadAsync(_store, odd, default)).ToArray());
    }

    [Fact]
    public async Task TheProtocolsInlineExampleReads()
    {
        var dv = new DeletionVectorDescriptor("i", "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", null, 40, 6);
        Assert.Equal(new long[] { 3, 4, 7, 11, 18, 29 }, (await DeletionVectorReader.ReadAsync(_store, dv, default)).ToArray());
    }

    [Fact]
    public async Task BadInlineDvsAreNamed()
    {
        var dv = DeletionVectorDescriptor.Inline(s_first);
        await ReadFails(dv with { Cardinality = 99 }, "cardinality mismatch");
        await ReadFails(dv with { PathOrInlineDv = " " + dv.PathOrInlineDv[1..] }, "not valid Z85");
        await ReadFails(dv with { SizeInBytes = dv.SizeInBytes + 8 }, "not valid Z85");
        await ReadFails(dv with { PathOrInlineDv = "00000" + dv.PathOrInlineDv[5..] }, "magic number");
    }

    [Fact]
    public async Task AbsolutePathsUnderTheTableAreRead()
    {
        var dvs = WriteDvFile("", null, s_first);
        var full = Path.Combine(_folder.Path, FileName);
        var asUri = dvs[0] with { StorageType = "p", PathOrInlineDv = new Uri(full).AbsoluteUri };
        Assert.Equal(s_first.ToArray(), (await DeletionVectorReader.ReadAsync(_store, asUri, default)).ToArray());
        var asPath = dvs[0] with { StorageType = "p", PathOrInlineDv = full };
        Assert.Equal(s_first.ToArray(), (await DeletionVectorReader.ReadAsync(_store, asPath, default)).ToArray());
        var elsewhere = dvs[0] with { StorageType = "p", PathOrInlineDv = "s3://bucket/other/" + FileName };
        await ReadFails(elsewhere, "outside the table root");
        // ReadFileAsync reads one from any store and path.
        Assert.Equal(s_first.Cardinality, (await DeletionVectorReader.ReadFileAsync(_store, FileName, elsewhere, default)).Cardinality);
    }

    [Fact]
    public async Task UnknownStorageTypeIsNamed() =>
        await ReadFails(new DeletionVectorDescriptor("z", "abc", 1, 40, 1), "unknown storage type 'z'");

    [Fact]
    public async Task BadUuidPathIsNamed() =>
        await ReadFails(new DeletionVectorDescriptor("u", "short", 1, 40, 1), "shorter than");
}
