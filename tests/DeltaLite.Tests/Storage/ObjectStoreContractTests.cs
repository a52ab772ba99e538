using System.Security.Cryptography;
using System.Text;
using DeltaLite.Storage;

namespace DeltaLite.Tests.Storage;

/// <summary>
/// The <see cref="IObjectStore"/> contract, written once: derive, return a fresh empty store from
/// <see cref="CreateStoreAsync"/>, and every test here runs against that implementation (local folders, Azure Blob
/// Storage through Azurite with each kind of credential, ...). xunit makes a new instance per test, so each test
/// gets its own store.
/// </summary>
public abstract class ObjectStoreContractTests : IAsyncLifetime
{
    private IObjectStore? _store;

    protected IObjectStore Store => _store ?? throw new InvalidOperationException("The store was not created.");

    /// <summary>A new, empty store for one test.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    /// <summary>Removes what the test left (the store is disposed after this).</summary>
    protected virtual Task DestroyStoreAsync(IObjectStore store) => Task.CompletedTask;

    /// <summary>Objects in the large-listing test: more than one page of the largest list responses (5,000).</summary>
    protected virtual int LargeListingCount => 5_050;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is null) return;
        try
        {
            await DestroyStoreAsync(_store);
        }
        finally
        {
            await _store.DisposeAsync();
        }
    }

    protected static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    protected static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private async Task<List<string>> ListPaths(string prefix, string? startAfter = null)
    {
        var paths = new List<string>();
        await foreach (var info in Store.ListAsync(prefix, startAfter)) paths.Add(info.Path);
        return paths;
    }

    [Fact]
    public async Task Write_then_read_whole_and_info()
    {
        var data = RandomBytes(10_000, 1);
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Store.WriteAsync("dir/obj.bin", data);
        Assert.Equal(data, await Store.ReadAllAsync("dir/obj.bin"));
        var info = await Store.GetInfoAsync("dir/obj.bin");
        Assert.NotNull(info);
        Assert.Equal("dir/obj.bin", info.Path);
        Assert.Equal(10_000, info.Size);
        Assert.InRange(info.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(5));
        await using var stream = await Store.OpenReadAsync("dir/obj.bin");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task Empty_objects_exist()
    {
        await Store.WriteAsync("empty", ReadOnlyMemory<byte>.Empty);
        Assert.Empty(await Store.ReadAllAsync("empty"));
        Assert.Equal(0, (await Store.GetInfoAsync("empty"))!.Size);
        Assert.Equal(["empty"], await ListPaths(""));
    }

    [Fact]
    public async Task Write_replaces_the_whole_object()
    {
        await Store.WriteAsync("x.json", RandomBytes(5000, 2));
        var second = Bytes("short");
        await Store.WriteAsync("x.json", second);
        Assert.Equal(second, await Store.ReadAllAsync("x.json"));
        Assert.Equal(5, (await Store.GetInfoAsync("x.json"))!.Size);
    }

    [Fact]
    public async Task Missing_objects_are_not_found_and_errors_name_the_path()
    {
        Assert.Null(await Store.GetInfoAsync("no/such.json"));
        var e1 = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadAllAsync("no/such.json"));
        Assert.Contains("no/such.json", e1.Message);
        Assert.Equal("no/such.json", e1.ObjectPath);
        var e2 = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadRangeAsync("no/such.json", 0, new byte[4]));
        Assert.Contains("no/such.json", e2.Message);
        var e3 = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync("no/such.json"));
        Assert.Contains("no/such.json", e3.Message);
        Assert.Empty(await ListPaths("no/"));
    }

    [Fact]
    public async Task Delete_is_idempotent()
    {
        await Store.WriteAsync("a/b.txt", Bytes("x"));
        await Store.DeleteAsync("a/b.txt");
        Assert.Null(await Store.GetInfoAsync("a/b.txt"));
        await Store.DeleteAsync("a/b.txt");
        await Store.DeleteAsync("never/was.txt");
        Assert.Empty(await ListPaths(""));
    }

    [Fact]
    public async Task Listing_is_ordinal_with_prefix_and_start_after()
    {
        string[] names =
        [
            "_delta_log/00000000000000000010.json", "_delta_log/00000000000000000002.json", "_delta_log/00000000000000000010.checkpoint.parquet",
            "_delta_log/_last_checkpoint", "a/b", "a/c/d", "a.b", "a0", "ab", "b", "B", "part=1/x.parquet", "part=10/x.parquet", "part=2/x.parquet",
        ];
        foreach (var n in names.Reverse()) await Store.WriteAsync(n, Bytes(n));
        var all = await ListPaths("");
        Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), all);
        Assert.Equal(["a/b", "a/c/d"], await ListPaths("a/"));
        Assert.Equal(["a.b", "a/b", "a/c/d", "a0", "ab"], await ListPaths("a"));
        Assert.Equal(
            ["_delta_log/00000000000000000010.checkpoint.parquet", "_delta_log/00000000000000000010.json", "_delta_log/_last_checkpoint"],
            await ListPaths("_delta_log/", "_delta_log/00000000000000000002.json"));
        Assert.Equal(["_delta_log/00000000000000000010.json", "_delta_log/_last_checkpoint"],
            await ListPaths("_delta_log/", "_delta_log/00000000000000000010.checkpoint.parquet"));
        Assert.Empty(await ListPaths("_delta_log/", "_delta_log/_last_checkpoint"));
        Assert.Equal(["part=1/x.parquet", "part=10/x.parquet", "part=2/x.parquet"], await ListPaths("part="));
        Assert.Empty(await ListPaths("zzz"));
        var sizes = new Dictionary<string, long>();
        await foreach (var info in Store.ListAsync("a/")) sizes[info.Path] = info.Size;
        Assert.Equal(3, sizes["a/b"]);
        Assert.Equal(5, sizes["a/c/d"]);
    }

    [Fact]
    public async Task Listing_many_objects_crosses_pages_in_order()
    {
        int n = LargeListingCount;
        var names = Enumerable.Range(0, n).Select(i => $"many/{i:D6}.json").ToArray();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, ct) => await Store.WriteAsync(name, Bytes(name), ct));
        await Store.WriteAsync("other/x", Bytes("x"));
        var listed = await ListPaths("many/");
        Assert.Equal(n, listed.Count);
        Assert.Equal(names, listed);
        var tail = await ListPaths("many/", names[n - 7]);
        Assert.Equal(names[^6..], tail);
        var fromMiddle = await ListPaths("many/", names[4_990]);
        Assert.Equal(names[4_991..], fromMiddle);
        Assert.Equal(n + 1, (await ListPaths("")).Count);
    }

    [Fact]
    public async Task Ranged_reads_return_exact_bytes_and_fail_past_the_end()
    {
        var data = RandomBytes(100_000, 3);
        await Store.WriteAsync("r.bin", data);
        var buffer = new byte[1000];
        await Store.ReadRangeAsync("r.bin", 12_345, buffer);
        Assert.Equal(data.AsSpan(12_345, 1000).ToArray(), buffer);
        await Store.ReadRangeAsync("r.bin", 0, buffer);
        Assert.Equal(data.AsSpan(0, 1000).ToArray(), buffer);
        await Store.ReadRangeAsync("r.bin", 99_000, buffer);
        Assert.Equal(data.AsSpan(99_000, 1000).ToArray(), buffer);
        var whole = new byte[100_000];
        await Store.ReadRangeAsync("r.bin", 0, whole);
        Assert.Equal(data, whole);
        await Store.ReadRangeAsync("r.bin", 500, Memory<byte>.Empty);
        var e = await Assert.ThrowsAsync<EndOfStreamException>(() => Store.ReadRangeAsync("r.bin", 99_500, new byte[1000]));
        Assert.Contains("r.bin", e.Message);
        await Assert.ThrowsAsync<EndOfStreamException>(() => Store.ReadRangeAsync("r.bin", 100_000, new byte[1]));
        await Assert.ThrowsAsync<EndOfStreamException>(() => Store.ReadRangeAsync("r.bin", 250_000, new byte[10]));
    }

    [Fact]
    public async Task Write_if_absent_refuses_an_existing_object()
    {
        await Store.WriteIfAbsentAsync("_delta_log/00000000000000000000.json", Bytes("first"));
        var e = await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => Store.WriteIfAbsentAsync("_delta_log/00000000000000000000.json", Bytes("second")));
        Assert.Contains("00000000000000000000.json", e.Message);
        Assert.Equal(Bytes("first"), await Store.ReadAllAsync("_delta_log/00000000000000000000.json"));
        await Store.WriteAsync("plain", Bytes("p"));
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => Store.WriteIfAbsentAsync("plain", Bytes("q")));
    }

    [Fact]
    public async Task Write_if_absent_race_has_exactly_one_winner()
    {
        const int writers = 16;
        using var start = new ManualResetEventSlim(false);
        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await Store.WriteIfAbsentAsync("_delta_log/00000000000000000001.json", Bytes($"writer {i}"));
                return i;
            }
            catch (ObjectAlreadyExistsException)
            {
                return -1;
            }
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);
        var winners = results.Where(r => r >= 0).ToList();
        Assert.Single(winners);
        Assert.Equal(Bytes($"writer {winners[0]}"), await Store.ReadAllAsync("_delta_log/00000000000000000001.json"));
    }

    [Fact]
    public async Task Stream_of_20_MiB_is_published_only_on_complete()
    {
        var data = RandomBytes(20 << 20, 4);
        await using (var stream = await Store.CreateAsync("big/part-0.parquet"))
        {
            // Odd-sized pieces, so block boundaries fall inside writes.
            int offset = 0, piece = 0;
            while (offset < data.Length)
            {
                int n = Math.Min(data.Length - offset, piece++ % 3 == 0 ? 1_000_003 : 77_777);
                if (piece % 2 == 0) stream.Write(data, offset, n);
                else await stream.WriteAsync(data.AsMemory(offset, n));
                offset += n;
            }
            Assert.Null(await Store.GetInfoAsync("big/part-0.parquet"));
            Assert.Empty(await ListPaths("big/"));
            await stream.CompleteAsync();
        }
        var info = await Store.GetInfoAsync("big/part-0.parquet");
        Assert.Equal(data.Length, info!.Size);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await Store.ReadAllAsync("big/part-0.parquet")));
        var tail = new byte[100];
        await Store.ReadRangeAsync("big/part-0.parquet", data.Length - 100, tail);
        Assert.Equal(data.AsSpan(data.Length - 100).ToArray(), tail);
        await using var read = await Store.OpenReadAsync("big/part-0.parquet");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buf = new byte[100_000];
        int got;
        long total = 0;
        while ((got = await read.ReadAsync(buf)) > 0)
        {
            sha.AppendData(buf, 0, got);
            total += got;
        }
        Assert.Equal(data.Length, total);
        Assert.Equal(SHA256.HashData(data), sha.GetHashAndReset());
    }

    [Fact]
    public async Task Small_stream_and_replacing_stream()
    {
        await using (var s = await Store.CreateAsync("s.json"))
        {
            await s.WriteAsync(Bytes("{\"a\":1}"));
            await s.CompleteAsync();
        }
        Assert.Equal(Bytes("{\"a\":1}"), await Store.ReadAllAsync("s.json"));
        await using (var s = await Store.CreateAsync("s.json"))
        {
            s.Write(Bytes("{}"));
            await s.CompleteAsync();
        }
        Assert.Equal(Bytes("{}"), await Store.ReadAllAsync("s.json"));
        await using (var s = await Store.CreateAsync("e.bin")) await s.CompleteAsync();
        Assert.Equal(0, (await Store.GetInfoAsync("e.bin"))!.Size);
    }

    [Fact]
    public async Task Abandoned_stream_leaves_nothing()
    {
        var data = RandomBytes(9 << 20, 5);
        await using (var s = await Store.CreateAsync("gone/part.parquet"))
        {
            await s.WriteAsync(data);
        }
        using (var s = await Store.CreateAsync("gone/small.json"))
        {
            s.Write(Bytes("abc"));
        }
        Assert.Null(await Store.GetInfoAsync("gone/part.parquet"));
        Assert.Null(await Store.GetInfoAsync("gone/small.json"));
        Assert.Empty(await ListPaths(""));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadAllAsync("gone/part.parquet"));
        // An abandoned stream does not disturb an object of the same name.
        await Store.WriteAsync("gone/part.parquet", Bytes("kept"));
        await using (var s = await Store.CreateAsync("gone/part.parquet")) await s.WriteAsync(data);
        Assert.Equal(Bytes("kept"), await Store.ReadAllAsync("gone/part.parquet"));
    }

    public static TheoryData<string> HostileNames => new()
    {
        "with space/a b.json",
        "unicode/ünïcødé-日本語-😀.txt",
        "percent/100%25 and 100%.txt",
        "equals/key=value/part=a=b.parquet",
        "plus+and&amp;/x+y.bin",
        "quote's/\"q\"[1](2){3}.bin",
        "hash#/q?.bin",
        "region=Z%C3%BCrich/x.parquet",
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Hostile_names_round_trip(string name)
    {
        var data = Bytes("payload of " + name);
        await Store.WriteAsync(name, data);
        Assert.Equal(data, await Store.ReadAllAsync(name));
        Assert.Equal(data.Length, (await Store.GetInfoAsync(name))!.Size);
        var buffer = new byte[7];
        await Store.ReadRangeAsync(name, 3, buffer);
        Assert.Equal(data.AsSpan(3, 7).ToArray(), buffer);
        string folder = name[..(name.IndexOf('/') + 1)];
        Assert.Equal([name], await ListPaths(folder));
        Assert.Equal([name], await ListPaths(""));
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => Store.WriteIfAbsentAsync(name, data));
        await Store.DeleteAsync(name);
        Assert.Null(await Store.GetInfoAsync(name));
        await Store.WriteIfAbsentAsync(name, data);
        Assert.Equal(data, await Store.ReadAllAsync(name));
    }

    [Fact]
    public async Task Paths_that_leave_the_root_are_refused()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.WriteAsync("../x", Bytes("x")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.WriteAsync("a/../../x", Bytes("x")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.WriteAsync("", Bytes("x")));
    }
}
