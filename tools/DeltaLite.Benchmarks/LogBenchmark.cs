using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using DeltaLite.Actions;
using DeltaLite.Log;

namespace DeltaLite.Benchmarks;

/// <summary>
/// Opening a version of a table with a long log: N commits of one small add each (N files), a classic checkpoint
/// every 10 commits; the latest and a middle version, median of 5 runs each, with the checkpoints and with a copy of
/// the log that has only the JSON commits.
///   deltalite-bench log [--commits N] [--dir DIR] [--runs R]
/// </summary>
internal static class LogBenchmark
{
    private const int Interval = 10;

    public static int Run(string[] args)
    {
        int commits = 10_000, runs = 5;
        string? dir = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--commits": commits = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--dir": dir = Next(args, ref i); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (commits < Interval) throw new ArgumentException($"--commits must be at least {Interval}");
        bool ownDir = dir is null;
        dir ??= Path.Combine(Path.GetTempPath(), $"deltalite-bench-log-{Guid.NewGuid():N}");
        try
        {
            return RunAsync(dir, commits, runs).GetAwaiter().GetResult();
        }
        finally
        {
            if (ownDir && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string Next(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static async Task<int> RunAsync(string dir, int commits, int runs)
    {
        string withCheckpoints = Path.Combine(dir, "with-checkpoints");
        string jsonOnly = Path.Combine(dir, "json-only");
        var build = Stopwatch.StartNew();
        await BuildAsync(withCheckpoints, commits);
        CopyJsonOnly(withCheckpoints, jsonOnly);
        Console.Error.WriteLine($"built {commits} commits with a checkpoint every {Interval} in {build.Elapsed.TotalSeconds:0.0} s ({dir})");

        long middle = commits / 2 + 3; // not on a checkpoint: a checkpoint plus 3 commits
        var rows = new List<(string Name, double With, double Without, int Files)>();
        foreach (var (name, version) in new[] { ($"latest (v{commits})", (long?)null), ($"middle (v{middle})", (long?)middle) })
        {
            var (with, files) = await TimeOpenAsync(withCheckpoints, version, runs);
            var (without, filesJson) = await TimeOpenAsync(jsonOnly, version, runs);
            if (files != filesJson) throw new InvalidOperationException($"{name}: {files} files with checkpoints, {filesJson} from JSON alone");
            rows.Add((name, with, without, files));
            Summary.Add(new($"open the {(version is null ? "latest" : "middle")} version of a long log (median of {runs})", commits, "commits",
                new(with / 1000, null), "JSON commits only", new(without / 1000, null), MaxMilliseconds: 100));
        }
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Opening a version of a table with {commits} commits (one add each), checkpoint every {Interval}; median of {runs} runs, ms");
        Console.WriteLine();
        Console.WriteLine("| open | live files | with checkpoints (ms) | JSON commits only (ms) | JSON only / checkpoints |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, with, without, files) in rows)
            Console.WriteLine(string.Create(inv, $"| {name} | {files} | {with:0.0} | {without:0.0} | {without / with:0.0}x |"));
        return 0;
    }

    /// <summary>Opens the table and builds the snapshot (the log only, no data files), once to warm up, then <paramref name="runs"/> times.</summary>
    private static async Task<(double MedianMs, int Files)> TimeOpenAsync(string path, long? version, int runs)
    {
        int files = 0;
        var times = new List<double>();
        for (int r = -1; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            await using var table = await DeltaTable.OpenAsync(path);
            var snapshot = await table.GetSnapshotAsync(version);
            clock.Stop();
            files = snapshot.Files.Count;
            if (r >= 0) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return (Medians.Of(times), files);
    }

    /// <summary>Writes the commits directly (not through transactions) and a checkpoint every <see cref="Interval"/>.</summary>
    private static async Task BuildAsync(string path, int commits)
    {
        string log = Path.Combine(path, "_delta_log");
        Directory.CreateDirectory(log);
        long t0 = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        const string schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}";
        Write(log, 0, [
            Info(t0, "CREATE TABLE"),
            new ProtocolAction(1, 2),
            new MetadataAction(Guid.NewGuid().ToString(), null, null, FormatSpec.Parquet, schema, [], t0,
                new Dictionary<string, string> { ["delta.checkpointInterval"] = Interval.ToString(CultureInfo.InvariantCulture) }),
        ]);
        await using var table = await DeltaTable.OpenAsync(path);
        for (int v = 1; v <= commits; v++)
        {
            long t = t0 + v;
            string stats = $"{{\"numRecords\":100,\"minValues\":{{\"id\":{v * 100},\"name\":\"a{v}\"}},\"maxValues\":{{\"id\":{v * 100 + 99},\"name\":\"z{v}\"}},\"nullCount\":{{\"id\":0,\"name\":0}}}}";
            Write(log, v, [
                Info(t, "WRITE"),
                new AddFile($"part-{v:D5}-{Guid.NewGuid()}.snappy.parquet", new Dictionary<string, string?>(), 1500 + v % 100, t, true, stats),
            ]);
            if (v % Interval == 0)
                await CheckpointWriter.WriteAsync(await table.GetSnapshotAsync(v), DateTimeOffset.UtcNow, default);
        }
    }

    private static CommitInfoAction Info(long timestamp, string operation) => new(new JsonObject
    {
        ["timestamp"] = timestamp,
        ["operation"] = operation,
        ["operationParameters"] = new JsonObject { ["mode"] = "Append" },
        ["isBlindAppend"] = true,
        ["engineInfo"] = "deltalite-bench",
    });

    private static void Write(string log, long version, DeltaAction[] actions) =>
        File.WriteAllBytes(Path.Combine(log, $"{version:D20}.json"), ActionSerializer.WriteCommit(actions));

    private static void CopyJsonOnly(string from, string to)
    {
        string log = Path.Combine(to, "_delta_log");
        Directory.CreateDirectory(log);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(from, "_delta_log"), "*.json"))
            File.Copy(f, Path.Combine(log, Path.GetFileName(f)));
    }
}
