using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeltaLite.Parquet;
using DeltaLite.Writes;

namespace DeltaLite.Benchmarks;

/// <summary>
/// Table writes on loan rows: append, merge (upsert), optimize, vacuum. Every step runs in its own process (the
/// parent only orchestrates), so each peak-memory figure belongs to that step alone; inputs are generated before the
/// clock starts. The merge of the same 1% of keys into an N-row and a 2N-row table shows that merge time follows the
/// files touched, not the table size.
/// <para>
/// An append of generated rows held in memory measures the write speed, but not its memory: with the input live on the
/// heap, the GC lets more garbage pile up before it collects (its budgets follow the live heap), so the peak above the
/// step's start grows with the input (73 MiB at 1M rows, 137 MiB at 2M, 273 MiB at 5M), which an ingestion that
/// streams its rows never sees. So each append size also runs with its rows generated while the writer pulls them
/// (the time then includes generating them): that step's peak is the one the combined table reports and checks for
/// flatness (126, 124 and 129 MiB at 1M, 2M and 5M rows).
/// </para>
///   deltalite-bench writes [--rows N] [--seed S] [--dir DIR]
/// </summary>
internal static class WritesBenchmark
{
    private const int BatchRows = 65536;
    private const string TargetFileSize = "8388608"; // 8 MiB: a 1M-row loan table is about a dozen files

    public static int Run(string[] args)
    {
        var (rows, seed, dir) = RowOptions.Parse(args);
        if (rows < 10_000) throw new ArgumentException("--rows must be at least 10000");
        bool temp = dir is null;
        dir ??= Directory.CreateTempSubdirectory("deltalite-writes-bench-").FullName;
        Directory.CreateDirectory(dir);
        try
        {
            string s = seed.ToString(CultureInfo.InvariantCulture);
            string n = rows.ToString(CultureInfo.InvariantCulture);
            string n2 = (2 * rows).ToString(CultureInfo.InvariantCulture);
            string t1 = Path.Combine(dir, "loans-1x"), t2 = Path.Combine(dir, "loans-2x"), t3 = Path.Combine(dir, "small-files"), t4 = Path.Combine(dir, "stale-files");
            Console.Error.WriteLine($"writes benchmark: {rows:N0} loan rows x {LoanTable.Schema.Count} columns, seed {seed}, {Environment.ProcessorCount} cores, in {dir}");

            var results = new List<(string Name, Step Step)>
            {
                ($"append {rows:N0} rows (new table)", Measured("append (new table)", "rows", Child("append", t1, n, s), peak: false)),
                ($"append {rows:N0} rows (new table), rows generated while writing", Measured("append (new table), rows generated while writing", "rows", Child("append-streamed", t1 + "-streamed", n, s))),
                ($"merge {rows / 100:N0} rows (1% of keys, one key range) into {rows:N0}", Measured($"merge 1% of keys into {rows:N0}", "rows", Child("merge-range", t1, n, s))),
                ($"merge {rows / 10:N0} changed rows (10 key ranges) into {rows:N0}", Measured($"merge 10% changed rows into {rows:N0}", "rows", Child("merge-spread", t1, n, s))),
                ($"append {2 * rows:N0} rows (new table)", Measured("append (new table)", "rows", Child("append", t2, n2, s), peak: false)),
                ($"append {2 * rows:N0} rows (new table), rows generated while writing", Measured("append (new table), rows generated while writing", "rows", Child("append-streamed", t2 + "-streamed", n2, s))),
                ($"merge {rows / 100:N0} rows (same keys) into {2 * rows:N0}", Measured($"merge 1% of keys into {2 * rows:N0}", "rows", Child("merge-range", t2, n, s))),
            };
            Child("small-files", t3, n, s);
            results.Add(("optimize 1,000 small files", Measured("optimize 1,000 small files", "rows", Child("optimize", t3, n, s))));
            Child("stale-files", t4, "10000", s);
            results.Add(("vacuum 10,000 stale files", Measured("vacuum stale files", "files", Child("vacuum", t4, n, s))));

            Console.WriteLine($"Table writes: loan rows ({LoanTable.Schema.Count} columns), delta.targetFileSize 8 MiB, SNAPPY, {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| operation | time | rows/s | table files before | files read | files removed | files written | MiB written | peak MiB |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var (name, st) in results)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {st.Seconds:F2} s | {(st.Rows / st.Seconds):N0} | {st.FilesBefore:N0} | {st.FilesRead:N0} | {st.FilesRemoved:N0} | {st.FilesWritten:N0} | {st.BytesWritten / 1048576.0:F1} | {st.PeakMiB:F0} |"));
            Console.WriteLine();
            Console.WriteLine("rows/s: rows appended, source rows merged, rows rewritten by optimize, files deleted by vacuum.");
            Console.WriteLine("files read: for merge, the files whose key column was read after skipping by key statistics; for optimize, the files compacted.");
            Console.WriteLine("peak MiB: peak resident memory of the step's process above its resident memory when the step began (inputs already generated, except where generated while writing).");
            return 0;
        }
        finally
        {
            if (temp) Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Step(double Seconds, long Rows, long FilesBefore, long FilesRead, long FilesRemoved, long FilesWritten, long BytesWritten, double PeakMiB);

    /// <summary>
    /// Adds the step to the run's combined table (table writes have no peer) and returns it; without
    /// <paramref name="peak"/>, its peak memory stays out of the combined table (see the class notes).
    /// </summary>
    private static Step Measured(string workload, string unit, Step step, bool peak = true)
    {
        Summary.Add(new(workload, step.Rows, unit, new(step.Seconds, peak ? step.PeakMiB : null)));
        return step;
    }

    private static Step Child(params string[] args)
    {
        var d = ChildProcess.Self(["child-table", .. args]);
        long L(string name) => d.GetProperty(name).GetInt64();
        return new Step(d.GetProperty("seconds").GetDouble(), L("rows"), L("filesBefore"), L("filesRead"), L("filesRemoved"), L("filesWritten"), L("bytesWritten"), d.GetProperty("peakMiB").GetDouble());
    }

    /// <summary>One step, in this (child) process; prints its figures as JSON.</summary>
    public static int ChildStep(string step, string path, long rows, int seed) => ChildStepAsync(step, path, rows, seed).GetAwaiter().GetResult();

    private static async Task<int> ChildStepAsync(string step, string path, long rows, int seed)
    {
        await using var table = await DeltaTable.OpenAsync(path);
        switch (step)
        {
            case "append":
                {
                    await table.CreateAsync(LoanTable.Schema, new CreateTableOptions { Properties = new Dictionary<string, string> { ["delta.targetFileSize"] = TargetFileSize } });
                    var batches = Generate(0, rows, seed);
                    return await MeasureAsync(table, rows, () => table.AppendAsync(batches));
                }
            case "append-streamed":
                {
                    await table.CreateAsync(LoanTable.Schema, new CreateTableOptions { Properties = new Dictionary<string, string> { ["delta.targetFileSize"] = TargetFileSize } });
                    return await MeasureAsync(table, rows, () => table.AppendAsync(Generated(0, rows, seed)));
                }
            case "merge-range":
                {
                    // The same ids whatever the table size: 1% of the --rows figure, from the middle of the first N rows.
                    var batches = Generate(rows / 2, rows / 100, seed + 1);
                    return await MeasureAsync(table, rows / 100, () => table.MergeAsync(batches, ["id"]));
                }
            case "merge-spread":
                {
                    var batches = new List<RecordBatch>();
                    for (int k = 0; k < 10; k++) batches.AddRange(Generate(k * (rows / 10), rows / 100, seed + 2));
                    return await MeasureAsync(table, rows / 10, () => table.MergeAsync(batches, ["id"]));
                }
            case "small-files":
                {
                    await table.CreateAsync(LoanTable.Schema);
                    int per = (int)Math.Max(1, rows / 1000);
                    var batches = Enumerable.Range(0, 1000).Select(i => LoanTable.Batch((long)i * per, per, seed)).ToList();
                    await table.AppendAsync(batches, new WriteOptions { TargetFileSize = 1 });
                    return Report(0, 0, 0, 0, 0, 0, 0, 0);
                }
            case "optimize":
                {
                    var before = await table.GetSnapshotAsync();
                    long tableRows = await before.CountRowsAsync();
                    GC.Collect();
                    ProcessMemory.ResetPeak();
                    double baseline = ProcessMemory.CurrentMiB();
                    var clock = Stopwatch.StartNew();
                    var r = await table.OptimizeAsync();
                    clock.Stop();
                    return Report(clock.Elapsed.TotalSeconds, r.RowsRewritten == 0 ? tableRows : r.RowsRewritten, before.Files.Count, r.NumFilesRemoved, r.NumFilesRemoved, r.NumFilesAdded, r.BytesAdded, ProcessMemory.PeakMiB() - baseline);
                }
            case "stale-files":
                {
                    await table.CreateAsync(LoanTable.Schema);
                    var batches = Enumerable.Range(0, (int)rows).Select(i => LoanTable.Batch(i * 10L, 10, seed)).ToList();
                    await table.AppendAsync(batches, new WriteOptions { TargetFileSize = 1 });
                    await table.OverwriteAsync([LoanTable.Batch(0, 10, seed)]);
                    return Report(0, 0, 0, 0, 0, 0, 0, 0);
                }
            case "vacuum":
                {
                    var before = await table.GetSnapshotAsync();
                    GC.Collect();
                    ProcessMemory.ResetPeak();
                    double baseline = ProcessMemory.CurrentMiB();
                    var clock = Stopwatch.StartNew();
                    var r = await table.VacuumAsync(TimeSpan.Zero, force: true);
                    clock.Stop();
                    return Report(clock.Elapsed.TotalSeconds, r.Files.Count, before.Files.Count, r.FilesScanned, r.Files.Count, 0, 0, ProcessMemory.PeakMiB() - baseline);
                }
            default:
                throw new ArgumentException($"unknown step '{step}'");
        }
    }

    private static List<RecordBatch> Generate(long start, long count, int seed) => Generated(start, count, seed).ToList();

    /// <summary>The batches of rows start..start+count-1, each generated when it is asked for.</summary>
    private static IEnumerable<RecordBatch> Generated(long start, long count, int seed)
    {
        for (long s = start; s < start + count; s += BatchRows)
            yield return LoanTable.Batch(s, (int)Math.Min(BatchRows, start + count - s), seed);
    }

    private static async Task<int> MeasureAsync(DeltaTable table, long rows, Func<Task<Transactions.CommitResult>> action)
    {
        var before = await table.GetSnapshotAsync();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        ProcessMemory.ResetPeak();
        double baseline = ProcessMemory.CurrentMiB();
        var clock = Stopwatch.StartNew();
        var result = await action();
        clock.Stop();
        double peak = ProcessMemory.PeakMiB() - baseline;
        Actions.CommitInfoAction? info = null;
        await foreach (var entry in table.HistoryAsync(1)) info = entry.CommitInfo;
        var metrics = info?.OperationMetrics;
        long M(string name) => metrics?[name] is { } node && long.TryParse((string?)node, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        var after = await table.GetSnapshotAsync(result.Version);
        var added = after.Files.Where(f => !before.Files.Any(b => b.Path == f.Path)).ToList();
        bool merge = info?.Operation == "MERGE";
        return Report(clock.Elapsed.TotalSeconds, rows, before.Files.Count, merge ? M("numTargetFilesAfterSkipping") : 0,
            merge ? M("numTargetFilesRemoved") : M("numRemovedFiles"), added.Count, added.Sum(f => f.Size), peak);
    }

    private static int Report(double seconds, long rows, long filesBefore, long filesRead, long filesRemoved, long filesWritten, long bytesWritten, double peakMiB)
    {
        Console.WriteLine(JsonSerializer.Serialize(new { seconds, rows, filesBefore, filesRead, filesRemoved, filesWritten, bytesWritten, peakMiB }));
        return 0;
    }
}
