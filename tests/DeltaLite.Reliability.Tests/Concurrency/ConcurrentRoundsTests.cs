using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CliRunner = DeltaLite.Cli.Tests.Cli;
using Xunit.Abstractions;

namespace DeltaLite.Reliability.Tests.Concurrency;

/// <summary>
/// Several `deltalite` processes at once against one table, in rounds: ingests of five sources (SQLite appends, SQLite
/// merges by key, a CSV folder, and a second run of the CSV job at the same moment), an optimize and a vacuum with the
/// table's own (short) retention. A process that loses a commit race (exit code 2) is run again, as a scheduler
/// would. At the end the log must be contiguous, no vacuum may have deleted a file a version within the retention
/// needs, every version whose files exist must read, the latest version must hold exactly the rows of the serial
/// reference (the sources' rows as the test wrote them: every appended row once, the last version of each merged
/// key), and `deltalite check` must find nothing. DELTALITE_LONG_TESTS=1 runs more rounds, rows and processes.
/// </summary>
public abstract class ConcurrentRoundsTests(ITestOutputHelper output) : IDisposable
{
    private const int MaxAttempts = 12;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("deltalite-conc-");
    private readonly ConcurrentBag<ProcessRecord> _processes = [];

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The table under test (its folder, or a container on Azurite).</summary>
    private protected abstract Task<TableTarget> CreateTargetAsync(string folder);

    /// <summary>Concurrent rounds in CI (each: every job at once).</summary>
    protected abstract int CiRounds { get; }

    private static bool Long => Environment.GetEnvironmentVariable("DELTALITE_LONG_TESTS") == "1";

    /// <summary>
    /// The table's delta.deletedFileRetentionDuration, which the vacuums use (no --retain, no --force). Far longer than a
    /// data file waits for its commit (the audit measures it: about a second here), so a vacuum never deletes a write in
    /// progress (Delta's rule for safe vacuums), and short enough that later rounds' vacuums delete what earlier rounds
    /// removed, so the audit can see the retention honoured.
    /// </summary>
    private static TimeSpan Retention => Long ? TimeSpan.FromSeconds(40) : TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Concurrent_ingests_optimize_and_vacuum_end_as_the_serial_reference()
    {
        int rounds = Long ? CiRounds * 4 : CiRounds;
        int rowsPerRound = Long ? 2_000 : 300;
        await using var target = await CreateTargetAsync(Path.Combine(_dir.FullName, "table"));
        string[] properties = [$"delta.deletedFileRetentionDuration=interval {Retention.TotalSeconds} seconds", "delta.checkpointInterval=4"];

        string data = Path.Combine(_dir.FullName, "sources");
        var a = new Source("a", SourceShape.SqliteAppend, n => 4 * n, data);
        var b = new Source("b", SourceShape.SqliteAppend, n => 4 * n + 1, data);
        var m = new Source("m", SourceShape.SqliteMerge, n => 4 * n + 2, data);
        var c = new Source("c", SourceShape.CsvAppend, n => 4 * n + 3, data);
        var n = new Source("n", SourceShape.SqliteMerge, k => 1_000_000_000 + k, data);
        Source[] sources = [a, b, m, c, n];
        var expected = new Dictionary<long, Row>();

        // Round 0: source A alone creates the table (version 0) with the retention and checkpoint interval.
        a.AddRound(0, rowsPerRound, expected);
        var created = await RunAsync(0, "ingest a", a.IngestArguments(target.Location, properties), target);
        Assert.Equal(0, created.Json.GetProperty("version").GetInt64());

        var vacuums = new ConcurrentBag<VacuumRun>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var s in sources) s.AddRound(round, rowsPerRound, expected);
            var jobs = new List<Task<ProcessRecord>>();
            foreach (var s in sources) jobs.Add(RunAsync(round, "ingest " + s.Name, s.IngestArguments(target.Location, []), target));
            // The same CSV job twice at once (and, in long runs, the merge job too): the rows land once.
            jobs.Add(RunAsync(round, "ingest c (second run)", c.IngestArguments(target.Location, []), target));
            if (Long) jobs.Add(RunAsync(round, "ingest m (second run)", m.IngestArguments(target.Location, []), target));
            int maintenance = Long ? 2 : 1;
            for (int i = 0; i < maintenance; i++)
            {
                jobs.Add(RunAsync(round, "optimize", ["optimize", target.Location, "--json"], target));
                jobs.Add(VacuumAsync(round, target, vacuums));
            }
            var done = await Task.WhenAll(jobs);
            foreach (var s in sources)
            {
                int commits = _processes.Count(p => p.Round == round && p.Name.StartsWith("ingest " + s.Name, StringComparison.Ordinal) && p.Outcome == "Committed");
                Assert.True(commits == 1, $"round {round}: source {s.Name} committed {commits} times (its runs: " +
                    string.Join("; ", _processes.Where(p => p.Round == round && p.Name.StartsWith("ingest " + s.Name, StringComparison.Ordinal)).Select(p => p.Describe())) + ")");
            }
        }

        var audit = await TableAudit.RunAsync(target, expected, Retention, vacuums.ToList());
        var check = await Task.Run(() => CliRunner.Run(["check", target.Location, "--json"], target.Environment, _dir.FullName));
        check.Ok();
        Assert.True(check.Json().GetProperty("healthy").GetBoolean(), check.Stdout);

        var all = _processes.ToList();
        int conflicts = all.Count(p => p.ExitCode == 2);
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target.Kind}: {rounds} concurrent rounds, {all.Count} deltalite processes ({all.Count(p => p.Round > 0)} in the concurrent rounds, up to {all.Where(p => p.Round > 0).GroupBy(p => p.Round).Max(g => g.Count(x => x.Attempt == 1))} at once)"));
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ingest commits {all.Count(p => p.Outcome == "Committed")}, lost same-job races {all.Count(p => p.Outcome == "ConcurrentRunCommitted")}, nothing new {all.Count(p => p.Outcome == "NoNewRows")}; optimize commits {all.Count(p => p.Name == "optimize" && p.ExitCode == 0 && p.Json.GetProperty("version").ValueKind == JsonValueKind.Number)}; vacuums {vacuums.Count} deleting {audit.FilesVacuumed} files"));
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  commit conflicts (exit code 2) run again: {conflicts} ({string.Join(", ", all.Where(p => p.ExitCode == 2).GroupBy(p => p.Name).Select(g => $"{g.Key} x{g.Count()}"))})"));
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  log: versions 0..{audit.LatestVersion} contiguous, {audit.Checkpoints} checkpoints; {audit.VersionsRead} versions read in full, {audit.VersionsVacuumedAway} older than the retention lost files to vacuum; {expected.Count} rows as the serial reference"));
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  slowest process {all.Max(p => (p.End - p.Start).TotalSeconds):0.0} s; longest a data file waited for its commit {audit.LongestInFlight.TotalSeconds:0.0} s (retention {Retention.TotalSeconds:0} s)"));
    }

    private async Task<ProcessRecord> VacuumAsync(int round, TableTarget target, ConcurrentBag<VacuumRun> vacuums)
    {
        var run = await RunAsync(round, "vacuum", ["vacuum", target.Location, "--json"], target);
        var paths = run.Json.GetProperty("paths").EnumerateArray().Select(p => p.GetString()!).ToList();
        vacuums.Add(new VacuumRun(run.Start, run.End, paths));
        return run;
    }

    /// <summary>Runs one job as a process, and again while it exits with 2 (a commit conflict); any other failure fails the test.</summary>
    private async Task<ProcessRecord> RunAsync(int round, string name, IReadOnlyList<string> args, TableTarget target)
    {
        for (int attempt = 1; ; attempt++)
        {
            var start = DateTimeOffset.UtcNow;
            var result = await Task.Run(() => CliRunner.Run(args, target.Environment, _dir.FullName));
            var end = DateTimeOffset.UtcNow;
            JsonElement json = result.ExitCode == 0 ? result.Json() : default;
            string? outcome = name.StartsWith("ingest", StringComparison.Ordinal) && result.ExitCode == 0 ? json.GetProperty("outcome").GetString() : null;
            var record = new ProcessRecord(round, name, attempt, start, end, result.ExitCode, outcome, json, result.Stderr);
            _processes.Add(record);
            if (result.ExitCode == 0) return record;
            if (result.ExitCode != 2)
                Assert.Fail($"round {round}, {name} (attempt {attempt}): `{result.CommandLine}` exited with {result.ExitCode}:\n{result.Stderr}\n{result.Stdout}");
            // (progress lines come first on stderr; the error is the last line)
            string last = result.Stderr.TrimEnd().Split('\n')[^1];
            Assert.True(last.StartsWith("error: ", StringComparison.Ordinal) && last.Contains("concurrent", StringComparison.OrdinalIgnoreCase),
                $"round {round}, {name}: exit code 2 without a conflict message:\n{result.Stderr}");
            if (attempt == MaxAttempts) Assert.Fail($"round {round}, {name}: still conflicting after {MaxAttempts} runs:\n{result.Stderr}");
        }
    }

    public void Dispose()
    {
        try { _dir.Delete(recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    private sealed record ProcessRecord(int Round, string Name, int Attempt, DateTimeOffset Start, DateTimeOffset End, int ExitCode, string? Outcome, JsonElement Json, string Stderr)
    {
        public string Describe() => $"attempt {Attempt}: exit {ExitCode}{(Outcome is null ? "" : " " + Outcome)}{(ExitCode == 0 ? "" : " " + Stderr.TrimEnd().Split('\n')[^1])}";
    }
}

/// <summary>The suite on a local folder.</summary>
public sealed class LocalConcurrentRoundsTests(ITestOutputHelper output) : ConcurrentRoundsTests(output)
{
    protected override int CiRounds => 3;

    private protected override Task<TableTarget> CreateTargetAsync(string folder) => Task.FromResult(TableTarget.Local(folder));
}

/// <summary>The suite on the Azurite of scripts/test.sh.</summary>
public sealed class AzuriteConcurrentRoundsTests(ITestOutputHelper output) : ConcurrentRoundsTests(output)
{
    protected override int CiRounds => 2;

    private protected override Task<TableTarget> CreateTargetAsync(string folder) => TableTarget.AzuriteAsync(AzuriteEndpoint.FromEnvironment(), "table");
}
