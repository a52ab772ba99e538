using System.Diagnostics;
using DeltaLite.Ingest.Tests.Support;
using Xunit.Abstractions;

namespace DeltaLite.Ingest.Tests;

/// <summary>
/// The sources and clean runs the crash tests compare against: loans of 2020 (a SQLite file) and the same database
/// after 2021 (new loans plus updates of 2020 loans), and for each mode the table a single clean worker run makes
/// from them (version 0 from 2020, version 1 after 2021), with how long each clean run took.
/// </summary>
public sealed class CrashFixture : IAsyncLifetime
{
    public const int Loans2020 = 60_000, Loans2021 = 20_000;

    internal TempDir Dir { get; } = new();

    public string Source2020 => Dir.Sqlite("src-2020.db");

    public string Source2021 => Dir.Sqlite("src-2021.db");

    internal Dictionary<(IngestMode Mode, int Stage), (TableDigest Digest, TimeSpan Duration, string Folder)> Clean { get; } = [];

    public async Task InitializeAsync()
    {
        string work = Dir.Sqlite("work.db");
        await Loans.SqliteAsync(work, 2020, Loans2020);
        File.Copy(Dir["work.db"], Dir["src-2020.db"]);
        long updated = (await Loans.SqliteAsync(work, 2021, Loans2021)).Updated;
        File.Move(Dir["work.db"], Dir["src-2021.db"]);
        foreach (var mode in new[] { IngestMode.Merge, IngestMode.Append })
        {
            string target = Dir[$"clean-{mode}"];
            for (int stage = 0; stage < 2; stage++)
            {
                var clock = Stopwatch.StartNew();
                using (var worker = WorkerProcess.Start(Job(mode, stage, target), Dir[$"clean-{mode}-{stage}.json"]))
                {
                    var result = await worker.WaitAsync(TimeSpan.FromMinutes(3));
                    Assert.Equal(IngestOutcome.Committed, result.Outcome);
                    Assert.Equal(stage, result.Version);
                }
                var duration = clock.Elapsed;
                string snapshotFolder = Dir[$"clean-{mode}-v{stage}"];
                CopyFolder(target, snapshotFolder);
                Clean[(mode, stage)] = (await TableDigest.ReadAsync(snapshotFolder, Keys(mode)), duration, snapshotFolder);
            }
        }
        // The clean runs themselves: merge keeps one row per loan; append keeps every version of a loan exactly once.
        Assert.Equal(Loans2020, Clean[(IngestMode.Merge, 0)].Digest.Rows);
        Assert.Equal(Loans2020 + Loans2021, Clean[(IngestMode.Merge, 1)].Digest.Rows);
        Assert.Equal(Loans2020, Clean[(IngestMode.Append, 0)].Digest.Rows);
        Assert.Equal(Loans2020 + Loans2021 + updated, Clean[(IngestMode.Append, 1)].Digest.Rows);
    }

    public static string[] Keys(IngestMode mode) => mode == IngestMode.Merge ? ["id"] : ["id", "updated_at"];

    /// <summary>Stage 0 creates the table from the 2020 source; stage 1 loads the 2021 source into it.</summary>
    public IngestJob Job(IngestMode mode, int stage, string target) => new()
    {
        Source = SourceKind.Sqlite,
        Connection = stage == 0 ? Source2020 : Source2021,
        Table = "loans",
        SourceId = "loans",
        WatermarkColumn = "updated_at",
        Mode = mode,
        KeyColumns = mode == IngestMode.Merge ? ["id"] : [],
        Target = target,
        BatchSize = 4096,
        TableProperties = new Dictionary<string, string> { ["delta.targetFileSize"] = (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    public static void CopyFolder(string from, string to)
    {
        if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(f, dest);
        }
    }

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Crash: a separate worker process runs the ingestion and is SIGKILLed at seeded random points of its run (several
/// times in a row), then the job is run again to completion. The table must equal a single clean run's: same rows,
/// no duplicate keys, none missing, and only the versions a clean run makes, each readable. Merge mode (keys) and
/// append mode (exactly once: the row count equals the source's), for the first load (creating the table) and an
/// incremental load (merge rewrites files; append adds them). 15 kill points in the normal suite; set
/// DELTALITE_LONG_TESTS=1 for 60.
/// </summary>
public sealed class CrashTests(CrashFixture fixture, ITestOutputHelper output) : IClassFixture<CrashFixture>
{
    private static bool Long => Environment.GetEnvironmentVariable("DELTALITE_LONG_TESTS") == "1";

    [Fact]
    public async Task KilledRunsLeaveTheTableAsASingleCleanRunWouldAfterARerun()
    {
        int killPoints = Long ? 60 : 15;
        const int killsPerScenario = 3;
        var random = new Random(20240501);
        var kinds = new[] { (IngestMode.Merge, 0), (IngestMode.Merge, 1), (IngestMode.Append, 0), (IngestMode.Append, 1) };
        int kills = 0, midRun = 0, scenario = 0;
        while (kills < killPoints)
        {
            var (mode, stage) = kinds[scenario % kinds.Length];
            string target = fixture.Dir[$"crash-{scenario}"];
            if (stage == 1) CrashFixture.CopyFolder(fixture.Clean[(mode, 0)].Folder, target);
            long before = stage - 1; // the version the table is at before the run (-1: no table)
            var job = fixture.Job(mode, stage, target);
            var clean = fixture.Clean[(mode, stage)];
            for (int k = 0; k < killsPerScenario && kills < killPoints; k++, kills++)
            {
                // Seeded kill points. Two of three land on progress: once the worker reports a seeded share of the rows
                // loaded (timing-free, so they fall inside the load however fast the machine is); the third at a seeded
                // time over the whole run, which also reaches start-up, the commit and after it.
                using var worker = WorkerProcess.Start(job, fixture.Dir[$"crash-{scenario}-{k}.json"]);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                if (k % 3 != 2)
                {
                    long rowsToLoad = Math.Max(1, clean.Digest.Rows - (stage == 1 ? fixture.Clean[(mode, 0)].Digest.Rows : 0));
                    long rowsTarget = 1 + (long)(random.NextDouble() * 0.8 * rowsToLoad);
                    while (!worker.HasExited && LoadedRows(worker.StdErr) < rowsTarget && clock.Elapsed < TimeSpan.FromMinutes(2))
                        await Task.Delay(5);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * clean.Duration.TotalMilliseconds));
                }
                var delay = clock.Elapsed;
                bool finished = worker.HasExited;
                worker.Kill();
                string stderr = worker.StdErr;
                bool loading = stderr.Contains("progress loading", StringComparison.Ordinal);
                if (!finished && loading) midRun++;
                output.WriteLine($"scenario {scenario} ({mode}, stage {stage}), kill {k}: after {delay.TotalMilliseconds:F0} ms, {(finished ? "already finished" : loading ? "while loading: " + LastProgress(stderr) : "before loading")}");
                bool committed = await AssertConsistentAsync(target, before, clean.Digest, mode, $"scenario {scenario} after kill {k}");
                if (committed)
                {
                    // Killed after its commit: start the scenario again so that the next kill point lands in a real run.
                    Directory.Delete(target, recursive: true);
                    if (stage == 1) CrashFixture.CopyFolder(fixture.Clean[(mode, 0)].Folder, target);
                }
            }

            var rerun = await IngestRunner.RunAsync(job);
            Assert.True(rerun.Outcome is IngestOutcome.Committed or IngestOutcome.NoNewRows, $"rerun: {rerun.Outcome} {rerun.Message}");
            var final = await TableDigest.ReadAsync(target, CrashFixture.Keys(mode));
            Assert.Equal(before + 1, final.Version);
            final.AssertSameRowsAs(clean.Digest, $"scenario {scenario} ({mode}, stage {stage}) after the rerun");
            await AssertVersionsReadableAsync(target);
            Directory.Delete(target, recursive: true);
            scenario++;
        }
        output.WriteLine($"{kills} kills, {midRun} while the worker was loading rows");
        Assert.True(midRun >= killPoints / 3, $"only {midRun} of {killPoints} kills landed while rows were being loaded; the source is too small for the kill points to mean anything");
    }

    /// <summary>The rows the worker last reported loaded ("progress loading N ..."), or 0.</summary>
    private static long LoadedRows(string stderr)
    {
        var parts = LastProgress(stderr).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && parts[1] == "loading" && long.TryParse(parts[2], out var n) ? n : 0;
    }

    private static string LastProgress(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("progress", StringComparison.Ordinal))?.Trim() ?? "";

    /// <summary>After a kill: the table is as it was before the run, or (killed after the commit) exactly the clean result.</summary>
    private static async Task<bool> AssertConsistentAsync(string target, long before, TableDigest clean, IngestMode mode, string what)
    {
        await using var table = await DeltaTable.OpenAsync(target);
        if (!await table.ExistsAsync())
        {
            Assert.True(before < 0, $"{what}: the table disappeared");
            return false;
        }
        long latest = await table.GetLatestVersionAsync();
        Assert.True(latest == before || latest == before + 1, $"{what}: version {latest}, expected {before} or {before + 1}");
        if (latest == before + 1) (await TableDigest.ReadAsync(target, CrashFixture.Keys(mode))).AssertSameRowsAs(clean, what + " (committed before the kill)");
        await AssertVersionsReadableAsync(target);
        return latest == before + 1;
    }

    private static async Task AssertVersionsReadableAsync(string target)
    {
        await using var table = await DeltaTable.OpenAsync(target);
        long latest = await table.GetLatestVersionAsync();
        for (long v = 0; v <= latest; v++)
        {
            var snapshot = await table.GetSnapshotAsync(v);
            Assert.True(await snapshot.CountRowsAsync() > 0, $"version {v} is empty");
        }
    }
}
