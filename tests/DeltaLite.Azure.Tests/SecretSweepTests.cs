using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Azure.Core;
using Azure.Core.Diagnostics;
using DeltaLite.Storage;

namespace DeltaLite.Azure.Tests;

/// <summary>
/// Drives successes and every kind of failure with each credential while capturing Azure.Core's pipeline log, then
/// asserts that no key, SAS signature or token appears in any exception (message, inner exceptions, stack) or log line,
/// and that the errors say where and what.
/// </summary>
public sealed class SecretSweepTests
{
    private sealed class FakeCredential(string token) : TokenCredential
    {
        public int Calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            Assert.Equal(["https://storage.azure.com/.default"], requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    [Fact]
    public async Task No_secret_reaches_errors_or_logs()
    {
        var logs = new ConcurrentQueue<string>();
        using var listener = new AzureEventSourceListener((e, message) => logs.Enqueue(message), EventLevel.Verbose);
        var errors = new List<Exception>();
        async Task Expect<T>(Func<Task> action, Action<T>? check = null) where T : Exception
        {
            var e = await Assert.ThrowsAnyAsync<T>(action);
            check?.Invoke(e);
            errors.Add(e);
        }

        await using var container = await Azurite.NewContainerAsync();
        string goodSas = Azurite.Sas("rwdlac", TimeSpan.FromHours(1));
        string readOnlySas = Azurite.Sas("rl", TimeSpan.FromHours(1));
        string expiredSas = SharedAccessSignatures.CreateAccountSas(Azurite.Account, Azurite.Key, "rwdlac", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(-10));
        string wrongKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray());
        const string token = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJkZWx0YWxpdGUtdGVzdCJ9.FAKE-signature-value_0123";
        var secrets = new List<string> { Azurite.Key, Uri.EscapeDataString(Azurite.Key), wrongKey, Uri.EscapeDataString(wrongKey), token };
        foreach (var sas in new[] { goodSas, readOnlySas, expiredSas })
        {
            string sig = sas.Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal))[4..];
            secrets.Add(sig);
            secrets.Add(Uri.UnescapeDataString(sig));
        }

        // Successes with each credential (so the log has requests in it).
        foreach (var options in new[] { Azurite.KeyOptions(), new() { ["sas_token"] = goodSas }, Azurite.ConnectionStringOptions() })
        {
            await using var store = container.OpenStore("t", options);
            await store.WriteAsync("ok.json", "{}"u8.ToArray());
            await store.WriteIfAbsentAsync("_delta_log/" + Guid.NewGuid().ToString("N") + ".json", "{}"u8.ToArray());
            Assert.Equal("{}"u8.ToArray(), await store.ReadAllAsync("ok.json"));
            await foreach (var _ in store.ListAsync("")) { }
            await store.DeleteAsync("ok.json");
        }

        // A wrong account key.
        await using (var store = container.OpenStore("t", new Dictionary<string, string> { ["account_key"] = wrongKey }))
        {
            await Expect<AzureStorageException>(() => store.ReadAllAsync("x.json"), e => Assert.Equal(403, e.Status));
            await Expect<AzureStorageException>(() => store.WriteIfAbsentAsync("x.json", new byte[3]), e => Assert.Contains("account key", e.Message));
            await Expect<AzureStorageException>(async () => { await foreach (var _ in store.ListAsync("")) { } });
        }

        // An expired SAS: the message says when it expired.
        await using (var store = container.OpenStore("t", new Dictionary<string, string> { ["sas_token"] = expiredSas }))
        {
            await Expect<AzureStorageException>(() => store.WriteAsync("x.json", new byte[3]), e =>
            {
                Assert.Equal(403, e.Status);
                Assert.Contains("SAS token", e.Message);
                Assert.Contains("expired at", e.Message);
                Assert.Contains($"/{container.Name}/t/x.json' (account 'devstoreaccount1', container '{container.Name}')", e.Message);
            });
        }

        // A read-only SAS used to write: a permission error.
        await using (var store = container.OpenStore("t", new Dictionary<string, string> { ["sas_token"] = readOnlySas }))
        {
            await Expect<AzureStorageException>(() => store.WriteAsync("x.json", new byte[3]), e =>
            {
                Assert.Equal(403, e.Status);
                Assert.Contains("permission", e.Message);
            });
            await Expect<AzureStorageException>(() => store.DeleteAsync("x.json"));
        }

        // A container that does not exist: named, with the fix.
        await using (var store = AzureStorage.Open($"{Azurite.BlobEndpoint}/nosuchcontainer{Guid.NewGuid():N}"[..^10] + "/t", Azurite.ConnectionStringOptions(), useEnvironment: false))
        {
            await Expect<AzureStorageException>(async () => { await foreach (var _ in store.ListAsync("")) { } }, e =>
            {
                Assert.Equal(404, e.Status);
                Assert.Equal("ContainerNotFound", e.ErrorCode);
                Assert.Contains("does not exist in account 'devstoreaccount1'", e.Message);
                Assert.Contains("az storage container create", e.Message);
            });
            await Expect<AzureStorageException>(() => store.WriteAsync("a", new byte[1]), e => Assert.Equal("ContainerNotFound", e.ErrorCode));
            await Expect<ObjectNotFoundException>(() => store.ReadAllAsync("a"), e => Assert.Contains("does not exist", e.Message));
        }

        // Azure AD tokens from any TokenCredential (Azurite does not accept OAuth over http: the request must fail cleanly).
        var credential = new FakeCredential(token);
        await using (var proxy = new FaultProxy(Azurite.Port))
        {
            await using var store = AzureStorage.Open($"{proxy.BlobEndpoint}/{container.Name}/t", new AzureStorageOptions { Credential = credential, MaxRetries = 0 });
            await Expect<AzureStorageException>(() => store.ReadAllAsync("x.json"));
            await Expect<AzureStorageException>(() => store.WriteAsync("x.json", new byte[1]));
            Assert.All(proxy.Seen(), r => Assert.Equal("Bearer " + token, r.Headers["authorization"]));
            Assert.Equal(1, credential.Calls); // cached
        }

        // Nobody listening: network errors with a SAS in play.
        int closedPort;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            closedPort = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
        await using (var store = AzureStorage.Open($"http://127.0.0.1:{closedPort}/devstoreaccount1/c/t", new AzureStorageOptions { SasToken = goodSas, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) }))
        {
            await Expect<AzureStorageException>(() => store.ReadAllAsync("x"), e =>
            {
                Assert.Equal(0, e.Status);
                Assert.Contains("after 2 tries", e.Message);
            });
            await Expect<AzureStorageException>(() => store.WriteIfAbsentAsync("x", new byte[1]));
        }

        // Options and stores print no secrets either.
        var printed = new List<string>
        {
            new AzureStorageOptions { AccountKey = Azurite.Key, SasToken = goodSas, ClientSecret = token, ConnectionString = Azurite.ConnectionString }.ToString(),
            StorageConnectionString.Parse(Azurite.ConnectionString).ToString(),
        };

        Assert.Equal(13, errors.Count);
        if (Environment.GetEnvironmentVariable("DELTALITE_TEST_DUMP_ERRORS") is { Length: > 0 } dump) File.WriteAllLines(dump, errors.Select(e => e.GetType().Name + ": " + e.Message));
        var lines = logs.ToList();
        Assert.Contains(lines, l => l.Contains(container.Name, StringComparison.Ordinal)); // the log did capture our requests
        Assert.Contains(lines, l => l.Contains("REDACTED", StringComparison.Ordinal));
        foreach (var text in errors.Select(e => e.ToString()).Concat(lines).Concat(printed))
        {
            foreach (var secret in secrets) Assert.DoesNotContain(secret, text);
            Assert.DoesNotMatch(@"SharedKey \w+:[A-Za-z0-9+/=]{20,}", text);
            Assert.DoesNotContain("Bearer ey", text);
        }
    }
}
