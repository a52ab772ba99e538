using DeltaLite.Expressions;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Azure.Tests;

/// <summary>Rows and scenarios shared by the Delta-on-Azurite tests (and by whoever adds merge, vacuum, ingest runs).</summary>
public static class DeltaScenario
{
    public static readonly Parquet.Schema Schema = new(
        new Field("id", DataType.Int64, false),
        new Field("name", DataType.String),
        new Field("region", DataType.String));

    public static string Region(long id) => (id % 3) switch { 0 => "eu", 1 => "us", _ => "apac" };

    public static RecordBatch Batch(IEnumerable<long> ids, string tag = "n")
    {
        var list = ids.ToList();
        var id = ColumnBuilder.Create(DataType.Int64);
        var name = ColumnBuilder.Create(DataType.String);
        var region = ColumnBuilder.Create(DataType.String);
        foreach (var i in list)
        {
            id.Append(i);
            name.Append($"{tag}{i}");
            region.Append(Region(i));
        }
        return new RecordBatch(Schema, [id.Build(), name.Build(), region.Build()], list.Count);
    }

    /// <summary>The rows of a version as "id|name|region", sorted.</summary>
    public static async Task<List<string>> RowsAsync(DeltaTable table, long? version = null)
    {
        var snapshot = await table.GetSnapshotAsync(version);
        var rows = new List<string>();
        await foreach (var batch in snapshot.ReadAsync(["id", "name", "region"]))
            for (int r = 0; r < batch.RowCount; r++)
                rows.Add($"{batch.Columns[0].GetValue(r)}|{batch.Columns[1].GetValue(r)}|{batch.Columns[2].GetValue(r)}");
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>
    /// Create (partitioned by region, checkpoint every 10), 12 appends, a delete, a replaceWhere overwrite and a full
    /// overwrite; returns the rows of every version.
    /// </summary>
    public static async Task<List<List<string>>> RunAsync(DeltaTable table)
    {
        await table.CreateAsync(Schema, new CreateTableOptions
        {
            PartitionColumns = ["region"],
            Properties = new Dictionary<string, string> { ["delta.checkpointInterval"] = "10" },
        });
        for (int i = 1; i <= 12; i++)
        {
            var result = await table.AppendAsync([Batch(Enumerable.Range(i * 100, 10).Select(x => (long)x))]);
            Assert.Equal(i, result.Version);
            Assert.Equal(i == 10, result.CheckpointWritten);
        }
        Assert.Equal(13, (await table.DeleteAsync(PredicateParser.Parse("id < 150 OR id = 1203"))).Version);
        Assert.Equal(14, (await table.OverwriteAsync([Batch([3000, 3003, 3006], "eu-")], PredicateParser.Parse("region = 'eu'"))).Version);
        Assert.Equal(15, (await table.OverwriteAsync([Batch(Enumerable.Range(5000, 7).Select(x => (long)x), "all-")])).Version);
        var versions = new List<List<string>>();
        for (long v = 0; v <= 15; v++) versions.Add(await RowsAsync(table, v));
        return versions;
    }
}

/// <summary>Tables on Azurite through the public API (DeltaTable.OpenAsync on Azure locations), compared with the same run on a local folder.</summary>
public sealed class DeltaOnAzuriteTests : IAsyncLifetime
{
    private TestContainer _container = null!;
    private string _localRoot = null!;

    static DeltaOnAzuriteTests() => AzureStorage.Register();

    public async Task InitializeAsync()
    {
        _container = await Azurite.NewContainerAsync();
        _localRoot = Path.Combine(Path.GetTempPath(), "deltalite-azure-local-" + Guid.NewGuid().ToString("N"));
    }

    public async Task DisposeAsync()
    {
        await _container.DisposeAsync();
        if (Directory.Exists(_localRoot)) Directory.Delete(_localRoot, true);
    }

    [Fact]
    public async Task Table_lifecycle_on_azurite_matches_the_local_run()
    {
        List<List<string>> local;
        await using (var t = await DeltaTable.OpenAsync(_localRoot)) local = await DeltaScenario.RunAsync(t);

        string location = _container.Location("lake/loans");
        List<List<string>> azure;
        await using (var t = await DeltaTable.OpenAsync(location, Azurite.KeyOptions()))
        {
            Assert.IsType<AzureBlobObjectStore>(t.Store);
            azure = await DeltaScenario.RunAsync(t);
            var log = new List<string>();
            await foreach (var i in t.Store.ListAsync("_delta_log/")) log.Add(i.Path);
            Assert.Contains("_delta_log/00000000000000000010.checkpoint.parquet", log);
            Assert.Contains("_delta_log/_last_checkpoint", log);
            Assert.Equal(16, log.Count(p => p.EndsWith(".json", StringComparison.Ordinal)));
            Assert.Equal(15, await t.GetLatestVersionAsync());
            // Time travel by timestamp lands on the commit made at that time.
            var times = await t.CommitTimesAsync();
            Assert.Equal(5, await t.GetVersionAtAsync(times[5].Timestamp));
            Assert.Equal(5, (await t.GetSnapshotAsOfAsync(times[5].Timestamp)).Version);
        }
        Assert.Equal(local.Count, azure.Count);
        for (int v = 0; v < local.Count; v++) Assert.Equal(local[v], azure[v]);
        Assert.Equal(120, local[12].Count);
        Assert.Empty(local[0]);

        // Read back with the other credentials and location forms.
        await using (var t = await DeltaTable.OpenAsync(location, Azurite.SasOptions("rl")))
            Assert.Equal(local[15], await DeltaScenario.RowsAsync(t));
        await using (var t = await DeltaTable.OpenAsync(location, Azurite.ConnectionStringOptions()))
            Assert.Equal(local[11], await DeltaScenario.RowsAsync(t, 11));
        await using (var t = await DeltaTable.OpenAsync($"az://{_container.Name}/lake/loans", Azurite.ConnectionStringOptions()))
            Assert.Equal(local[3], await DeltaScenario.RowsAsync(t, 3));
        // The history reads back too.
        await using (var t = await DeltaTable.OpenAsync(location, Azurite.KeyOptions()))
        {
            var history = new List<long>();
            await foreach (var c in t.HistoryAsync()) history.Add(c.Version);
            Assert.Equal(Enumerable.Range(0, 16).Reverse().Select(v => (long)v), history);
        }
    }

    [Fact]
    public async Task Tables_written_with_a_sas_read_back_with_a_key()
    {
        string location = _container.Location("sas-table");
        await using (var t = await DeltaTable.OpenAsync(location, Azurite.SasOptions()))
        {
            await t.CreateAsync(DeltaScenario.Schema, new CreateTableOptions { PartitionColumns = ["region"] });
            await t.AppendAsync([DeltaScenario.Batch([1, 2, 3, 4])]);
        }
        await using var k = await DeltaTable.OpenAsync(location, Azurite.KeyOptions());
        Assert.Equal(["1|n1|us", "2|n2|apac", "3|n3|eu", "4|n4|us"], await DeltaScenario.RowsAsync(k));
    }

    [Fact]
    public async Task Eight_concurrent_writers_all_land_once_with_contiguous_versions()
    {
        string location = _container.Location("concurrent");
        await using (var t = await DeltaTable.OpenAsync(location, Azurite.KeyOptions()))
            await t.CreateAsync(DeltaScenario.Schema);
        using var start = new ManualResetEventSlim(false);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            await using var table = await DeltaTable.OpenAsync(location, Azurite.KeyOptions());
            var batch = DeltaScenario.Batch(Enumerable.Range(w * 1000, 5).Select(x => (long)x), $"w{w}-");
            start.Wait();
            return await table.AppendAsync([batch]);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(writers);
        Assert.Equal(Enumerable.Range(1, 8).Select(v => (long)v), results.Select(r => r.Version).Order());
        Assert.Contains(results, r => r.Attempts > 1);

        await using var check = await DeltaTable.OpenAsync(location, Azurite.KeyOptions());
        Assert.Equal(8, await check.GetLatestVersionAsync());
        var commits = new List<string>();
        await foreach (var i in check.Store.ListAsync("_delta_log/"))
            if (i.Path.EndsWith(".json", StringComparison.Ordinal)) commits.Add(i.Path);
        Assert.Equal(Enumerable.Range(0, 9).Select(v => $"_delta_log/{v:D20}.json"), commits);
        var rows = await DeltaScenario.RowsAsync(check);
        Assert.Equal(40, rows.Count);
        Assert.Equal(40, rows.Distinct().Count());
        for (int w = 0; w < 8; w++) Assert.Equal(5, rows.Count(r => r.Contains($"|w{w}-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Delta_survives_a_flaky_network()
    {
        await using var proxy = new FaultProxy(Azurite.Port);
        int n = 0, commits = 0;
        proxy.Plan = r =>
        {
            // Every other commit loses its response; other requests meet 503s, resets and truncated bodies.
            if (r.IsConditionalPut) return Interlocked.Increment(ref commits) % 2 == 0 ? new Fault.ForwardThenReset() : Fault.None;
            return (Interlocked.Increment(ref n) % 7) switch
            {
                0 => new Fault.Busy(),
                3 => new Fault.Reset(),
                5 => r.Method == "GET" ? new Fault.Truncate() : Fault.None,
                _ => Fault.None,
            };
        };
        var options = new Dictionary<string, string> { ["account_key"] = Azurite.Key, ["retry_delay_ms"] = "10", ["max_retry_delay_ms"] = "100", ["max_retries"] = "8" };
        string location = $"{proxy.BlobEndpoint}/{_container.Name}/flaky";
        await using (var t = await DeltaTable.OpenAsync(location, options))
        {
            await t.CreateAsync(DeltaScenario.Schema, new CreateTableOptions { PartitionColumns = ["region"] });
            for (int i = 0; i < 5; i++)
            {
                var result = await t.AppendAsync([DeltaScenario.Batch(Enumerable.Range(i * 10, 10).Select(x => (long)x))]);
                Assert.Equal(i + 1, result.Version);
            }
            Assert.Equal(50, (await DeltaScenario.RowsAsync(t)).Count);
        }
        Assert.Contains(proxy.Requests, r => r.Fault is Fault.ForwardThenReset);
        Assert.Contains(proxy.Requests, r => r.Fault is Fault.Truncate);
        await using var direct = await DeltaTable.OpenAsync(_container.Location("flaky"), Azurite.KeyOptions());
        Assert.Equal(5, await direct.GetLatestVersionAsync());
        Assert.Equal(50, (await DeltaScenario.RowsAsync(direct)).Count);
    }
}
