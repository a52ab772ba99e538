using System.Diagnostics;
using System.Globalization;
using DeltaLite.Reliability.Tests.Support;
using Xunit.Abstractions;

namespace DeltaLite.Reliability.Tests.Crash;

/// <summary>
/// The crash suite: each operation (ingest creating a table, incremental append and merge, optimize, vacuum,
/// checkpoint, restore) runs through the real CLI in a separate process on a local and on an Azurite table, and is
/// SIGKILLed: by itself at every named fault point it passes (src/DeltaLite/Diagnostics/FaultPoints.cs), and by the
/// test at seeded random delays. After each kill: every version a clean run keeps readable reads in full; the latest
/// version holds exactly the rows of the state before the operation or after it; the rerun (in this process) ends
/// with exactly the rows of an uninterrupted run (ingestion: in exactly one new version); then a vacuum with no
/// retention leaves no file the latest version does not reference (no orphan, no temp file) and the table checks
/// healthy. DELTALITE_LONG_TESTS=1 adds more hits of the named steps and many more random delays.
/// </summary>
public abstract class CrashTests(CrashFixture fixture, ITestOutputHelper output, string store)
{
    private static bool Long => Environment.GetEnvironmentVariable("DELTALITE_LONG_TESTS") == "1";

    private static int RandomKills => Long ? 12 : 1;

    public static TheoryData<string> Operations() => new(CrashOperation.All.Select(o => o.Name));

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task KilledOperationLeavesBeforeOrAfterAndARerunFinishesIt(string operation)
    {
        var clock = Stopwatch.StartNew();
        var op = CrashOperation.All.Single(o => o.Name == operation);
        await using var tables = await TableStore.CreateAsync(store, Path.Combine(fixture.Root, "runs", $"{store}-{operation}"));
        int seed = 7919 * (Array.IndexOf(CrashOperation.All, op) + 1) + (store == "local" ? 1 : 2);
        var random = new Random(seed);

        // The state before, and an uninterrupted run of the CLI: the state after, and which old versions it keeps readable.
        TableContent? before = null;
        long baseVersion = -1;
        if (op.Base is not null)
        {
            await using var b = await DeltaTable.OpenAsync(fixture.BaseFolder(op.Base));
            before = await TableContent.ReadAsync(b);
            baseVersion = before.Version;
        }
        var cleanPlace = await PrepareAsync(tables, op, "clean");
        var cleanRun = await KillableCli.RunAsync([.. tables.CliArguments, .. op.Command(fixture, cleanPlace)], tables.CliEnvironment, null, null);
        Assert.True(cleanRun.ExitCode == 0, $"the uninterrupted run failed (exit {cleanRun.ExitCode}):\n{cleanRun.Stderr}");
        TableContent after;
        var keptReadable = new HashSet<long>();
        await using (var t = await cleanPlace.OpenAsync())
        {
            after = await TableContent.ReadAsync(t);
            for (long v = 0; v <= baseVersion; v++)
            {
                try
                {
                    await TableContent.ReadAsync(t, v);
                    keptReadable.Add(v);
                }
                catch (Exception e) when (e is IOException or DeltaLogException or Storage.ObjectNotFoundException)
                {
                    // The operation itself makes this version unreadable (vacuum with no retention).
                }
            }
        }
        var reference = new Reference(before, baseVersion, after, keptReadable);
        output.WriteLine($"{operation} on {store}: uninterrupted run {cleanRun.Elapsed.TotalMilliseconds:F0} ms; before: {before?.Rows.ToString(CultureInfo.InvariantCulture) ?? "no table"} rows at version {baseVersion}; after: {after.Rows} rows at version {after.Version}; old versions still readable after it: {keptReadable.Count} of {baseVersion + 1}");

        // Named points first, then seeded random fractions of a whole run's time. The run's time follows the machine's
        // load, so it is the shortest whole run seen so far (the uninterrupted one, or a random kill that came too late).
        var kills = new List<(string Label, string? Point, double? Fraction)>();
        foreach (var p in op.Points) kills.Add((p, p, null));
        if (Long) foreach (var p in op.LongPoints) kills.Add((p, p, null));
        for (int i = 0; i < RandomKills; i++) kills.Add(("random delay", null, 0.2 + 0.75 * random.NextDouble()));
        var wholeRun = cleanRun.Elapsed;

        int named = 0, randomKilled = 0, finishedFirst = 0, leftBefore = 0, leftAfter = 0, unchanged = 0;
        for (int k = 0; k < kills.Count; k++)
        {
            var (label, point, fraction) = kills[k];
            TimeSpan? delay = fraction is double f ? wholeRun * f : null;
            if (delay is not null) label = $"random delay {delay.Value.TotalMilliseconds:F0} ms";
            var place = await PrepareAsync(tables, op, $"k{k:D3}");
            var run = await KillableCli.RunAsync([.. tables.CliArguments, .. op.Command(fixture, place)], tables.CliEnvironment, point, delay);
            var checkClock = Stopwatch.StartNew();
            string what = $"{operation} on {store}, kill {k} ({label})";
            if (point is not null)
            {
                string name = point.Split(':')[0];
                Assert.True(run.FaultPoint == name,
                    $"{what}: the run never reached the fault point ({run.Describe()}); the operation's list of points is wrong or the step moved.\nstderr:\n{run.Stderr}");
                Assert.Equal(137, run.ExitCode); // 128 + SIGKILL
                named++;
            }
            else if (run.Killed)
            {
                randomKilled++;
            }
            else
            {
                Assert.True(run.ExitCode == 0, $"{what}: the run failed on its own (exit {run.ExitCode}):\n{run.Stderr}");
                finishedFirst++;
                if (run.Elapsed < wholeRun) wholeRun = run.Elapsed;
            }

            string state = await AssertBeforeOrAfterAsync(place, reference, what);
            long stateMs = checkClock.ElapsedMilliseconds;
            if (state == "before") leftBefore++;
            else if (state == "after") leftAfter++;
            else unchanged++;
            await op.Rerun(fixture, place);
            long rerunMs = checkClock.ElapsedMilliseconds;
            string end = await AssertFinishedCleanAsync(place, op, reference, what);
            output.WriteLine($"  kill {k,2} {label,-34} {run.Describe()}; table {state}; rerun: {end} (checks {stateMs}+{rerunMs - stateMs}+{checkClock.ElapsedMilliseconds - rerunMs} ms)");
        }
        output.WriteLine($"{operation} on {store}: {kills.Count} kill points ({named} named, {randomKilled} random delays that killed, {finishedFirst} that came after the run finished); " +
            $"after the kill the table held the state before {leftBefore} times, after {leftAfter} times, the unchanged rows of an operation that keeps them {unchanged} times; every rerun ended clean; {clock.Elapsed.TotalSeconds:F1} s");
    }

    private sealed record Reference(TableContent? Before, long BaseVersion, TableContent After, HashSet<long> KeptReadable);

    /// <summary>A fresh location holding the operation's base table.</summary>
    private async Task<CrashPlace> PrepareAsync(TableStore tables, CrashOperation op, string name)
    {
        var place = new CrashPlace(tables, tables.NewLocation($"{op.Name}-{name}"));
        if (op.Base is not null) await tables.SeedAsync(fixture.BaseFolder(op.Base), place.Location);
        return place;
    }

    /// <summary>After a kill: every version that should read does, and the latest is the state before or after. Returns which.</summary>
    private static async Task<string> AssertBeforeOrAfterAsync(CrashPlace place, Reference r, string what)
    {
        await using var t = await place.OpenAsync();
        if (!await t.ExistsAsync())
        {
            Assert.True(r.Before is null, $"{what}: the table is gone");
            return "before";
        }
        long latest = await t.GetLatestVersionAsync();
        Assert.True(latest >= r.BaseVersion, $"{what}: the latest version is {latest}, below the {r.BaseVersion} the table had");
        TableContent? content = null;
        for (long v = 0; v <= latest; v++)
        {
            if (v <= r.BaseVersion && !r.KeptReadable.Contains(v)) continue;
            try
            {
                content = await TableContent.ReadAsync(t, v);
            }
            catch (Exception e)
            {
                Assert.Fail($"{what}: version {v} of {latest} does not read: {e.GetType().Name}: {e.Message}");
            }
        }
        content ??= await TableContent.ReadAsync(t);
        if (r.Before is not null && content.SameRowsAs(r.Before)) return content.SameRowsAs(r.After) ? "unchanged (the operation keeps the rows)" : "before";
        if (content.SameRowsAs(r.After)) return "after";
        Assert.Fail($"{what}: the latest version holds neither the rows before the operation nor those after it: {content.DifferenceFrom(r.After)}");
        return "";
    }

    /// <summary>After the rerun: exactly the rows of an uninterrupted run; then vacuum leaves no orphan and the check is clean.</summary>
    private static async Task<string> AssertFinishedCleanAsync(CrashPlace place, CrashOperation op, Reference r, string what)
    {
        await using var t = await place.OpenAsync();
        var content = await TableContent.ReadAsync(t);
        Assert.True(content.SameRowsAs(r.After), $"{what}: after the rerun the table differs from an uninterrupted run: {content.DifferenceFrom(r.After)}");
        if (op.ExactlyOnce) Assert.True(content.Version == r.After.Version, $"{what}: after the rerun the table is at version {content.Version}, an uninterrupted run makes {r.After.Version}");

        var lap = Stopwatch.StartNew();
        var vacuum = await t.VacuumAsync(TimeSpan.Zero, force: true);
        long vacuumMs = lap.ElapsedMilliseconds;
        var snapshot = await t.GetSnapshotAsync(null);
        var referenced = snapshot.Files.Select(f => snapshot.ResolveDataPath(f.Path)).ToHashSet(StringComparer.Ordinal);
        var everything = await place.Store.ListEverythingAsync(place.Location);
        var stray = everything.Where(p => p.Contains("/.deltalite-tmp-", StringComparison.Ordinal) || p.StartsWith(".deltalite-tmp-", StringComparison.Ordinal)
            || (!p.StartsWith("_delta_log/", StringComparison.Ordinal) && !referenced.Contains(p))).ToList();
        Assert.True(stray.Count == 0, $"{what}: after the rerun and a vacuum with no retention, {stray.Count} file(s) no version references are left: {string.Join(", ", stray.Take(10))}");
        var missing = referenced.Where(p => !everything.Contains(p)).ToList();
        Assert.True(missing.Count == 0, $"{what}: the latest version references missing files: {string.Join(", ", missing.Take(10))}");
        long listMs = lap.ElapsedMilliseconds;
        var check = await t.CheckAsync();
        Assert.True(check.Healthy, $"{what}: the check found problems: {string.Join("; ", check.Problems.Select(p => $"{p.Where}: {p.What}"))}");
        return $"{content.Rows} rows at version {content.Version} as uninterrupted; vacuum deleted {vacuum.Files.Count}; check healthy [vacuum {vacuumMs}, list {listMs - vacuumMs}, check {lap.ElapsedMilliseconds - listMs} ms]";
    }
}

/// <summary>The crash suite on local tables.</summary>
public sealed class LocalCrashTests(CrashFixture fixture, ITestOutputHelper output) : CrashTests(fixture, output, "local"), IClassFixture<CrashFixture>;

/// <summary>The crash suite on Azurite tables (every object written in blocks, so every write has a step between staging and commit).</summary>
public sealed class AzuriteCrashTests(CrashFixture fixture, ITestOutputHelper output) : CrashTests(fixture, output, "azurite"), IClassFixture<CrashFixture>;
