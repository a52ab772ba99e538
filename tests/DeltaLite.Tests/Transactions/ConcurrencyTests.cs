using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Parquet;
using DeltaLite.Parquet.Tests.Peers;
using DeltaLite.Tests.Log;
using DeltaLite.Transactions;
using DeltaLite.Writes;
using Xunit.Abstractions;

namespace DeltaLite.Tests.Transactions;

/// <summary>
/// Writers racing on one table, as threads and as separate processes: every commit lands exactly once, versions
/// are contiguous, no file is lost. And writers that truly conflict get the conflict Delta's rules name.
/// </summary>
public class ConcurrencyTests(ITestOutputHelper output)
{
    private const int Writers = 8;
    private const int CommitsEach = 50;
    private const int RowsPerCommit = 2;

    private static readonly Parquet.Schema WorkerSchema = new(
        new Field("id", DataType.Int64), new Field("worker", DataType.Int32), new Field("seq", DataType.Int32));

    private static async Task<DeltaTable> CreateWorkerTableAsync(string path)
    {
        var table = await DeltaTable.OpenAsync(path);
        await table.CreateAsync(WorkerSchema);
        return table;
    }

    [Fact]
    public async Task EightThreadsAppendingFiftyCommitsEachLandEveryCommitOnce()
    {
        await using var temp = TempTable.Create("threads");
        await using (await CreateWorkerTableAsync(temp.Path)) { }
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            // Each writer opens the table itself, as separate applications would.
            await using var table = await DeltaTable.OpenAsync(temp.Path);
            var versions = new List<long>();
            for (int seq = 0; seq < CommitsEach; seq++)
            {
                var options = new WriteOptions { CommitInfo = new Dictionary<string, JsonNode?> { ["worker"] = w, ["seq"] = seq } };
                var result = await table.AppendAsync([Batch(w, seq)], options);
                versions.Add(result.Version);
            }
            return versions;
        })).ToArray();
        var perWriter = await Task.WhenAll(tasks);
        output.WriteLine($"{Writers} threads x {CommitsEach} commits in {clock.Elapsed.TotalSeconds:0.0} s");
        await CheckTableAsync(temp, perWriter);
    }

    [Fact]
    public async Task EightProcessesAppendingFiftyCommitsEachLandEveryCommitOnce()
    {
        await using var temp = TempTable.Create("processes");
        await using (await CreateWorkerTableAsync(temp.Path)) { }
        string worker = WorkerDll();
        var clock = Stopwatch.StartNew();
        var processes = new List<(Process Process, Task<string> Stdout, Task<string> Stderr)>();
        for (int w = 0; w < Writers; w++)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { worker, temp.Path, CommitsEach.ToString(CultureInfo.InvariantCulture), w.ToString(CultureInfo.InvariantCulture), RowsPerCommit.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            processes.Add((p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync()));
        }
        var perWriter = new List<long>[Writers];
        for (int w = 0; w < Writers; w++)
        {
            var (p, stdout, stderr) = processes[w];
            using (p)
            {
                if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
                {
                    p.Kill(entireProcessTree: true);
                    Assert.Fail($"worker {w} did not finish within 3 minutes");
                }
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"worker {w} exited with {p.ExitCode}: {await stderr}");
                perWriter[w] = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToList();
            }
        }
        output.WriteLine($"{Writers} processes x {CommitsEach} commits in {clock.Elapsed.TotalSeconds:0.0} s");
        await CheckTableAsync(temp, perWriter);
    }

    /// <summary>The worker next to the tests' build output: tests/DeltaLite.TestWorker/bin/&lt;config&gt;/&lt;tfm&gt;/.</summary>
    private static string WorkerDll()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = baseDir.Name, config = baseDir.Parent!.Name;
        string path = Path.Combine(DuckDbPeer.RepositoryRoot(), "tests", "DeltaLite.TestWorker", "bin", config, tfm, "DeltaLite.TestWorker.dll");
        Assert.True(File.Exists(path), $"The test worker is not built: {path} is missing (build the solution or tests/DeltaLite.Tests, which builds it).");
        return path;
    }

    private static RecordBatch Batch(int worker, int seq)
    {
        var ids = ColumnBuilder.Create(DataType.Int64);
        var workers = ColumnBuilder.Create(DataType.Int32);
        var seqs = ColumnBuilder.Create(DataType.Int32);
        for (int r = 0; r < RowsPerCommit; r++)
        {
            ids.Append(((long)worker * 1_000_000) + ((long)seq * 1000) + r);
            workers.Append(worker);
            seqs.Append(seq);
        }
        return new RecordBatch(WorkerSchema, [ids.Build(), workers.Build(), seqs.Build()], RowsPerCommit);
    }

    /// <summary>Versions 1..400 each hold exactly one (worker, seq) commit; every added file is live; every row is there once.</summary>
    private static async Task CheckTableAsync(TempTable temp, IReadOnlyList<List<long>> perWriter)
    {
        int total = Writers * CommitsEach;
        var reported = perWriter.SelectMany(v => v).Order().ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(v => (long)v), reported);
        foreach (var versions in perWriter) Assert.Equal(versions.Order(), versions); // each writer's own commits in order

        await using var table = await DeltaTable.OpenAsync(temp.Path);
        Assert.Equal(total, await table.GetLatestVersionAsync());
        var seen = new HashSet<(int, int)>();
        var added = new HashSet<string>(StringComparer.Ordinal);
        for (long v = 1; v <= total; v++)
        {
            Assert.True(File.Exists(temp.CommitFile(v)), $"commit {v} is missing");
            var actions = ActionSerializer.ParseCommit(File.ReadAllBytes(temp.CommitFile(v)), temp.CommitFile(v));
            var info = actions.OfType<CommitInfoAction>().Single();
            var key = ((int)info.Values["worker"]!, (int)info.Values["seq"]!);
            Assert.True(seen.Add(key), $"commit (worker {key.Item1}, seq {key.Item2}) landed twice (again at version {v})");
            Assert.Equal(true, info.IsBlindAppend);
            var adds = actions.OfType<AddFile>().ToList();
            Assert.Single(adds);
            Assert.True(added.Add(adds[0].Path), $"file {adds[0].Path} added twice");
        }
        Assert.Equal(total, seen.Count);
        Assert.False(File.Exists(temp.CommitFile(total + 1)));

        var snapshot = await table.GetSnapshotAsync();
        Assert.Equal(total, snapshot.Version);
        Assert.Equal(added.Order(StringComparer.Ordinal), snapshot.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        var ids = new HashSet<long>();
        await foreach (var batch in snapshot.ReadAsync(["id"]))
        {
            var v = (PrimitiveVector<long>)batch.Columns[0];
            for (int i = 0; i < batch.RowCount; i++) Assert.True(ids.Add(v[i]), $"row id {v[i]} read twice");
        }
        Assert.Equal(total * RowsPerCommit, ids.Count);
        Assert.Equal(total * RowsPerCommit, await snapshot.CountRowsAsync());
        // No temporary files of the commit protocol are left behind in the log.
        Assert.All(Directory.EnumerateFiles(temp.LogFolder), f => Assert.Matches(@"^(\d{20}\.(json|checkpoint\.parquet)|_last_checkpoint)$", Path.GetFileName(f)));
    }

    [Fact]
    public async Task TwoDeletesOfTheSameFileConflictAsDeleteDelete()
    {
        await using var temp = TempTable.Create("deletedelete");
        await using var table = await temp.CreateTableAsync();
        await table.AppendAsync([TempTable.Rows(0, 4, "north")]);
        var t1 = await table.BeginTransactionAsync("DELETE");
        var t2 = await table.BeginTransactionAsync("DELETE");
        var file = t1.ReadSnapshot!.Files.Single();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        t1.Add(file.ToRemove(now));
        t2.Add(file.ToRemove(now));
        Assert.Equal(2, (await t1.CommitAsync()).Version);
        var e = await Assert.ThrowsAsync<CommitConflictException>(() => t2.CommitAsync());
        Assert.Equal(ConflictKind.ConcurrentDeleteDelete, e.Kind);
        Assert.Equal(2, e.WinningVersion);
        Assert.Contains(file.Path, e.Message);
        Assert.Equal(2, await table.GetLatestVersionAsync());
    }

    [Fact]
    public async Task AMetadataChangeBeatsAConcurrentAppendWithMetadataChanged()
    {
        await using var temp = TempTable.Create("metadata");
        await using var table = await temp.CreateTableAsync();
        var change = await table.BeginTransactionAsync("SET TBLPROPERTIES");
        var append = await table.BeginTransactionAsync("WRITE");
        var md = change.ReadSnapshot!.Metadata;
        change.Add(md with { Configuration = new Dictionary<string, string>(md.Configuration) { ["delta.appendOnly"] = "false" } });
        Assert.Equal(1, (await change.CommitAsync()).Version);
        append.Add(new AddFile("part-x.parquet", new Dictionary<string, string?> { ["region"] = "north" }, 10, 0, true));
        Assert.True(append.IsBlindAppend);
        var e = await Assert.ThrowsAsync<CommitConflictException>(() => append.CommitAsync());
        Assert.Equal(ConflictKind.MetadataChanged, e.Kind);
        Assert.Equal(1, e.WinningVersion);
        Assert.Equal(1, await table.GetLatestVersionAsync());
    }

    [Fact]
    public async Task TwoCommitsWithTheSameApplicationIdConflictAsConcurrentTransaction()
    {
        await using var temp = TempTable.Create("txn");
        await using var table = await temp.CreateTableAsync();
        var t1 = await table.BeginTransactionAsync("WRITE");
        var t2 = await table.BeginTransactionAsync("WRITE");
        t1.Add(new SetTransaction("ingest", 7, 1));
        t2.Add(new SetTransaction("ingest", 7, 2));
        Assert.Equal(1, (await t1.CommitAsync()).Version);
        var e = await Assert.ThrowsAsync<CommitConflictException>(() => t2.CommitAsync());
        Assert.Equal(ConflictKind.ConcurrentTransaction, e.Kind);
        Assert.Contains("ingest", e.Message);
        Assert.Equal(7, (await table.GetSnapshotAsync()).GetTransactionVersion("ingest"));
    }

    [Fact]
    public async Task ABlindAppendFromAStaleSnapshotLandsAfterTheWinner()
    {
        await using var temp = TempTable.Create("blind");
        await using var table = await temp.CreateTableAsync();
        var t1 = await table.BeginTransactionAsync("WRITE");
        var t2 = await table.BeginTransactionAsync("WRITE");
        t1.Add(new AddFile("a.parquet", new Dictionary<string, string?> { ["region"] = "north" }, 10, 0, true));
        t2.Add(new AddFile("b.parquet", new Dictionary<string, string?> { ["region"] = "south" }, 10, 0, true));
        Assert.Equal(1, (await t1.CommitAsync()).Version);
        var second = await t2.CommitAsync();
        Assert.Equal(2, second.Version);
        Assert.Equal(2, second.Attempts);
        Assert.Equal(["a.parquet", "b.parquet"], (await table.GetSnapshotAsync()).Files.Select(f => f.Path));
    }
}
