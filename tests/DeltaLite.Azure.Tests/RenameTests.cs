using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DeltaLite.Storage;

namespace DeltaLite.Azure.Tests;

/// <summary>RenameAsync: one DFS request where the namespace is hierarchical (checked against a loopback stub, as Azurite has no DFS), else copy and delete.</summary>
public sealed class RenameTests
{
    [Fact]
    public async Task Hierarchical_namespace_renames_with_one_dfs_request()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        using var http = new HttpListener();
        http.Prefixes.Add($"http://127.0.0.1:{port}/");
        http.Start();
        var seen = new ConcurrentQueue<(string Method, string Url, string? Source, string? IfNoneMatch, string? Auth)>();
        var answers = new Queue<(int, string?)>([(201, null), (409, "PathAlreadyExists"), (404, "SourcePathNotFound")]);
        var serving = Task.Run(async () =>
        {
            while (answers.Count > 0)
            {
                var ctx = await http.GetContextAsync();
                seen.Enqueue((ctx.Request.HttpMethod, ctx.Request.RawUrl!, ctx.Request.Headers["x-ms-rename-source"], ctx.Request.Headers["If-None-Match"], ctx.Request.Headers["Authorization"]));
                var (status, code) = answers.Dequeue();
                ctx.Response.StatusCode = status;
                if (code is not null) ctx.Response.Headers["x-ms-error-code"] = code;
                ctx.Response.Close();
            }
        });
        await using var store = AzureStorage.Open("http://127.0.0.1:10000/acct/fs/tables/t", new AzureStorageOptions
        {
            AccountKey = Azurite.Key,
            DfsEndpoint = new Uri($"http://127.0.0.1:{port}/acct"),
            HierarchicalNamespace = true,
            MaxRetries = 0,
        });
        await store.RenameAsync("_delta_log/tmp a.json", "_delta_log/00000000000000000003.json");
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.RenameAsync("x", "y"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.RenameAsync("gone", "z", overwrite: true));
        await serving;
        var requests = seen.ToList();
        Assert.Equal(3, requests.Count);
        Assert.Equal("PUT", requests[0].Method);
        Assert.Equal("/acct/fs/tables/t/_delta_log/00000000000000000003.json?mode=legacy", requests[0].Url);
        Assert.Equal("/fs/tables/t/_delta_log/tmp%20a.json", requests[0].Source);
        Assert.Equal("*", requests[0].IfNoneMatch);
        Assert.StartsWith("SharedKey acct:", requests[0].Auth);
        Assert.Null(requests[2].IfNoneMatch);
    }

    [Fact]
    public async Task Flat_namespace_renames_by_copy_and_delete()
    {
        await using var container = await Azurite.NewContainerAsync();
        await using var store = container.OpenStore("t", Azurite.KeyOptions());
        await store.WriteAsync("a.json", "A"u8.ToArray());
        await store.WriteAsync("b.json", "B"u8.ToArray());
        await store.RenameAsync("a.json", "c.json");
        Assert.Null(await store.GetInfoAsync("a.json"));
        Assert.Equal("A"u8.ToArray(), await store.ReadAllAsync("c.json"));
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.RenameAsync("c.json", "b.json"));
        await store.RenameAsync("c.json", "b.json", overwrite: true);
        Assert.Equal("A"u8.ToArray(), await store.ReadAllAsync("b.json"));
    }
}
