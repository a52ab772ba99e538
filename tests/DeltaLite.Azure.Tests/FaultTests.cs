using System.Diagnostics;
using DeltaLite.Storage;

namespace DeltaLite.Azure.Tests;

/// <summary>Transient failures between the store and Azurite, injected by a loopback proxy.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private TestContainer _container = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _container = await Azurite.NewContainerAsync();
        _proxy = new FaultProxy(Azurite.Port);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _container.DisposeAsync();
    }

    /// <summary>A store on the container, through the proxy, with quick retries.</summary>
    private AzureBlobObjectStore Store(int maxRetries = 4, TimeSpan? timeout = null) =>
        AzureStorage.Open($"{_proxy.BlobEndpoint}/{_container.Name}/root", new AzureStorageOptions
        {
            AccountKey = Azurite.Key,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            NetworkTimeout = timeout ?? TimeSpan.FromSeconds(30),
        });

    /// <summary>The same container, straight to Azurite.</summary>
    private AzureBlobObjectStore Direct() => _container.OpenStore("root", Azurite.KeyOptions());

    /// <summary>Injects <paramref name="fault"/> into the first <paramref name="times"/> requests that match.</summary>
    private void Inject(Func<ProxiedRequest, bool> match, Fault fault, int times)
    {
        int left = times;
        _proxy.Plan = r => match(r) && Interlocked.Decrement(ref left) >= 0 ? fault : Fault.None;
    }

    private static bool Get(ProxiedRequest r) => r.Method == "GET" && !r.Target.Contains("comp=list", StringComparison.Ordinal);

    [Fact]
    public async Task Reads_recover_from_503s()
    {
        var data = ObjectBytes(50_000);
        await using var direct = Direct();
        await direct.WriteAsync("a.bin", data);
        await using var store = Store();
        Inject(Get, new Fault.Busy(), 3);
        Assert.Equal(data, await store.ReadAllAsync("a.bin"));
        Assert.Equal(4, _proxy.Seen(Get).Count);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        await using var direct = Direct();
        await direct.WriteAsync("a.bin", ObjectBytes(10));
        await using var store = Store();
        Inject(Get, new Fault.Busy(RetryAfterSeconds: 2), 1);
        var clock = Stopwatch.StartNew();
        var buffer = new byte[5];
        await store.ReadRangeAsync("a.bin", 2, buffer);
        clock.Stop();
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {clock.Elapsed.TotalMilliseconds:F0} ms; Retry-After said 2 s");
        Assert.Equal(2, _proxy.Seen(Get).Count);
    }

    [Fact]
    public async Task Slow_responses_time_out_and_are_retried()
    {
        await using var direct = Direct();
        await direct.WriteAsync("a.bin", ObjectBytes(1000));
        await using var store = Store(timeout: TimeSpan.FromSeconds(1));
        Inject(r => r.Method == "HEAD", new Fault.Slow(TimeSpan.FromSeconds(4)), 1);
        var clock = Stopwatch.StartNew();
        var info = await store.GetInfoAsync("a.bin");
        Assert.Equal(1000, info!.Size);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"took {clock.Elapsed}");
        Assert.Equal(2, _proxy.Seen(r => r.Method == "HEAD").Count);
    }

    [Fact]
    public async Task Connection_resets_are_retried_for_reads_writes_lists_and_deletes()
    {
        await using var store = Store();
        Inject(r => r.Method == "PUT", new Fault.Reset(), 2);
        await store.WriteAsync("w.bin", ObjectBytes(3000));
        Inject(Get, new Fault.Reset(), 2);
        Assert.Equal(ObjectBytes(3000), await store.ReadAllAsync("w.bin"));
        Inject(r => r.Target.Contains("comp=list", StringComparison.Ordinal), new Fault.Reset(), 2);
        var listed = new List<string>();
        await foreach (var i in store.ListAsync("")) listed.Add(i.Path);
        Assert.Equal(["w.bin"], listed);
        Inject(r => r.Method == "DELETE", new Fault.ForwardThenReset(), 1);
        await store.DeleteAsync("w.bin");
        Assert.Null(await store.GetInfoAsync("w.bin"));
    }

    [Fact]
    public async Task Truncated_bodies_are_resumed()
    {
        var data = ObjectBytes(300_000);
        await using var direct = Direct();
        await direct.WriteAsync("t.bin", data);
        await using var store = Store();
        Inject(Get, new Fault.Truncate(), 2);
        Assert.Equal(data, await store.ReadAllAsync("t.bin"));
        Assert.Equal(3, _proxy.Seen(Get).Count);
        Assert.Equal(2, _proxy.Requests.Count(r => r.Fault is Fault.Truncate));
        Inject(Get, new Fault.Truncate(), 2);
        var range = new byte[100_000];
        await store.ReadRangeAsync("t.bin", 150_000, range);
        Assert.Equal(data.AsSpan(150_000, 100_000).ToArray(), range);
        Inject(r => r.Target.Contains("comp=list", StringComparison.Ordinal), new Fault.Truncate(), 1);
        var listed = new List<string>();
        await foreach (var i in store.ListAsync("")) listed.Add(i.Path);
        Assert.Equal(["t.bin"], listed);
        Inject(Get, new Fault.Truncate(), 3);
        await using var stream = await store.OpenReadAsync("t.bin");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task Persistent_503s_fail_clearly_after_the_retry_budget()
    {
        await using var store = Store(maxRetries: 3);
        _proxy.Plan = _ => new Fault.Busy();
        var e = await Assert.ThrowsAsync<AzureStorageException>(() => store.ReadAllAsync("x/y.json"));
        Assert.Equal(503, e.Status);
        Assert.Equal("ServerBusy", e.ErrorCode);
        Assert.Contains("devstoreaccount1", e.Message);
        Assert.Contains(_container.Name, e.Message);
        Assert.Contains("root/x/y.json", e.Message);
        Assert.Contains("busy", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, _proxy.Seen().Count);
    }

    [Fact]
    public async Task Persistent_resets_fail_clearly_after_the_retry_budget()
    {
        await using var store = Store(maxRetries: 2);
        _proxy.Plan = _ => new Fault.Reset();
        var e = await Assert.ThrowsAsync<AzureStorageException>(() => store.WriteAsync("x.json", ObjectBytes(10)));
        Assert.Equal(0, e.Status);
        Assert.Contains("after 3 tries", e.Message);
        Assert.Contains("root/x.json", e.Message);
        Assert.Equal(3, _proxy.Seen().Count);
    }

    [Fact]
    public async Task Conditional_write_whose_response_was_lost_is_resolved_as_ours()
    {
        await using var store = Store();
        Inject(r => r.IsConditionalPut, new Fault.ForwardThenReset(), 1);
        var data = ObjectBytes(700);
        await store.WriteIfAbsentAsync("_delta_log/00000000000000000005.json", data);
        await using var direct = Direct();
        Assert.Equal(data, await direct.ReadAllAsync("_delta_log/00000000000000000005.json"));
        // One PUT (which landed) and no blind second PUT: the store looked instead.
        Assert.Single(_proxy.Seen(r => r.IsConditionalPut));
        Assert.Contains(_proxy.Seen(), r => r.Method == "HEAD");
        // Someone else's conditional write of the same name now conflicts.
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => direct.WriteIfAbsentAsync("_delta_log/00000000000000000005.json", ObjectBytes(5)));
    }

    [Fact]
    public async Task Conditional_write_that_lost_the_race_while_its_response_was_lost_is_a_conflict()
    {
        await using var direct = Direct();
        await direct.WriteIfAbsentAsync("_delta_log/00000000000000000006.json", ObjectBytes(5));
        await using var store = Store();
        Inject(r => r.IsConditionalPut, new Fault.ForwardThenReset(), 1);
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.WriteIfAbsentAsync("_delta_log/00000000000000000006.json", ObjectBytes(9)));
        Assert.Equal(ObjectBytes(5), await direct.ReadAllAsync("_delta_log/00000000000000000006.json"));
    }

    [Fact]
    public async Task Conditional_write_refused_with_503_is_tried_again_after_looking()
    {
        await using var store = Store();
        Inject(r => r.IsConditionalPut, new Fault.Busy(), 2);
        await store.WriteIfAbsentAsync("_delta_log/00000000000000000007.json", ObjectBytes(42));
        await using var direct = Direct();
        Assert.Equal(ObjectBytes(42), await direct.ReadAllAsync("_delta_log/00000000000000000007.json"));
        Assert.Equal(3, _proxy.Seen(r => r.IsConditionalPut).Count);
        Assert.Equal(2, _proxy.Seen(r => r.Method == "HEAD").Count);
    }

    [Fact]
    public async Task Conditional_write_whose_first_try_landed_late_is_ours_on_the_second()
    {
        // First try: reset before forwarding (nothing lands); the look finds nothing; second try: forwarded, answer lost;
        // third: the service says 412 and the marker shows it is ours.
        await using var store = Store();
        var plan = new Queue<Fault>([new Fault.Reset(), new Fault.ForwardThenReset()]);
        _proxy.Plan = r => r.IsConditionalPut && plan.TryDequeue(out var f) ? f : Fault.None;
        await store.WriteIfAbsentAsync("_delta_log/00000000000000000008.json", ObjectBytes(77));
        await using var direct = Direct();
        Assert.Equal(ObjectBytes(77), await direct.ReadAllAsync("_delta_log/00000000000000000008.json"));
    }

    [Fact]
    public async Task Conditional_write_gives_up_clearly_when_the_service_stays_away()
    {
        await using var store = Store(maxRetries: 2);
        _proxy.Plan = r => r.IsConditionalPut ? new Fault.Reset() : Fault.None;
        var e = await Assert.ThrowsAsync<AzureStorageException>(() => store.WriteIfAbsentAsync("_delta_log/00000000000000000009.json", ObjectBytes(3)));
        Assert.Contains("nothing was written", e.Message);
        Assert.Contains("_delta_log/00000000000000000009.json", e.Message);
        Assert.Equal(3, _proxy.Seen(r => r.IsConditionalPut).Count);
        await using var direct = Direct();
        Assert.Null(await direct.GetInfoAsync("_delta_log/00000000000000000009.json"));
    }

    [Fact]
    public async Task Large_uploads_recover_from_faults_on_blocks()
    {
        await using var store = AzureStorage.Open($"{_proxy.BlobEndpoint}/{_container.Name}/root", new AzureStorageOptions
        {
            AccountKey = Azurite.Key,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            BlockSize = 1 << 20,
            SinglePutThreshold = 1 << 20,
        });
        int n = 0;
        _proxy.Plan = r => r.Target.Contains("comp=block", StringComparison.Ordinal) && Interlocked.Increment(ref n) % 3 == 0
            ? (n % 2 == 0 ? new Fault.Reset() : new Fault.ForwardThenReset()) : Fault.None;
        var data = ObjectBytes(5 << 20);
        await using (var s = await store.CreateAsync("big.bin"))
        {
            await s.WriteAsync(data);
            await s.CompleteAsync();
        }
        await using var direct = Direct();
        Assert.Equal(data, await direct.ReadAllAsync("big.bin"));
    }

    private static byte[] ObjectBytes(int n)
    {
        var data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte)(i * 31 + (i >> 8));
        return data;
    }
}
